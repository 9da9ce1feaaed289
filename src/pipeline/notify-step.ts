import { createHash } from 'node:crypto';
import type { NotifyConfig, TargetConfig } from '../config/load.js';
import { errorMessage } from '../model/errors.js';
import type { Logger } from '../model/logger.js';
import type { StoredFinding } from '../model/records.js';
import { severityRank, type Severity } from '../model/types.js';
import { fileIssues } from '../notify/github-issues.js';
import { sendDigest } from '../notify/webhook.js';
import { markFailed, markSent, pendingNotifications, queueNotifications, sentFindings } from '../store/notifications.js';
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

export interface NotifyRequest {
  store: Store;
  runId: string;
  at: string;
  global?: NotifyConfig;
  targets: TargetConfig[];
  alerts: StoredFinding[];
  token?: string;
  logger: Logger;
  /** False under --offline: alerts are queued and sent by the next run that may use the network. */
  send?: boolean;
}

/**
 * Queues this run's alerts for every channel routed to their target, then sends everything still
 * pending, this run's and earlier failures alike. A failure is reported and kept for the next run.
 */
export async function deliverNotifications(request: NotifyRequest): Promise<NotificationReport[]> {
  const { store, logger } = request;
  const byKey = new Map(request.targets.map((target) => [target.key, target]));
  const channels = new Map<string, Channel>();
  const routes = (target: TargetConfig | undefined) => channelsOf(target?.notify ?? request.global);
  for (const channel of [...channelsOf(request.global), ...request.targets.flatMap((target) => channelsOf(target.notify))]) channels.set(channel.id, channel);

  const queued = new Map<string, string[]>();
  for (const finding of request.alerts) {
    for (const channel of routes(byKey.get(finding.target))) {
      if (channel.minSeverity && severityRank(finding.severity) < severityRank(channel.minSeverity)) continue;
      queued.set(channel.id, [...(queued.get(channel.id) ?? []), finding.id]);
    }
  }
  for (const [channel, ids] of queued) queueNotifications(store.db, channel, request.runId, request.at, ids);

  const reports: NotificationReport[] = [];
  if (request.send === false) {
    for (const channel of channels.values()) {
      const pending = pendingNotifications(store.db, channel.id).length;
      if (pending) reports.push({ channel: channel.id, sent: 0, pending, error: 'offline: kept for the next run' });
    }
    return reports;
  }
  for (const channel of channels.values()) {
    const pendingIds = pendingNotifications(store.db, channel.id);
    if (pendingIds.length === 0) continue;
    // As judged now: what was fixed or suppressed (a triage decision) before it could be sent is not told.
    const findings = pendingIds.map((id) => store.judgedFinding(id, request.at)).filter((finding): finding is StoredFinding => finding !== undefined);
    const gone = findings.filter((finding) => finding.state !== 'open').map((finding) => finding.id);
    if (gone.length) markSent(store.db, channel.id, gone, request.at, 'fixed before delivery');
    const silenced = findings.filter((finding) => finding.state === 'open' && finding.suppression).map((finding) => finding.id);
    if (silenced.length) markSent(store.db, channel.id, silenced, request.at, 'suppressed before delivery');
    const open = findings.filter((finding) => finding.state === 'open' && !finding.suppression);
    if (open.length === 0) continue;
    try {
      if (channel.kind === 'webhook') {
        await sendDigest({ url: channel.url, format: channel.format, findings: open, runId: request.runId });
        markSent(store.db, channel.id, open.map((finding) => finding.id), request.at);
        reports.push({ channel: channel.id, sent: open.length, pending: 0 });
      } else {
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
      }
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
