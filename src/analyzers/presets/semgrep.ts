import type { AnalyzerPreset } from '../types.js';

/**
 * Semgrep: `semgrep scan --sarif --config <rules>`. Without `args`, the `p/default` ruleset is
 * used, which semgrep fetches over the network; pass `["--config", "/path/rules.yml"]` to stay offline.
 * `--no-rewrite-rule-ids` keeps a rule's id as written: semgrep otherwise prefixes it with the rules
 * file's folder (`tmp.rules.my-rule`), and moving the file would turn every finding into new + fixed.
 */
export const semgrep: AnalyzerPreset = {
  id: 'semgrep',
  sources: ['semgrep', 'semgrep oss', 'semgrep pro'],
  description: 'multi-language rules (semgrep scan --sarif)',
  build: ({ args, outputPath }) => ({
    file: 'semgrep',
    args: [
      'scan',
      '--sarif',
      '--metrics',
      'off',
      '--disable-version-check',
      '--no-rewrite-rule-ids',
      '--output',
      outputPath,
      ...(args.includes('--config') || args.some((arg) => arg.startsWith('--config=')) ? args : ['--config', 'p/default', ...args]),
      '.',
    ],
    output: { kind: 'file', path: outputPath },
    env: { SEMGREP_SEND_METRICS: 'off' },
  }),
};
