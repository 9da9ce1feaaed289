/**
 * The weekly diff (`sieve export`): what appeared, what came back and what was fixed in a window,
 * most important first, what to upgrade, and how much is still open. buildDiff makes the model;
 * each format is a pure writer of it.
 */
import type { FindingEvent, StoredFinding } from '../model/records.js';
import { UsageError } from '../model/errors.js';
import { remediationText, type RemediationStep } from '../model/remediation.js';
import { severityRank } from '../model/types.js';
import type { FindingKind, Severity } from '../model/types.js';
import { escapeHtml, escapeMarkdown } from './escape.js';
import { compareText } from './severity.js';
import { SITE_CSS } from './style.js';
import { cspHash, isQuiet, kevBadge, NEW_DEFINITION, plainTitle, severityBadge } from './parts.js';

export type DiffTransition = FindingEvent['transition'];

export interface DiffRow {
  transition: DiffTransition;
  /** When the run that made the transition ran. */
  at: string;
  id: string;
  target: string;
  severity: Severity;
  /** The date CISA added it to the KEV catalog; '' when it is not known exploited. */
  knownExploited: string;
  kind: FindingKind;
  /** What it is, without the id and package that have their own columns. */
  title: string;
  /** The vulnerability id (dependency) or `tool/rule` (code). */
  vulnerability: string;
  /** Every other id of the vulnerability (CVE first), comma-separated. */
  aliases: string;
  /** `ecosystem name@version` for dependency findings, '' for code findings. */
  package: string;
  /** `path:line`. */
  location: string;
  /** Versions that fix it, comma-separated; '' for code findings or when none is known. */
  fixedIn: string;
  /** The triage decision in force (status: reason) or the rule that silences it; '' when none. */
  triage: string;
  triageUntil: string;
  firstSeen: string;
  lastSeen: string;
  commit: string;
  /** Why it is new (new-advisory, dependency-change, code-change, reopened...); '' for fixed. */
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
  /** How "new" is counted, stated on every page. */
  definition: string;
  totals: DiffCounts & { knownExploited: number };
  /** Per target and severity, only combinations with something to say. */
  summary: DiffSummaryRow[];
  rows: DiffRow[];
  /** What to upgrade across the fleet, most urgent first. */
  remediation: RemediationStep[];
}

const TRANSITION_ORDER: Record<DiffTransition, number> = { new: 0, reopened: 1, fixed: 2, withdrawn: 3 };

/**
 * Events in [since, until) become rows; `openNow` gives the still-open counts. Both come from the
 * store's judged view: new and reopened rows are those that alert (a finding suppressed by a rule,
 * triage or the code is left out), and an open suppressed finding counts as suppressed, not open.
 */
export function buildDiff(
  events: FindingEvent[],
  openNow: StoredFinding[],
  window: { since: string; until: string },
  options: { remediation?: RemediationStep[] } = {},
): DiffModel {
  const since = Date.parse(window.since);
  const until = Date.parse(window.until);
  const rows = events
    .filter((event) => {
      const at = Date.parse(event.at);
      return at >= since && at < until && !((event.transition === 'new' || event.transition === 'reopened') && isQuiet(event.finding));
    })
    .map(rowFor)
    .sort(
      (a, b) =>
        TRANSITION_ORDER[a.transition] - TRANSITION_ORDER[b.transition] ||
        Number(b.knownExploited !== '') - Number(a.knownExploited !== '') ||
        severityRank(b.severity) - severityRank(a.severity) ||
        compareText(a.target, b.target) ||
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
    if (isQuiet(finding)) entry(finding.target, finding.severity).suppressed += 1;
    else entry(finding.target, finding.severity).open += 1;
  }

  const summaryRows = [...summary.values()]
    .filter((row) => row.new + row.reopened + row.fixed + row.withdrawn + row.open + row.suppressed > 0)
    .sort((a, b) => compareText(a.target, b.target) || severityRank(b.severity) - severityRank(a.severity));
  const totals = { new: 0, reopened: 0, fixed: 0, withdrawn: 0, open: 0, suppressed: 0, knownExploited: 0 };
  for (const row of summaryRows) {
    totals.new += row.new;
    totals.reopened += row.reopened;
    totals.fixed += row.fixed;
    totals.withdrawn += row.withdrawn;
    totals.open += row.open;
    totals.suppressed += row.suppressed;
  }
  totals.knownExploited = rows.filter((row) => (row.transition === 'new' || row.transition === 'reopened') && row.knownExploited !== '').length;
  return {
    since: window.since,
    until: window.until,
    definition: NEW_DEFINITION,
    totals,
    summary: summaryRows,
    rows,
    remediation: options.remediation ?? [],
  };
}

