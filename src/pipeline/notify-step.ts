import { createHash } from 'node:crypto';
import type { NotifyConfig, TargetConfig } from '../config/load.js';
import { errorMessage } from '../model/errors.js';
import type { Logger } from '../model/logger.js';
import type { StoredFinding } from '../model/records.js';
import { severityRank, type Severity } from '../model/types.js';
import { fileIssues } from '../notify/github-issues.js';
import { sendDigest } from '../notify/webhook.js';
import { assignDeliveries, markFailed, markSent, pendingDeliveries, pendingNotifications, queueNotifications, sentFindings } from '../store/notifications.js';
import type { Store } from '../store/store.js';

export interface NotificationReport {
  channel: string;
  sent: number;
  pending: number;
  error?: string;
}

type Channel =
  | { id: string; kind: 'webhook'; url: string; format: 'json' | 'slack'; minSeverity?: Severity }
  | { id: string; kind: 'issues'; owner: string; repo: string; mode: 'per-finding' | 'digest'; apiUrl: string; minSeverity?: Severity };

const DEFAULT_GITHUB_API = 'https://api.github.com';

function channelsOf(config: NotifyConfig | undefined): Channel[] {
  const channels: Channel[] = [];
  for (const hook of config?.webhooks ?? []) {
    // Webhook URLs are secrets (they carry their own token): the store keeps a hash only.
    const id = `webhook:${createHash('sha256').update(hook.url).digest('hex').slice(0, 16)}`;
    channels.push({ id, kind: 'webhook', url: hook.url, format: hook.format ?? 'json', minSeverity: hook.minSeverity as Severity | undefined });
  }
  const issues = config?.githubIssues;
  if (issues) {
    const [owner, repo] = issues.repo.split('/') as [string, string];
    channels.push({ id: `issues:${issues.repo}`, kind: 'issues', owner, repo, mode: issues.mode ?? 'per-finding', apiUrl: issues.apiUrl ?? DEFAULT_GITHUB_API, minSeverity: issues.minSeverity as Severity | undefined });
  }
  return channels;
}

/** Findings of one target per webhook request at most: a kill while sending repeats one request only. */
const MAX_FINDINGS_PER_DELIVERY = 20;

/**
 * Queues a target's alerts for every channel routed to it; called inside the transaction that
 * records the target, so an alert is never stored without its notifications, nor queued twice.
 */
export function queueAlertNotifications(store: Store, request: { runId: string; at: string; global?: NotifyConfig; target: TargetConfig; alerts: StoredFinding[] }): void {
  const queued = new Map<string, string[]>();
  for (const finding of request.alerts) {
    for (const channel of channelsOf(request.target.notify ?? request.global)) {
      if (channel.minSeverity && severityRank(finding.severity) < severityRank(channel.minSeverity)) continue;
      queued.set(channel.id, [...(queued.get(channel.id) ?? []), finding.id]);
    }
  }
  for (const [channel, ids] of queued) queueNotifications(store.db, channel, request.runId, request.at, ids);
}

export interface NotifyRequest {
  store: Store;
  runId: string;
  at: string;
  global?: NotifyConfig;
  targets: TargetConfig[];
  token?: string;
  logger: Logger;
  /** False under --offline: alerts are queued and sent by the next run that may use the network. */
  send?: boolean;
}

/**
 * Sends everything still pending (queued as targets were recorded), this run's and earlier
 * failures alike. A failure is reported and kept for the next run.
 */
