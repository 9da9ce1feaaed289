import type { AnalyzerPreset } from '../types.js';

/** Trivy filesystem scan: `trivy fs --format sarif --output <out> .`. */
export const trivy: AnalyzerPreset = {
  id: 'trivy',
  sources: ['trivy'],
  description: 'vulnerabilities, misconfigurations and secrets in files (trivy fs --format sarif)',
  build: ({ args, outputPath }) => ({
    file: 'trivy',
    args: ['fs', '--format', 'sarif', '--output', outputPath, '--quiet', ...args, '.'],
    output: { kind: 'file', path: outputPath },
  }),
};
