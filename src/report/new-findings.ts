/**
 * new.json and new.md: the findings that are new or reopened in a run, nothing else. The caller
 * passes exactly those; these writers only order and format them.
 */
import type { StoredFinding } from '../model/records.js';
import { severityRank } from '../model/types.js';
import { escapeMarkdown } from './escape.js';
import { compareText } from './severity.js';

export interface NewFindingItem {
  id: string;
  target: string;
  commit: string | null;
  kind: StoredFinding['kind'];
  severity: StoredFinding['severity'];
  score: number | null;
  title: string;
  /** What to do about it when Sieve has more to say than the title (a declared range's floor). */
  message: string | null;
  newReason: string | null;
  /** `informational`: a RustSec notice (unmaintained, unsound, notice), not a vulnerability. */
  vulnerability: { id: string; aliases: string[]; informational: string | null } | null;
  rule: { id: string; tool: string } | null;
  package: {
    ecosystem: string;
    name: string;
    version: string;
    purl: string;
    direct: boolean;
    scope: string;
    /** The range the manifest declares when `version` is its lower bound, not a resolved version. */
    declaredRange: string | null;
  } | null;
  location: { path: string; startLine: number | null };
  fixedVersions: string[];
  firstSeen: string;
  cwes: string[];
  /** In CISA's KEV catalog: the CVE and when it was added; null when not. */
  knownExploited: { cve: string; dateAdded: string } | null;
}

/** Known exploited first, then severity (most severe first), then target, then id: the same order every time. */
export function sortNewFindings(findings: StoredFinding[]): StoredFinding[] {
  return [...findings].sort(
    (a, b) =>
      Number(b.knownExploited !== undefined) - Number(a.knownExploited !== undefined) ||
      severityRank(b.severity) - severityRank(a.severity) || compareText(a.target, b.target) || compareText(a.id, b.id),
  );
}

export function newFindingItem(finding: StoredFinding): NewFindingItem {
  return {
    id: finding.id,
    target: finding.target,
    commit: finding.lastCommit ?? finding.firstCommit ?? null,
    kind: finding.kind,
    severity: finding.severity,
    score: typeof finding.score === 'number' ? finding.score : null,
    title: finding.title,
    message: finding.message ?? null,
    newReason: finding.newReason ?? null,
    vulnerability: finding.vulnerability
      ? { id: finding.vulnerability.id, aliases: [...finding.vulnerability.aliases].sort(compareText), informational: finding.vulnerability.informational ?? null }
      : null,
    rule: finding.rule ? { id: finding.rule.id, tool: finding.rule.tool } : null,
    package: finding.package
      ? {
          ecosystem: finding.package.ecosystem,
          name: finding.package.name,
          version: finding.package.version,
          purl: finding.package.purl,
          direct: finding.package.direct,
          scope: finding.package.scope,
          declaredRange: finding.package.declaredRange ?? null,
        }
      : null,
    location: { path: finding.location.path, startLine: finding.location.startLine ?? null },
    fixedVersions: [...(finding.vulnerability?.fixedVersions ?? [])],
    firstSeen: finding.firstSeen,
    cwes: [...finding.cwes],
    knownExploited: finding.knownExploited ? { cve: finding.knownExploited.cve, dateAdded: finding.knownExploited.dateAdded } : null,
  };
}

export function newFindingsJson(findings: StoredFinding[]): string {
  return `${JSON.stringify(sortNewFindings(findings).map(newFindingItem), null, 2)}\n`;
}

export function newFindingsMarkdown(findings: StoredFinding[], context: { runId: string; generatedAt: string }): string {
  const sorted = sortNewFindings(findings);
  const lines = [
    '# New findings',
    '',
    `Run \`${context.runId.replace(/`/g, "'")}\`, generated ${escapeMarkdown(context.generatedAt)}.`,
    '',
  ];
  if (sorted.length === 0) {
    lines.push('No new findings.', '');
    return lines.join('\n');
  }
  const targets = [...new Set(sorted.map((finding) => finding.target))].sort(compareText);
  lines.push(`${sorted.length} new ${sorted.length === 1 ? 'finding' : 'findings'} in ${targets.length} ${targets.length === 1 ? 'target' : 'targets'}.`, '');
  for (const target of targets) {
    const rows = sorted.filter((finding) => finding.target === target);
    const commit = rows.find((finding) => finding.lastCommit)?.lastCommit;
    lines.push(`## ${escapeMarkdown(target)}`, '');
    if (commit) lines.push(`Commit ${escapeMarkdown(commit)}`, '');
    lines.push('| Severity | Finding | Package or location | Fixed in | Why new | ID |', '| --- | --- | --- | --- | --- | --- |');
    for (const finding of rows) {
      lines.push(
        `| ${[
          severityCell(finding),
          findingCell(finding),
          whereCell(finding),
          // A declared range says what to raise the floor to; otherwise the fixed versions.
          escapeMarkdown(finding.package?.declaredRange && finding.message ? finding.message : finding.vulnerability?.fixedVersions.join(', ') || (finding.kind === 'dependency' ? 'no fix known' : '')),
          escapeMarkdown(finding.newReason ?? ''),
          escapeMarkdown(finding.id),
        ].join(' | ')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

function severityCell(finding: StoredFinding): string {
  const kev = finding.knownExploited ? ` **known exploited** (KEV ${finding.knownExploited.dateAdded})` : '';
  return escapeMarkdown(typeof finding.score === 'number' ? `${finding.severity} (${finding.score})` : finding.severity) + kev;
}

function findingCell(finding: StoredFinding): string {
  if (finding.vulnerability) {
    const aliases = finding.vulnerability.aliases.length ? ` (${finding.vulnerability.aliases.join(', ')})` : '';
    // The title repeats the id and the package, which have their own columns: show the advisory's summary.
    const summary = finding.vulnerability.summary ?? firstLine(finding.vulnerability.details) ?? finding.title;
    const notice = finding.vulnerability.informational ? `[${finding.vulnerability.informational}] ` : '';
    return `${escapeMarkdown(notice + finding.vulnerability.id + aliases)}: ${escapeMarkdown(truncate(summary, 160))}`;
  }
  const rule = finding.rule ? `${finding.rule.tool} ${finding.rule.id}` : finding.source;
  return `${escapeMarkdown(rule)}: ${escapeMarkdown(finding.title)}`;
}

function firstLine(text: string | undefined): string | undefined {
  return text?.split('\n').find((line) => line.trim())?.trim();
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function whereCell(finding: StoredFinding): string {
  const line = finding.location.startLine ? `:${finding.location.startLine}` : '';
  if (finding.package) {
    const pkg = finding.package;
    return escapeMarkdown(
      `${pkg.ecosystem} ${pkg.declaredRange ? `${pkg.name}${pkg.declaredRange}` : `${pkg.name}@${pkg.version || '?'}`} (${pkg.direct ? 'direct' : 'transitive'}, ${pkg.scope}) in ${finding.location.path}${line}`,
    );
  }
  return escapeMarkdown(`${finding.location.path}${line}`);
}
