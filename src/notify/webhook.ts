/** A digest of new findings to a webhook: Sieve's JSON, or a Slack-compatible `{ text }`. */
import type { StoredFinding } from '../model/records.js';
import { SieveError, UsageError, errorMessage } from '../model/errors.js';
import { severityRank } from '../model/types.js';
import type { Severity } from '../model/types.js';
import { escapeSlack, sortFindings, subject, truncate } from './format.js';

/** Lines in a Slack message before "…and N more": chat messages are for reading, not archives. */
export const SLACK_MAX_LINES = 30;
const REQUEST_TIMEOUT_MS = 30_000;

export interface DigestOptions {
  url: string;
  format: 'json' | 'slack';
  findings: StoredFinding[];
  runId: string;
  /** Only findings at or above this severity are sent. */
  minSeverity?: Severity;
  /**
   * The same for every attempt of this delivery (`Idempotency-Key` header, `deliveryId` in the
   * JSON digest): a request re-sent after a kill can be recognised by the receiver.
   */
  deliveryId?: string;
}

/** Builds the request body; exported so callers can preview it. Undefined when nothing qualifies. */
export function digestBody(options: Omit<DigestOptions, 'url'>): unknown {
  const floor = severityRank(options.minSeverity ?? 'unknown');
  const findings = sortFindings(options.findings.filter((finding) => severityRank(finding.severity) >= floor));
  if (findings.length === 0) return undefined;
  if (options.format === 'json') {
    return {
      runId: options.runId,
      ...(options.deliveryId ? { deliveryId: options.deliveryId } : {}),
      count: findings.length,
      findings: findings.map((finding) => ({
        id: finding.id,
        target: finding.target,
        commit: finding.lastCommit ?? null,
        kind: finding.kind,
        severity: finding.severity,
        score: finding.score ?? null,
        title: finding.title,
        vulnerability: finding.vulnerability ? { id: finding.vulnerability.id, aliases: finding.vulnerability.aliases } : null,
        rule: finding.rule ? { id: finding.rule.id, tool: finding.rule.tool } : null,
        package: finding.package ? { ecosystem: finding.package.ecosystem, name: finding.package.name, version: finding.package.version } : null,
        location: { path: finding.location.path, startLine: finding.location.startLine ?? null },
        fixedVersions: finding.vulnerability?.fixedVersions ?? [],
      })),
    };
  }
  const lines = findings
    .slice(0, SLACK_MAX_LINES)
    .map((finding) => `• [${finding.severity}] ${escapeSlack(finding.target)}: ${escapeSlack(truncate(finding.title, 200))} (${escapeSlack(subject(finding))})`);
  const more = findings.length - SLACK_MAX_LINES;
  return {
    text: [
      `*Sieve: ${findings.length} new ${findings.length === 1 ? 'finding' : 'findings'}* in run ${escapeSlack(options.runId)}`,
      ...lines,
      ...(more > 0 ? [`…and ${more} more`] : []),
    ].join('\n'),
  };
}

/** Sends the digest; nothing is sent when no finding reaches minSeverity. Throws on a non-2xx answer. */
export async function sendDigest(options: DigestOptions): Promise<void> {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new UsageError('the webhook URL is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError('the webhook URL must be http(s)');
  const body = digestBody(options);
  if (body === undefined) return;
  // Webhook URLs carry their secret in the path: messages name only the host.
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'sieve', ...(options.deliveryId ? { 'Idempotency-Key': options.deliveryId } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new SieveError('SIEVE_NETWORK', `could not reach the webhook at ${url.host}: ${errorMessage(error)}`, { cause: error });
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    throw new SieveError(
      'SIEVE_NETWORK',
      `the webhook at ${url.host} answered ${response.status} ${response.statusText}${text ? `: ${truncate(text.replace(/\s+/g, ' '), 200)}` : ''}`,
    );
  }
  await response.body?.cancel().catch(() => undefined);
}
