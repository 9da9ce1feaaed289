/** The first schema: runs, targets and their scans, findings with lifecycle, observations. */
export const sql = `
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  osv TEXT,
  tools TEXT
);

CREATE TABLE targets (
  name TEXT PRIMARY KEY,
  first_scanned_at TEXT NOT NULL,
  last_scanned_at TEXT NOT NULL
);

CREATE TABLE target_scans (
  run_id TEXT NOT NULL REFERENCES runs(id),
  target TEXT NOT NULL REFERENCES targets(name),
  repo TEXT,
  ref TEXT,
  commit_sha TEXT,
  subject TEXT,
  status TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  errors TEXT NOT NULL,
  counts TEXT NOT NULL,
  -- code-scanning categories this scan reported, so the next one can retire those that vanish
  categories TEXT,
  PRIMARY KEY (run_id, target)
);
CREATE INDEX target_scans_by_target ON target_scans(target, finished_at);

CREATE TABLE findings (
  id TEXT PRIMARY KEY,
  target TEXT NOT NULL REFERENCES targets(name),
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'fixed')),
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  first_commit TEXT,
  last_commit TEXT,
  fixed_at TEXT,
  last_transition TEXT NOT NULL,
  new_reason TEXT,
  last_run_id TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX findings_by_target ON findings(target, state);

-- Every vulnerability id (and alias) a dependency finding has been reported under, so that an
-- advisory that later gains an alias, or an alias matched on its own, maps to the same finding.
CREATE TABLE dependency_keys (
  target TEXT NOT NULL,
  ecosystem TEXT NOT NULL,
  name TEXT NOT NULL,
  lockfile TEXT NOT NULL,
  vulnerability_id TEXT NOT NULL,
  finding_id TEXT NOT NULL REFERENCES findings(id),
  PRIMARY KEY (target, ecosystem, name, lockfile, vulnerability_id)
);

CREATE TABLE observations (
  run_id TEXT NOT NULL REFERENCES runs(id),
  finding_id TEXT NOT NULL REFERENCES findings(id),
  target TEXT NOT NULL,
  at TEXT NOT NULL,
  commit_sha TEXT,
  transition TEXT NOT NULL CHECK (transition IN ('new', 'unchanged', 'fixed', 'reopened')),
  reason TEXT,
  alerted INTEGER NOT NULL DEFAULT 0,
  suppressed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, finding_id)
);
CREATE INDEX observations_by_time ON observations(at, transition);

-- The packages of each target's latest good inventory: tells a new advisory on an unchanged
-- package from a dependency change.
CREATE TABLE inventory (
  target TEXT NOT NULL,
  lockfile TEXT NOT NULL,
  purl TEXT NOT NULL,
  PRIMARY KEY (target, lockfile, purl)
);
`;