/** CVE ids first, then the others, each once. */
function aliasesOf(finding: StoredFinding): string {
  const aliases = [...new Set(finding.vulnerability?.aliases ?? [])].filter((alias) => alias !== finding.vulnerability?.id);
  return aliases.sort((a, b) => Number(b.startsWith('CVE-')) - Number(a.startsWith('CVE-')) || compareText(a, b)).join(', ');
}

function rowFor(event: FindingEvent): DiffRow {
  const finding = event.finding;
  const line = finding.location.startLine ? `:${finding.location.startLine}` : '';
  const pkg = finding.package;
  const decision = finding.triage && finding.triage.status !== 'open' ? finding.triage : undefined;
  return {
    transition: event.transition,
    at: event.at,
    id: finding.id,
    target: event.target,
    severity: finding.severity,
    knownExploited: finding.knownExploited?.dateAdded ?? '',
    kind: finding.kind,
    title: plainTitle(finding),
    vulnerability: finding.vulnerability?.id ?? (finding.rule ? `${finding.rule.tool}/${finding.rule.id}` : finding.source),
    aliases: aliasesOf(finding),
    package: pkg ? `${pkg.ecosystem} ${pkg.name}@${pkg.version}` : '',
    location: `${finding.location.path}${line}`,
    fixedIn: finding.vulnerability?.fixedVersions.join(', ') ?? '',
    triage: decision ? `${decision.status}: ${decision.reason}` : finding.suppression ? `${finding.suppression.rule}: ${finding.suppression.reason}` : '',
    triageUntil: decision?.until ?? finding.suppression?.until ?? '',
    firstSeen: finding.firstSeen,
    lastSeen: finding.lastSeen,
    commit: event.commit ?? finding.lastCommit ?? '',
    reason: event.transition === 'fixed' || event.transition === 'withdrawn' ? '' : (event.reason ?? finding.newReason ?? ''),
  };
}

// ---------------------------------------------------------------------------------------------
// Writers

