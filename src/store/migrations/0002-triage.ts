/**
 * Triage: decisions on one finding (with their full history), decisions keyed on a vulnerability
 * and package across targets (fleet), what policy last made of each finding, and which expiries
 * have already alerted (each alerts exactly once).
 */
export const sql = `
CREATE TABLE triage (
  finding_id TEXT PRIMARY KEY REFERENCES findings(id),
  status TEXT NOT NULL CHECK (status IN ('false-positive', 'accepted-risk', 'wont-fix', 'open')),
  reason TEXT NOT NULL,
  until TEXT,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  justification TEXT
);

-- Vulnerability (any alias) + package, across every target unless narrowed by target or path.
CREATE TABLE fleet_triage (
  id TEXT PRIMARY KEY,
  vulnerability_ids TEXT NOT NULL,
  ecosystem TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT,
  target TEXT,
  path TEXT,
  status TEXT NOT NULL CHECK (status IN ('false-positive', 'accepted-risk', 'wont-fix', 'open')),
  reason TEXT NOT NULL,
  until TEXT,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  justification TEXT
);
CREATE INDEX fleet_triage_by_package ON fleet_triage(ecosystem, name);

-- Every decision ever made, oldest first: who, when, why.
CREATE TABLE triage_history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  scope TEXT NOT NULL CHECK (scope IN ('finding', 'fleet')),
  key TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL,
  until TEXT,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  justification TEXT,
  origin TEXT
);
CREATE INDEX triage_history_by_key ON triage_history(key, seq);

-- What policy made of a finding in the latest run that judged it.
CREATE TABLE finding_policy (
  finding_id TEXT PRIMARY KEY REFERENCES findings(id),
  run_id TEXT NOT NULL,
  rule TEXT,
  reason TEXT,
  until TEXT
);

-- Ignore rules that have silenced a finding: only those alert again when they expire.
CREATE TABLE rule_suppressions (
  finding_id TEXT NOT NULL REFERENCES findings(id),
  rule TEXT NOT NULL,
  until TEXT NOT NULL,
  first_at TEXT NOT NULL,
  PRIMARY KEY (finding_id, rule, until)
);

-- An expired decision (triage, fleet triage or ignore rule) alerts once: this remembers it did.
CREATE TABLE expiry_alerts (
  finding_id TEXT NOT NULL REFERENCES findings(id),
  source TEXT NOT NULL,
  until TEXT NOT NULL,
  run_id TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (finding_id, source, until)
);
`;
