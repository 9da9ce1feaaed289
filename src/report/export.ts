/**
 * The weekly diff (`sieve export`): what appeared, what came back and what was fixed in a window,
 * and how much is still open. buildDiff makes the model; each format is a pure writer of it.
 */
import type { FindingEvent, StoredFinding } from '../model/records.js';
import { UsageError } from '../model/errors.js';
import { severityRank } from '../model/types.js';
import type { FindingKind, Severity } from '../model/types.js';
import { escapeHtml, escapeMarkdown } from './escape.js';
import { compareText } from './severity.js';

export type DiffTransition = FindingEvent['transition'];

export interface DiffRow {
  transition: DiffTransition;
  /** When the run that made the transition ran. */
  at: string;
  id: string;
  target: string;
  severity: Severity;
  kind: FindingKind;
  title: string;
  /** The vulnerability id (dependency) or `tool/rule` (code). */
  vulnerability: string;
  /** `ecosystem name@version` for dependency findings, '' for code findings. */
  package: string;
  /** `path:line`. */
  location: string;
  firstSeen: string;
  lastSeen: string;
  commit: string;
  reason: string;
}

export interface DiffCounts {
  new: number;
  reopened: number;
  fixed: number;
  /** Closed because the advisory no longer matches an unchanged package: shown apart from fixes. */
  withdrawn: number;
  /** Open and not suppressed. */
  open: number;
  /** Open but silenced by a rule, triage or the code itself (as judged at the window's end). */
  suppressed: number;
}

export interface DiffSummaryRow extends DiffCounts {
  target: string;
  severity: Severity;
}

export interface DiffModel {
  since: string;
  until: string;
  totals: DiffCounts;
  /** Per target and severity, only combinations with something to say. */
  summary: DiffSummaryRow[];
  rows: DiffRow[];
}

const TRANSITION_ORDER: Record<DiffTransition, number> = { new: 0, reopened: 1, fixed: 2, withdrawn: 3 };

/**
 * Events in [since, until) become rows; `openNow` gives the still-open counts. Both come from the
 * store's judged view: a finding suppressed by a rule or triage is left out of the new and
 * reopened rows and counted as suppressed, not open.
 */
export function buildDiff(events: FindingEvent[], openNow: StoredFinding[], window: { since: string; until: string }): DiffModel {
  const since = Date.parse(window.since);
  const until = Date.parse(window.until);
  const rows = events
    .filter((event) => {
      const at = Date.parse(event.at);
      return at >= since && at < until && !((event.transition === 'new' || event.transition === 'reopened') && event.finding.suppression);
    })
    .map(rowFor)
    .sort(
      (a, b) =>
        compareText(a.target, b.target) ||
        TRANSITION_ORDER[a.transition] - TRANSITION_ORDER[b.transition] ||
        severityRank(b.severity) - severityRank(a.severity) ||
        compareText(a.at, b.at) ||
        compareText(a.id, b.id),
    );

  const summary = new Map<string, DiffSummaryRow>();
  const entry = (target: string, severity: Severity): DiffSummaryRow => {
    const key = `${target}\u0000${severity}`;
    let row = summary.get(key);
    if (!row) {
      row = { target, severity, new: 0, reopened: 0, fixed: 0, withdrawn: 0, open: 0, suppressed: 0 };
      summary.set(key, row);
    }
    return row;
  };
  for (const row of rows) entry(row.target, row.severity)[row.transition] += 1;
  for (const finding of openNow) {
    if (finding.state !== 'open') continue;
    if (finding.suppression) entry(finding.target, finding.severity).suppressed += 1;
    else entry(finding.target, finding.severity).open += 1;
  }

  const summaryRows = [...summary.values()].sort(
    (a, b) => compareText(a.target, b.target) || severityRank(b.severity) - severityRank(a.severity),
  );
  const totals: DiffCounts = { new: 0, reopened: 0, fixed: 0, withdrawn: 0, open: 0, suppressed: 0 };
  for (const row of summaryRows) {
    totals.new += row.new;
    totals.reopened += row.reopened;
    totals.fixed += row.fixed;
    totals.withdrawn += row.withdrawn;
    totals.open += row.open;
    totals.suppressed += row.suppressed;
  }
  return { since: window.since, until: window.until, totals, summary: summaryRows, rows };
}