const CSV_COLUMNS: Array<[string, keyof DiffRow]> = [
  ['transition', 'transition'],
  ['at', 'at'],
  ['target', 'target'],
  ['severity', 'severity'],
  ['known_exploited', 'knownExploited'],
  ['kind', 'kind'],
  ['id', 'id'],
  ['title', 'title'],
  ['vulnerability_or_rule', 'vulnerability'],
  ['aliases', 'aliases'],
  ['package', 'package'],
  ['location', 'location'],
  ['fixed_in', 'fixedIn'],
  ['triage', 'triage'],
  ['triage_until', 'triageUntil'],
  ['reason', 'reason'],
  ['first_seen', 'firstSeen'],
  ['last_seen', 'lastSeen'],
  ['commit', 'commit'],
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
const TRANSITIONS = ['new', 'reopened', 'fixed', 'withdrawn'] as const;
/** The diff lists the most urgent upgrades; the JSON has them all. */
const REMEDIATION_SHOWN = 25;

function md(model: DiffModel): string {
  const e = escapeMarkdown;
  const lines = [
    '# Sieve weekly diff',
    '',
    `From ${e(model.since)} to ${e(model.until)}. ${e(model.definition)}`,
    '',
    '| New | Reopened | Fixed | Withdrawn | Open now | Suppressed | Known exploited |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${model.totals.new} | ${model.totals.reopened} | ${model.totals.fixed} | ${model.totals.withdrawn} | ${model.totals.open} | ${model.totals.suppressed} | ${model.totals.knownExploited} |`,
    '',
  ];
  for (const transition of TRANSITIONS) {
    const rows = model.rows.filter((row) => row.transition === transition);
    lines.push(`## ${SECTION_TITLES[transition]} (${rows.length})`, '');
    if (rows.length === 0) {
      lines.push('None.', '');
      continue;
    }
    lines.push(
      '| Severity | Target | Finding | Aliases | Package or location | Fixed in | Triage | Why | When | ID |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const row of rows) {
      const where = row.package ? `${row.package} (${row.location})` : row.location;
      const severity = row.knownExploited ? `${row.severity}, known exploited (KEV ${row.knownExploited})` : row.severity;
      const triage = row.triage ? `${row.triage}${row.triageUntil ? ` until ${row.triageUntil}` : ''}` : '';
      lines.push(
        `| ${[severity, row.target, `${row.vulnerability}: ${row.title}`, row.aliases, where, row.fixedIn, triage, row.reason, row.at, row.id].map(e).join(' | ')} |`,
      );
    }
    lines.push('');
  }
  lines.push('## What to upgrade', '');
  if (model.remediation.length === 0) lines.push('Nothing to upgrade.', '');
  else {
    for (const step of model.remediation.slice(0, REMEDIATION_SHOWN)) {
      lines.push(`- ${step.knownExploited ? '**known exploited** ' : ''}${e(remediationText(step))}`);
    }
    if (model.remediation.length > REMEDIATION_SHOWN) lines.push(`- … and ${model.remediation.length - REMEDIATION_SHOWN} more packages (see the JSON export)`);
    lines.push('');
  }
  lines.push('## By target and severity', '');
  if (model.summary.length === 0) lines.push('Nothing to report.', '');
  else {
    lines.push('| Target | Severity | New | Reopened | Fixed | Withdrawn | Open now | Suppressed |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of model.summary) {
      lines.push(`| ${e(row.target)} | ${row.severity} | ${row.new} | ${row.reopened} | ${row.fixed} | ${row.withdrawn} | ${row.open} | ${row.suppressed} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Narrow screens: each table row becomes a card whose cells carry their column name. */
const DIFF_CSS = `
header,main{max-width:100rem}
table.rows td{overflow-wrap:anywhere}
table.rows td.nw{overflow-wrap:normal}
table.rows td.id{font-size:.8em;color:var(--muted)}
ul.plan li{margin:.2rem 0}
@media (max-width:720px){
table.rows thead{display:none}
table.rows,table.rows tbody,table.rows tr,table.rows td{display:block;width:100%}
table.rows tr{border:1px solid var(--line);border-radius:6px;margin:0 0 .75rem;padding:.35rem .5rem}
table.rows td{border:0;padding:.15rem 0}
table.rows td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);font-size:.85em}
}
`;

function html(model: DiffModel): string {
  const e = escapeHtml;
  const css = SITE_CSS + DIFF_CSS;
  const cell = (label: string, content: string, className = ''): string => `<td data-label="${e(label)}"${className ? ` class="${className}"` : ''}>${content}</td>`;
  const parts: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspHash(css)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>Sieve weekly diff ${e(model.since)} to ${e(model.until)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    '<header>',
    '<h1>Sieve weekly diff</h1>',
    `<p>From <time datetime="${e(model.since)}">${e(model.since)}</time> to <time datetime="${e(model.until)}">${e(model.until)}</time>. <span class="muted">${e(model.definition)}</span></p>`,
    '</header>',
    '<main id="main">',
    '<ul class="cards" aria-label="Totals">',
    `<li><span class="big">${model.totals.new}</span> new</li><li><span class="big">${model.totals.reopened}</span> reopened</li><li><span class="big">${model.totals.fixed}</span> fixed</li><li><span class="big">${model.totals.withdrawn}</span> withdrawn</li><li><span class="big">${model.totals.open}</span> open now</li><li><span class="big">${model.totals.suppressed}</span> suppressed</li><li><span class="big">${model.totals.knownExploited}</span> known exploited</li>`,
    '</ul>',
  ];
  for (const transition of TRANSITIONS) {
    const rows = model.rows.filter((row) => row.transition === transition);
    parts.push(`<h2 id="${transition}">${SECTION_TITLES[transition]} (${rows.length})</h2>`);
    if (rows.length === 0) {
      parts.push('<p>None.</p>');
      continue;
    }
    parts.push(
      `<div class="table-wrap"><table class="rows" aria-labelledby="${transition}"><thead><tr><th scope="col">Severity</th><th scope="col">Target</th><th scope="col">Finding</th><th scope="col">Package or location</th><th scope="col">Fixed in</th><th scope="col">Triage</th><th scope="col">Why</th><th scope="col">When</th></tr></thead><tbody>`,
    );
    for (const row of rows) {
      const where = row.package ? `${e(row.package)}<div class="msg">${e(row.location)}</div>` : `<code>${e(row.location)}</code>`;
      const triage = row.triage ? `${e(row.triage)}${row.triageUntil ? `<div class="msg">until ${e(row.triageUntil)}</div>` : ''}` : '';
      parts.push(
        `<tr data-severity="${e(row.severity)}"${row.knownExploited ? ' data-kev="1"' : ''}>${cell('Severity', `${severityBadge(row.severity)}${row.knownExploited ? ` ${kevBadge(row.knownExploited)}` : ''}`)}${cell('Target', e(row.target))}${cell('Finding', `<code>${e(row.vulnerability)}</code> ${e(row.title)}${row.aliases ? `<div class="msg">${e(row.aliases)}</div>` : ''}<div class="msg">${e(row.id)}</div>`)}${cell('Where', where)}${cell('Fixed in', e(row.fixedIn))}${cell('Triage', triage)}${cell('Why', e(row.reason), 'nw')}${cell('When', `<time datetime="${e(row.at)}">${e(row.at.slice(0, 10))}</time><div class="msg"><code>${e(row.commit.slice(0, 12))}</code></div>`, 'nw')}</tr>`,
      );
    }
    parts.push('</tbody></table></div>');
  }
  parts.push('<h2 id="upgrade">What to upgrade</h2>');
  if (model.remediation.length === 0) parts.push('<p>Nothing to upgrade.</p>');
  else {
    parts.push('<ul class="plan">');
    for (const step of model.remediation.slice(0, REMEDIATION_SHOWN)) {
      parts.push(`<li>${step.knownExploited ? `${kevBadge()} ` : ''}${severityBadge(step.severity)} ${e(remediationText(step))}</li>`);
    }
    if (model.remediation.length > REMEDIATION_SHOWN) parts.push(`<li class="muted">… and ${model.remediation.length - REMEDIATION_SHOWN} more packages (see the JSON export)</li>`);
    parts.push('</ul>');
  }
  parts.push('<h2 id="summary">By target and severity</h2>');
  if (model.summary.length === 0) parts.push('<p>Nothing to report.</p>');
  else {
    parts.push(
      '<div class="table-wrap"><table class="rows" aria-labelledby="summary"><thead><tr><th scope="col">Target</th><th scope="col">Severity</th><th scope="col" class="n">New</th><th scope="col" class="n">Reopened</th><th scope="col" class="n">Fixed</th><th scope="col" class="n">Withdrawn</th><th scope="col" class="n">Open now</th><th scope="col" class="n">Suppressed</th></tr></thead><tbody>',
    );
    for (const row of model.summary) {
      const n = (label: string, value: number) => `<td data-label="${label}" class="n${value === 0 ? ' zero' : ''}">${value}</td>`;
      parts.push(`<tr>${cell('Target', e(row.target))}${cell('Severity', severityBadge(row.severity))}${n('New', row.new)}${n('Reopened', row.reopened)}${n('Fixed', row.fixed)}${n('Withdrawn', row.withdrawn)}${n('Open now', row.open)}${n('Suppressed', row.suppressed)}</tr>`);
    }
    parts.push('</tbody></table></div>');
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
