/** GitHub issues for new findings, one per finding or one digest per run. Never files twice. */
import type { StoredFinding } from '../model/records.js';
import { UsageError, errorMessage } from '../model/errors.js';
import { escapeMarkdown, sortFindings, subject, truncate } from './format.js';

/** Issues one call may open; the rest wait for the next run (the store remembers what was filed). */
export const MAX_ISSUES_PER_CALL = 50;
/** Findings listed in one digest issue. */
const MAX_DIGEST_ROWS = 200;
const REQUEST_TIMEOUT_MS = 30_000;

export interface FileIssuesOptions {
  apiUrl: string;
  token: string;
  owner: string;
  repo: string;
  findings: StoredFinding[];
  mode: 'per-finding' | 'digest';
  runId: string;
  /** Finding ids that already have an issue. */
  alreadyFiled: Set<string>;
}

export interface FileIssuesResult {
  filed: Array<{ findingId: string; issueUrl: string }>;
  errors: string[];
}

export async function fileIssues(options: FileIssuesOptions): Promise<FileIssuesResult> {
  if (!options.token) throw new UsageError('filing GitHub issues needs a token (GITHUB_TOKEN) with issues: write');
  const seen = new Set(options.alreadyFiled);
  const pending: StoredFinding[] = [];
  for (const finding of sortFindings(options.findings)) {
    if (seen.has(finding.id)) continue;
    seen.add(finding.id);
    pending.push(finding);
  }
  const result: FileIssuesResult = { filed: [], errors: [] };
  if (pending.length === 0) return result;

  if (options.mode === 'digest') {
    const listed = pending.slice(0, MAX_DIGEST_ROWS);
    const created = await createIssue(options, digestTitle(options.runId, pending.length), digestBody(options.runId, listed, pending.length));
    if ('error' in created) result.errors.push(created.error);
    else for (const finding of listed) result.filed.push({ findingId: finding.id, issueUrl: created.url });
    if (pending.length > listed.length) {
      result.errors.push(`${pending.length - listed.length} findings were left out of the digest (limit ${MAX_DIGEST_ROWS}); they are filed next run`);
    }
    return result;
  }

  for (const [index, finding] of pending.entries()) {
    if (index >= MAX_ISSUES_PER_CALL) {
      result.errors.push(`${pending.length - index} findings not filed: at most ${MAX_ISSUES_PER_CALL} issues per run; they are filed next run`);
      break;
    }
    const created = await createIssue(options, findingTitle(finding), findingBody(finding, options.runId));
    if ('error' in created) {
      result.errors.push(`${finding.id}: ${created.error}`);
      // A bad token, missing permission or a rate limit fails every later request too.
      if (created.fatal) {
        const left = pending.length - index - 1;
        if (left > 0) result.errors.push(`${left} more findings not filed after that error`);
        break;
      }
    } else result.filed.push({ findingId: finding.id, issueUrl: created.url });
  }
  return result;
}

