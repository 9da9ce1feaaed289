import type { AnalyzerPreset } from '../types.js';

/** Flawfinder (C/C++): `flawfinder --sarif .`, SARIF on stdout. */
export const flawfinder: AnalyzerPreset = {
  id: 'flawfinder',
  sources: ['flawfinder'],
  description: 'C/C++ risky function calls (flawfinder --sarif)',
  build: ({ args }) => ({ file: 'flawfinder', args: ['--sarif', ...args, '.'], output: { kind: 'stdout' } }),
};
