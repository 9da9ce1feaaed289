/** The notification outbox: what is to be sent where, and what was, so nothing is lost or sent twice. */
export const sql = `
CREATE TABLE notifications (
  channel TEXT NOT NULL,
  finding_id TEXT NOT NULL REFERENCES findings(id),
  run_id TEXT NOT NULL,
  queued_at TEXT NOT NULL,
  sent_at TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  reference TEXT,
  PRIMARY KEY (channel, finding_id, run_id)
);
CREATE INDEX notifications_pending ON notifications(channel, sent_at);
`;