async function createIssue(
  options: FileIssuesOptions,
  title: string,
  body: string,
): Promise<{ url: string } | { error: string; fatal: boolean }> {
  const url = `${options.apiUrl.replace(/\/+$/, '')}/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/issues`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${options.token}`,
        'X-GitHub-Api-Version': '2022-11-28',
        'Content-Type': 'application/json',
        'User-Agent': 'sieve',
      },
      body: JSON.stringify({ title, body }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    return { error: `could not reach ${new URL(url).origin}: ${errorMessage(error)}`, fatal: true };
  }
  const text = await response.text().catch(() => '');
  let parsed: { html_url?: unknown; message?: unknown } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // A non-JSON answer is reported by status below.
  }
  if (response.ok && typeof parsed.html_url === 'string') return { url: parsed.html_url };
  const said = typeof parsed.message === 'string' ? `: ${parsed.message}` : '';
  const repo = `${options.owner}/${options.repo}`;
  switch (response.status) {
    case 401:
      return { error: `401, the token is missing, expired or invalid${said}`, fatal: true };
    case 403:
    case 429: {
      const reset = response.headers.get('x-ratelimit-remaining') === '0' ? Number(response.headers.get('x-ratelimit-reset')) : NaN;
      if (Number.isFinite(reset) && reset > 0) {
        return { error: `${response.status}, rate limit reached; try again after ${new Date(reset * 1000).toISOString()}${said}`, fatal: true };
      }
      return { error: `${response.status}, the token may not open issues in ${repo} (needs issues: write)${said}`, fatal: true };
    }
    case 404:
      return { error: `404, repository ${repo} was not found or the token cannot see it${said}`, fatal: true };
    case 410:
      return { error: `410, issues are disabled in ${repo}${said}`, fatal: true };
    default:
      return { error: `${response.status} ${response.statusText}${said}`, fatal: false };
  }
}

function findingTitle(finding: StoredFinding): string {
  // Titles are plain text on GitHub; only length and newlines need care.
  return truncate(`[Sieve] ${finding.severity}: ${subject(finding)} (${finding.target})`.replace(/\s+/g, ' '), 250);
}

function findingBody(finding: StoredFinding, runId: string): string {
  const e = escapeMarkdown;
  const line = finding.location.startLine ? `:${finding.location.startLine}` : '';
  const rows: Array<[string, string]> = [
    ['Target', e(finding.target)],
    ['Severity', e(`${finding.severity}${typeof finding.score === 'number' ? ` (${finding.score})` : ''}`)],
    ['Kind', e(finding.kind)],
    ...(finding.vulnerability
      ? ([
          ['Vulnerability', e(finding.vulnerability.id)],
          ['Aliases', e(finding.vulnerability.aliases.join(', ') || 'none')],
          ['Fixed in', e(finding.vulnerability.fixedVersions.join(', ') || 'no fixed version known')],
        ] as Array<[string, string]>)
      : []),
    ...(finding.package
      ? ([
          ['Package', e(`${finding.package.ecosystem} ${finding.package.name}@${finding.package.version}`)],
          ['Dependency', e(`${finding.package.direct ? 'direct' : 'transitive'}, ${finding.package.scope}`)],
        ] as Array<[string, string]>)
      : []),
    ...(finding.rule ? ([['Rule', e(`${finding.rule.tool} ${finding.rule.id}`)]] as Array<[string, string]>) : []),
    ['Location', e(`${finding.location.path}${line}`)],
    ['Commit', e(finding.lastCommit ?? 'unknown')],
    ['First seen', e(finding.firstSeen)],
    ['Why new', e(finding.newReason ?? 'new')],
    ['Finding id', e(finding.id)],
  ];
  return [
    `**${e(finding.title)}**`,
    '',
    ...(finding.message && finding.message !== finding.title ? [e(truncate(finding.message, 2000)), ''] : []),
    '| | |',
    '| --- | --- |',
    ...rows.map(([key, value]) => `| ${key} | ${value} |`),
    '',
    `Filed by Sieve for run ${e(runId)}.`,
    '',
  ].join('\n');
}

function digestTitle(runId: string, count: number): string {
  return truncate(`[Sieve] ${count} new ${count === 1 ? 'finding' : 'findings'} in run ${runId}`.replace(/\s+/g, ' '), 250);
}

function digestBody(runId: string, findings: StoredFinding[], total: number): string {
  const e = escapeMarkdown;
  return [
    `Sieve found ${total} new ${total === 1 ? 'finding' : 'findings'} in run ${e(runId)}.`,
    '',
    '| Severity | Target | Finding | Where | Finding id |',
    '| --- | --- | --- | --- | --- |',
    ...findings.map((finding) => `| ${e(finding.severity)} | ${e(finding.target)} | ${e(truncate(finding.title, 200))} | ${e(subject(finding))} | ${e(finding.id)} |`),
    ...(total > findings.length ? ['', `…and ${total - findings.length} more, filed next run.`] : []),
    '',
  ].join('\n');
}
