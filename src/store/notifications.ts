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

/**
 * Groups a channel's pending, not yet grouped findings into deliveries (one request each) of at
 * most `max` findings of one target. A delivery is recorded before it is sent, so a run killed
 * while sending it sends that one again (same id), not everything that was pending.
 */
export function assignDeliveries(db: Database.Database, channel: string, prefix: string, max: number): void {
  db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT DISTINCT n.finding_id AS id, f.target AS target FROM notifications n JOIN findings f ON f.id = n.finding_id
          WHERE n.channel = ? AND n.sent_at IS NULL AND n.delivery_id IS NULL ORDER BY f.target, n.finding_id`,
      )
      .all(channel) as Array<{ id: string; target: string }>;
    const assign = db.prepare('UPDATE notifications SET delivery_id = ? WHERE channel = ? AND finding_id = ? AND sent_at IS NULL AND delivery_id IS NULL');
    let count = 0;
    let current: { target: string; size: number; id: string } | undefined;
    for (const row of rows) {
      if (!current || current.target !== row.target || current.size >= max) {
        count += 1;
        current = { target: row.target, size: 0, id: `${prefix}:${count}` };
      }
      current.size += 1;
      assign.run(current.id, channel, row.id);
    }
  })();
}

/** A channel's deliveries not yet sent, the oldest first, each with its findings. */
export function pendingDeliveries(db: Database.Database, channel: string): Array<{ id: string; findingIds: string[] }> {
  const rows = db
    .prepare(
      `SELECT delivery_id AS delivery, finding_id AS id, MIN(queued_at) AS queued FROM notifications
        WHERE channel = ? AND sent_at IS NULL AND delivery_id IS NOT NULL GROUP BY delivery_id, finding_id ORDER BY queued, delivery_id, finding_id`,
    )
    .all(channel) as Array<{ delivery: string; id: string }>;
  const deliveries = new Map<string, string[]>();
  for (const row of rows) deliveries.set(row.delivery, [...(deliveries.get(row.delivery) ?? []), row.id]);
  return [...deliveries.entries()].map(([id, findingIds]) => ({ id, findingIds }));
}
