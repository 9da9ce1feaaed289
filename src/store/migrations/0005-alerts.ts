/**
 * The alert outbox: every alert (a finding that became new, reopened, or whose triage expired) is
 * written with its target's results, in the same transaction, and stays undelivered until a run's
 * new.json carries it. A run first claims the undelivered alerts, writes new.json, then confirms:
 * a run killed in between leaves claims that the next run confirms (its new.json exists) or
 * releases (it does not). `data` is the judged finding as new.json shows it.
 *
 * Notifications are sent in deliveries (one webhook request each), recorded before they are sent,
 * so a kill during one request re-sends that request only, with the same delivery id.
 */
export const sql = `
CREATE TABLE alerts (
  finding_id TEXT NOT NULL REFERENCES findings(id),
  raised_run TEXT NOT NULL,
  target TEXT NOT NULL,
  raised_at TEXT NOT NULL,
  data TEXT NOT NULL,
  claimed_run TEXT,
  delivered_at TEXT,
  PRIMARY KEY (finding_id, raised_run)
);
CREATE INDEX alerts_undelivered ON alerts(delivered_at, claimed_run);
ALTER TABLE notifications ADD COLUMN delivery_id TEXT;
CREATE INDEX notifications_delivery ON notifications(channel, delivery_id);
`;
