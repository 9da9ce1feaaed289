import type { AnalyzerPreset } from '../types.js';

/** Bandit (Python): `bandit -r . -f sarif -o <out>` (needs bandit's `sarif` extra installed). */
export const bandit: AnalyzerPreset = {
  id: 'bandit',
  sources: ['bandit'],
  description: 'Python security checks (bandit -f sarif)',
  build: ({ args, outputPath }) => ({
    file: 'bandit',
    args: ['-r', '.', '-f', 'sarif', '-o', outputPath, '--quiet', ...args],
    output: { kind: 'file', path: outputPath },
  }),
};
