import type Database from 'better-sqlite3';
import type { StoredFinding } from '../model/records.js';

/** Writes a target's alerts into the outbox; called inside the transaction that records the target. */
export function raiseAlerts(db: Database.Database, runId: string, at: string, alerts: readonly StoredFinding[]): void {
  const insert = db.prepare('INSERT OR IGNORE INTO alerts (finding_id, raised_run, target, raised_at, data) VALUES (?, ?, ?, ?, ?)');
  for (const alert of alerts) insert.run(alert.id, runId, alert.target, at, JSON.stringify(alert));
}

/** Runs that claimed alerts and never confirmed them: killed between claiming and confirming. */
export function unconfirmedClaims(db: Database.Database, except: string): string[] {
  const rows = db.prepare('SELECT DISTINCT claimed_run FROM alerts WHERE claimed_run IS NOT NULL AND delivered_at IS NULL AND claimed_run != ? ORDER BY claimed_run').all(except) as Array<{ claimed_run: string }>;
  return rows.map((row) => row.claimed_run);
}

/** Gives a dead run's claimed alerts back to the outbox (its new.json was never written). */
export function releaseClaims(db: Database.Database, runId: string): void {
  db.prepare('UPDATE alerts SET claimed_run = NULL WHERE claimed_run = ? AND delivered_at IS NULL').run(runId);
}

/** Claims every undelivered alert for this run and returns them, oldest first. */
export function claimAlerts(db: Database.Database, runId: string): Array<{ raisedRun: string; finding: StoredFinding }> {
  return db.transaction(() => {
    db.prepare('UPDATE alerts SET claimed_run = ? WHERE claimed_run IS NULL AND delivered_at IS NULL').run(runId);
    const rows = db
      .prepare('SELECT raised_run, data FROM alerts WHERE claimed_run = ? AND delivered_at IS NULL ORDER BY raised_at, raised_run, finding_id')
      .all(runId) as Array<{ raised_run: string; data: string }>;
    return rows.map((row) => ({ raisedRun: row.raised_run, finding: JSON.parse(row.data) as StoredFinding }));
  })();
}

/** The run's new.json is written: its claimed alerts are delivered. */
export function confirmAlerts(db: Database.Database, runId: string, at: string): number {
  return db.prepare('UPDATE alerts SET delivered_at = ? WHERE claimed_run = ? AND delivered_at IS NULL').run(at, runId).changes;
}

/** Alerts not yet in any run's new.json. */
export function undeliveredAlertCount(db: Database.Database): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM alerts WHERE delivered_at IS NULL').get() as { n: number }).n;
}
