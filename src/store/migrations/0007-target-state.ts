/**
 * What an incremental night needs: per target, the inputs of its last complete scan (commit,
 * configuration, tools, rules, OSV data) and the inventory it read, so an unchanged target is
 * skipped and an OSV-only change is matched again without git. And whether a run was interrupted.
 */
export const sql = `
CREATE TABLE target_state (
  target TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  at TEXT NOT NULL,
  commit_sha TEXT,
  inputs TEXT NOT NULL,
  osv TEXT,
  -- gzip'd JSON: packages, lockfiles, inventory snapshot, tools and their versions
  inventory BLOB NOT NULL
);
ALTER TABLE runs ADD COLUMN interrupted TEXT;
`;
