/** Text helpers for notifications. notify/ may not import report/: shared escaping comes from model/. */
import type { StoredFinding } from '../model/records.js';
import { severityRank } from '../model/types.js';

/** Most severe first, then target, then id. */
export function sortFindings(findings: StoredFinding[]): StoredFinding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      (a.target < b.target ? -1 : a.target > b.target ? 1 : 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** "GHSA-xxxx in npm lodash@4.17.15" or "eslint no-eval at src/a.js:3". */
export function subject(finding: StoredFinding): string {
  if (finding.kind === 'dependency' && finding.package) {
    const pkg = finding.package;
    return `${finding.vulnerability?.id ?? finding.title} in ${pkg.ecosystem} ${pkg.name}@${pkg.version || '?'}`;
  }
  const line = finding.location.startLine ? `:${finding.location.startLine}` : '';
  return `${finding.rule ? `${finding.rule.tool} ${finding.rule.id}` : finding.source} at ${finding.location.path}${line}`;
}

/** Markdown-safe text for GitHub issues: the same escaping as Markdown reports. */
export { escapeMarkdown } from '../model/markdown.js';

/** Slack mrkdwn: only &, < and > are control characters. */
export function escapeSlack(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function truncate(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
