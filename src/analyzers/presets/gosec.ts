import type { AnalyzerPreset } from '../types.js';

/**
 * gosec (Go): `gosec -fmt sarif -out <out> ./...`. GOTOOLCHAIN=local stops go.mod from making Go
 * download and run another toolchain, and CGO_ENABLED=0 keeps cgo directives from the repository
 * out of the C compiler.
 */
export const gosec: AnalyzerPreset = {
  id: 'gosec',
  sources: ['gosec'],
  description: 'Go security checks (gosec -fmt sarif)',
  build: ({ args, outputPath }) => ({
    file: 'gosec',
    args: ['-fmt', 'sarif', '-out', outputPath, '-no-fail', ...args, './...'],
    output: { kind: 'file', path: outputPath },
    env: { GOTOOLCHAIN: 'local', CGO_ENABLED: '0' },
  }),
};
