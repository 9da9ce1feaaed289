import type { AnalyzerPreset } from '../types.js';

/**
 * gitleaks: `gitleaks detect --report-format sarif`. `--no-git` scans the files without running git
 * in the checkout (a local checkout's .git/config is not Sieve's to trust), and `--redact` keeps
 * the secrets themselves out of Sieve's store and reports.
 */
export const gitleaks: AnalyzerPreset = {
  id: 'gitleaks',
  sources: ['gitleaks'],
  description: 'secrets in files (gitleaks detect --report-format sarif)',
  build: ({ args, outputPath }) => ({
    file: 'gitleaks',
    args: [
      'detect',
      '--source',
      '.',
      '--no-git',
      '--redact',
      '--no-banner',
      '--report-format',
      'sarif',
      '--report-path',
      outputPath,
      ...args,
    ],
    output: { kind: 'file', path: outputPath },
  }),
};
