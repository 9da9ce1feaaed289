/**
 * ESLint's JSON output (`--format json`) as SARIF 2.1.0. Written here rather than taken from a
 * formatter package: the one published formatter depended on a moving dist-tag, which broke fresh
 * installs, and it also turned ESLint's own configuration messages into code findings. Pure.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface EslintMessage {
  ruleId?: string | null;
  message?: string;
  severity?: number;
  fatal?: boolean;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

interface EslintFileResult {
  filePath?: string;
  messages?: EslintMessage[];
  /** Messages silenced by an `eslint-disable` comment: kept, marked as suppressed in source. */
  suppressedMessages?: Array<EslintMessage & { suppressions?: Array<{ justification?: string }> }>;
}

/** Rule help links for Sieve's own rules (all core rules). */
const ruleHelp = (ruleId: string): string => `https://eslint.org/docs/latest/rules/${ruleId}`;

/**
 * Converts ESLint's JSON results. Only messages of `rules` (the rules Sieve configured) become
 * results: messages with no rule id (parse errors, unused or unknown `eslint-disable` directives,
 * "Definition for rule … was not found") are about the configuration or the parse, not the code,
 * and become tool execution notifications instead.
 */
export function eslintJsonToSarif(text: string, options: { checkoutDir: string; rules: readonly string[]; version?: string }): string {
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) throw new Error('ESLint JSON output is not an array of file results');
  const known = new Set(options.rules);
  const base = pathToFileURL(options.checkoutDir.endsWith(path.sep) ? options.checkoutDir : `${options.checkoutDir}${path.sep}`).href;
  const results: unknown[] = [];
  const notifications: unknown[] = [];
  const usedRules = new Set<string>();
  for (const file of parsed as EslintFileResult[]) {
    if (typeof file?.filePath !== 'string' || !Array.isArray(file.messages)) continue;
    const relative = path.relative(options.checkoutDir, file.filePath).split(path.sep).join('/');
    const suppressed = Array.isArray(file.suppressedMessages) ? file.suppressedMessages : [];
    for (const message of [...file.messages, ...suppressed]) {
      const inSource = suppressed.includes(message as (typeof suppressed)[number]);
      const ruleId = typeof message.ruleId === 'string' ? message.ruleId : undefined;
      const region: Record<string, number> = {};
      if (Number.isInteger(message.line) && (message.line ?? 0) > 0) region.startLine = message.line as number;
      if (Number.isInteger(message.column) && (message.column ?? 0) > 0) region.startColumn = message.column as number;
      if (Number.isInteger(message.endLine) && (message.endLine ?? 0) > 0) region.endLine = message.endLine as number;
      if (Number.isInteger(message.endColumn) && (message.endColumn ?? 0) > 0) region.endColumn = message.endColumn as number;
      const physicalLocation = {
        artifactLocation: { uri: encodeURI(relative), uriBaseId: 'SRCROOT' },
        ...(region.startLine !== undefined ? { region } : {}),
      };
      const text = String(message.message ?? '').trim() || 'ESLint message';
      if (ruleId !== undefined && known.has(ruleId) && !message.fatal) {
        usedRules.add(ruleId);
        results.push({
          ruleId,
          level: message.severity === 1 ? 'warning' : 'error',
          message: { text },
          locations: [{ physicalLocation }],
          ...(inSource ? { suppressions: [{ kind: 'inSource', ...justification(message) }] } : {}),
        });
      } else if (!inSource) {
        notifications.push({
          level: message.fatal ? 'error' : 'note',
          message: { text: ruleId !== undefined ? `${ruleId}: ${text}` : text },
          locations: [{ physicalLocation }],
        });
      }
    }
  }
  const driver: Record<string, unknown> = {
    name: 'ESLint',
    informationUri: 'https://eslint.org',
    rules: [...usedRules].sort().map((id) => ({ id, helpUri: ruleHelp(id) })),
  };
  if (options.version !== undefined) driver.version = options.version;
  return JSON.stringify({
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver },
        originalUriBaseIds: { SRCROOT: { uri: base } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  });
}

function justification(message: EslintMessage & { suppressions?: Array<{ justification?: string }> }): { justification?: string } {
  const text = message.suppressions?.find((entry) => typeof entry.justification === 'string' && entry.justification !== '')?.justification;
  return text === undefined ? {} : { justification: text };
}