function rowFor(event: FindingEvent): DiffRow {
  const finding = event.finding;
  const line = finding.location.startLine ? `:${finding.location.startLine}` : '';
  const pkg = finding.package;
  return {
    transition: event.transition,
    at: event.at,
    id: finding.id,
    target: event.target,
    severity: finding.severity,
    kind: finding.kind,
    title: finding.title,
    vulnerability: finding.vulnerability?.id ?? (finding.rule ? `${finding.rule.tool}/${finding.rule.id}` : finding.source),
    package: pkg ? `${pkg.ecosystem} ${pkg.name}@${pkg.version}` : '',
    location: `${finding.location.path}${line}`,
    firstSeen: finding.firstSeen,
    lastSeen: finding.lastSeen,
    commit: event.commit ?? finding.lastCommit ?? '',
    reason: event.reason ?? (event.transition === 'fixed' ? '' : (finding.newReason ?? '')),
  };
}

// ---------------------------------------------------------------------------------------------
// Writers

const CSV_COLUMNS: Array<[string, keyof DiffRow]> = [
  ['transition', 'transition'],
  ['at', 'at'],
  ['target', 'target'],
  ['severity', 'severity'],
  ['kind', 'kind'],
  ['id', 'id'],
  ['title', 'title'],
  ['vulnerability_or_rule', 'vulnerability'],
  ['package', 'package'],
  ['location', 'location'],
  ['first_seen', 'firstSeen'],
  ['last_seen', 'lastSeen'],
  ['commit', 'commit'],
  ['reason', 'reason'],
];

/**
 * One CSV field per RFC 4180, made safe for spreadsheets: a cell that a spreadsheet would read as
 * a formula (= + - @, or a leading tab/CR) gets a leading single quote.
 */
export function csvField(value: string): string {
  const neutral = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(neutral) ? `"${neutral.replace(/"/g, '""')}"` : neutral;
}