export async function deliverNotifications(request: NotifyRequest): Promise<NotificationReport[]> {
  const { store, logger } = request;
  const channels = new Map<string, Channel>();
  for (const channel of [...channelsOf(request.global), ...request.targets.flatMap((target) => channelsOf(target.notify))]) channels.set(channel.id, channel);

  const reports: NotificationReport[] = [];
  if (request.send === false) {
    for (const channel of channels.values()) {
      const pending = pendingNotifications(store.db, channel.id).length;
      if (pending) reports.push({ channel: channel.id, sent: 0, pending, error: 'offline: kept for the next run' });
    }
    return reports;
  }
  for (const channel of channels.values()) {
    if (channel.kind === 'webhook') {
      const report = await deliverToWebhook(store, channel, request);
      if (report) reports.push(report);
      continue;
    }
    const pendingIds = pendingNotifications(store.db, channel.id);
    if (pendingIds.length === 0) continue;
    const open = stillAlerting(store, channel.id, pendingIds, request.at);
    if (open.length === 0) continue;
    try {
      const alreadyFiled = sentFindings(store.db, channel.id);
      const result = await fileIssues({
        apiUrl: channel.apiUrl,
        token: request.token ?? '',
        owner: channel.owner,
        repo: channel.repo,
        findings: open,
        mode: channel.mode,
        runId: request.runId,
        alreadyFiled,
      });
      for (const filed of result.filed) markSent(store.db, channel.id, [filed.findingId], request.at, filed.issueUrl);
      const skipped = open.filter((finding) => alreadyFiled.has(finding.id)).map((finding) => finding.id);
      if (skipped.length) markSent(store.db, channel.id, skipped, request.at, 'already filed');
      const filedIds = new Set([...result.filed.map((filed) => filed.findingId), ...skipped]);
      const left = open.filter((finding) => !filedIds.has(finding.id)).map((finding) => finding.id);
      if (left.length) markFailed(store.db, channel.id, left, result.errors.join('; ') || 'not filed');
      reports.push({ channel: channel.id, sent: result.filed.length, pending: left.length, error: result.errors.length ? result.errors.join('; ') : undefined });
    } catch (error) {
      const message = errorMessage(error);
      markFailed(store.db, channel.id, open.map((finding) => finding.id), message);
      reports.push({ channel: channel.id, sent: 0, pending: open.length, error: message });
    }
  }
  for (const report of reports) {
    if (report.error) logger.error('notification failed; kept for the next run', { ...report });
    else logger.info('notified', { ...report });
  }
  return reports;
}

/**
 * The queued findings that still alert, as judged now. What was fixed, removed or suppressed (a
 * triage decision) before it could be sent is marked done for the channel and not told.
 */
function stillAlerting(store: Store, channelId: string, ids: readonly string[], at: string): StoredFinding[] {
  const open: StoredFinding[] = [];
  const gone: string[] = [];
  const silenced: string[] = [];
  for (const id of ids) {
    const finding = store.judgedFinding(id, at);
    if (finding === undefined || finding.state !== 'open') gone.push(id);
    else if (finding.suppression) silenced.push(id);
    else open.push(finding);
  }
  if (gone.length) markSent(store.db, channelId, gone, at, 'fixed before delivery');
  if (silenced.length) markSent(store.db, channelId, silenced, at, 'suppressed before delivery');
  return open;
}

/**
 * One request per recorded delivery, each marked sent as soon as it is acknowledged. The first
 * failure stops this channel for the run: what is left stays pending for the next.
 */
async function deliverToWebhook(store: Store, channel: Extract<Channel, { kind: 'webhook' }>, request: NotifyRequest): Promise<NotificationReport | undefined> {
  assignDeliveries(store.db, channel.id, request.runId, MAX_FINDINGS_PER_DELIVERY);
  const deliveries = pendingDeliveries(store.db, channel.id);
  if (deliveries.length === 0) return undefined;
  let sent = 0;
  for (const [index, delivery] of deliveries.entries()) {
    const open = stillAlerting(store, channel.id, delivery.findingIds, request.at);
    if (open.length === 0) continue;
    try {
      await sendDigest({ url: channel.url, format: channel.format, findings: open, runId: request.runId, deliveryId: delivery.id });
      markSent(store.db, channel.id, open.map((finding) => finding.id), request.at, delivery.id);
      sent += open.length;
    } catch (error) {
      const left = deliveries.slice(index).flatMap((rest) => rest.findingIds);
      markFailed(store.db, channel.id, left, errorMessage(error));
      return { channel: channel.id, sent, pending: left.length, error: errorMessage(error) };
    }
  }
  return { channel: channel.id, sent, pending: 0 };
}
