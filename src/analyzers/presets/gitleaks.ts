import type { AnalyzerPreset } from '../types.js';

/** Hard-coded credentials: what every gitleaks result is, so rules on the `secrets` category see them. */
const SECRET_TAGS = ['security', 'secret', 'external/cwe/cwe-798'];

/**
 * gitleaks' SARIF names no CWE for its rules; every one of them finds a credential in a file.
 * Tags each result so its category is `secrets`. Pure; other fields pass through.
 */
export function tagGitleaksSarif(text: string): string {
  const log = JSON.parse(text) as { runs?: Array<{ results?: Array<{ properties?: Record<string, unknown> }> }> };
  for (const run of log.runs ?? []) {
    for (const result of run.results ?? []) {
      const properties = result.properties ?? {};
      const tags = Array.isArray(properties.tags) ? properties.tags.filter((tag): tag is string => typeof tag === 'string') : [];
      properties.tags = [...new Set([...tags, ...SECRET_TAGS])];
      result.properties = properties;
    }
  }
  return JSON.stringify(log);
}

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
      // Findings are data: a leak found is not a failed run.
      '--exit-code',
      '0',
      ...args,
    ],
    output: { kind: 'file', path: outputPath },
    convert: tagGitleaksSarif,
  }),
};