function csv(model: DiffModel): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const row of model.rows) lines.push(CSV_COLUMNS.map(([, key]) => csvField(row[key])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function json(model: DiffModel): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}

const SECTION_TITLES: Record<DiffTransition, string> = { new: 'New', reopened: 'Reopened', fixed: 'Fixed', withdrawn: 'Withdrawn advisories (not fixes)' };

function md(model: DiffModel): string {
  const e = escapeMarkdown;
  const lines = [
    '# Sieve weekly diff',
    '',
    `From ${e(model.since)} to ${e(model.until)}.`,
    '',
    '| New | Reopened | Fixed | Withdrawn | Open now | Suppressed |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${model.totals.new} | ${model.totals.reopened} | ${model.totals.fixed} | ${model.totals.withdrawn} | ${model.totals.open} | ${model.totals.suppressed} |`,
    '',
    '## By target and severity',
    '',
  ];
  if (model.summary.length === 0) lines.push('Nothing to report.', '');
  else {
    lines.push('| Target | Severity | New | Reopened | Fixed | Withdrawn | Open now | Suppressed |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of model.summary) {
      lines.push(`| ${e(row.target)} | ${row.severity} | ${row.new} | ${row.reopened} | ${row.fixed} | ${row.withdrawn} | ${row.open} | ${row.suppressed} |`);
    }
    lines.push('');
  }
  for (const transition of ['new', 'reopened', 'fixed', 'withdrawn'] as const) {
    const rows = model.rows.filter((row) => row.transition === transition);
    lines.push(`## ${SECTION_TITLES[transition]} (${rows.length})`, '');
    if (rows.length === 0) {
      lines.push('None.', '');
      continue;
    }
    lines.push(
      '| When | Target | Severity | Finding | Package or location | First seen | Commit | Reason | ID |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const row of rows) {
      const where = row.package ? `${row.package} (${row.location})` : row.location;
      lines.push(
        `| ${[row.at, row.target, row.severity, `${row.vulnerability}: ${row.title}`, where, row.firstSeen, row.commit.slice(0, 12), row.reason, row.id]
          .map(e)
          .join(' | ')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

const HTML_STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--head:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9da7b3;--line:#30363d;--head:#161b22}}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg);margin:2rem auto;max-width:80rem;padding:0 1rem}
table{border-collapse:collapse;width:100%;margin:0 0 1.5rem}th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:var(--head)}td.n{text-align:right;font-variant-numeric:tabular-nums}code{font-size:.9em}.muted{color:var(--muted)}
`;

function html(model: DiffModel): string {
  const e = escapeHtml;
  const parts: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Sieve weekly diff ${e(model.since)} to ${e(model.until)}</title>`,
    `<style>${HTML_STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    '<h1>Sieve weekly diff</h1>',
    `<p>From <time datetime="${e(model.since)}">${e(model.since)}</time> to <time datetime="${e(model.until)}">${e(model.until)}</time>.</p>`,
    '<table><caption class="muted">Totals</caption><thead><tr><th scope="col">New</th><th scope="col">Reopened</th><th scope="col">Fixed</th><th scope="col">Withdrawn</th><th scope="col">Open now</th><th scope="col">Suppressed</th></tr></thead>',
    `<tbody><tr><td class="n">${model.totals.new}</td><td class="n">${model.totals.reopened}</td><td class="n">${model.totals.fixed}</td><td class="n">${model.totals.withdrawn}</td><td class="n">${model.totals.open}</td><td class="n">${model.totals.suppressed}</td></tr></tbody></table>`,
    '<h2>By target and severity</h2>',
  ];
  if (model.summary.length === 0) parts.push('<p>Nothing to report.</p>');
  else {
    parts.push(
      '<table><thead><tr><th scope="col">Target</th><th scope="col">Severity</th><th scope="col">New</th><th scope="col">Reopened</th><th scope="col">Fixed</th><th scope="col">Withdrawn</th><th scope="col">Open now</th><th scope="col">Suppressed</th></tr></thead><tbody>',
    );
    for (const row of model.summary) {
      parts.push(
        `<tr><th scope="row">${e(row.target)}</th><td>${e(row.severity)}</td><td class="n">${row.new}</td><td class="n">${row.reopened}</td><td class="n">${row.fixed}</td><td class="n">${row.withdrawn}</td><td class="n">${row.open}</td><td class="n">${row.suppressed}</td></tr>`,
      );
    }
    parts.push('</tbody></table>');
  }
  for (const transition of ['new', 'reopened', 'fixed', 'withdrawn'] as const) {
    const rows = model.rows.filter((row) => row.transition === transition);
    parts.push(`<h2>${SECTION_TITLES[transition]} (${rows.length})</h2>`);
    if (rows.length === 0) {
      parts.push('<p>None.</p>');
      continue;
    }
    parts.push(
      '<table><thead><tr><th scope="col">When</th><th scope="col">Target</th><th scope="col">Severity</th><th scope="col">Finding</th><th scope="col">Package or location</th><th scope="col">First seen</th><th scope="col">Last seen</th><th scope="col">Commit</th><th scope="col">Reason</th><th scope="col">ID</th></tr></thead><tbody>',
    );
    for (const row of rows) {
      const where = row.package ? `${row.package} (${row.location})` : row.location;
      parts.push(
        `<tr><td>${e(row.at)}</td><td>${e(row.target)}</td><td>${e(row.severity)}</td><td><code>${e(row.vulnerability)}</code> ${e(row.title)}</td><td>${e(where)}</td><td>${e(row.firstSeen)}</td><td>${e(row.lastSeen)}</td><td><code>${e(row.commit.slice(0, 12))}</code></td><td>${e(row.reason)}</td><td><code>${e(row.id)}</code></td></tr>`,
      );
    }
    parts.push('</tbody></table>');
  }
  parts.push('</main>', '</body>', '</html>', '');
  return parts.join('\n');
}

/** The export formats, by the name `--format` takes. */
export const diffFormats = { csv, json, md, html } satisfies Record<string, (model: DiffModel) => string>;
export type DiffFormat = keyof typeof diffFormats;

export function isDiffFormat(value: string): value is DiffFormat {
  return Object.hasOwn(diffFormats, value);
}

/**
 * `--since` / `--until`: an ISO date or date-time, or a span back from `now` (`24h`, `7d`, `2w`).
 * A date without a time is midnight UTC.
 */
export function parseSince(value: string, now: Date): Date {
  const text = value.trim();
  const span = /^(\d{1,5})\s*([hdw])$/i.exec(text);
  if (span) {
    const amount = Number(span[1]);
    const unit = (span[2] ?? 'd').toLowerCase();
    const hours = unit === 'h' ? amount : unit === 'd' ? amount * 24 : amount * 24 * 7;
    return new Date(now.getTime() - hours * 3_600_000);
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const date = new Date(`${text}T00:00:00Z`);
    if (!Number.isNaN(date.getTime()) && date.toISOString().startsWith(text)) return date;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const date = new Date(text);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new UsageError(
    `cannot read "${value}" as a date: give an ISO date (2024-05-01), an ISO date-time with a zone (2024-05-01T06:00:00Z), or a span such as 24h, 7d or 2w`,
  );
}
