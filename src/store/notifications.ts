import type Database from 'better-sqlite3';

/** Queues findings for a channel; the same finding in the same run is queued once. */
export function queueNotifications(db: Database.Database, channel: string, runId: string, at: string, findingIds: readonly string[]): void {
  const insert = db.prepare('INSERT OR IGNORE INTO notifications (channel, finding_id, run_id, queued_at) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const id of findingIds) insert.run(channel, id, runId, at);
  })();
}

/** Finding ids queued for a channel and not yet sent, from this run or any earlier one. */
export function pendingNotifications(db: Database.Database, channel: string): string[] {
  const rows = db.prepare('SELECT DISTINCT finding_id FROM notifications WHERE channel = ? AND sent_at IS NULL ORDER BY finding_id').all(channel) as Array<{ finding_id: string }>;
  return rows.map((row) => row.finding_id);
}

/** Findings a channel has ever been sent (GitHub issues: never file one twice). */
export function sentFindings(db: Database.Database, channel: string): Set<string> {
  const rows = db.prepare('SELECT DISTINCT finding_id FROM notifications WHERE channel = ? AND sent_at IS NOT NULL').all(channel) as Array<{ finding_id: string }>;
  return new Set(rows.map((row) => row.finding_id));
}

export function markSent(db: Database.Database, channel: string, findingIds: readonly string[], at: string, reference?: string): void {
  const update = db.prepare('UPDATE notifications SET sent_at = ?, attempts = attempts + 1, last_error = NULL, reference = ? WHERE channel = ? AND finding_id = ? AND sent_at IS NULL');
  db.transaction(() => {
    for (const id of findingIds) update.run(at, reference ?? null, channel, id);
  })();
}

export function markFailed(db: Database.Database, channel: string, findingIds: readonly string[], error: string): void {
  const update = db.prepare('UPDATE notifications SET attempts = attempts + 1, last_error = ? WHERE channel = ? AND finding_id = ? AND sent_at IS NULL');
  db.transaction(() => {
    for (const id of findingIds) update.run(error, channel, id);
  })();
}
