import type { AnalyzerPreset } from '../types.js';

/**
 * CodeQL: import only. Building a CodeQL database compiles (runs) the project's build, which Sieve
 * never does for an untrusted repository; list CodeQL's SARIF files (e.g. CI artifacts) under the
 * target's `sarif` instead.
 */
export const codeql: AnalyzerPreset = {
  id: 'codeql',
  sources: ['codeql'],
  description: 'import of CodeQL SARIF files only (no command is run)',
};
