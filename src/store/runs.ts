import type Database from 'better-sqlite3';
import type { OsvProvenance, RunRecord, TargetScanRecord } from '../model/records.js';
import { normalizeFailure } from '../model/scope.js';

export function beginRun(db: Database.Database, id: string, startedAt: string): void {
  db.prepare('INSERT INTO runs (id, started_at) VALUES (?, ?)').run(id, startedAt);
}

export function finishRun(db: Database.Database, id: string, finishedAt: string, osv?: OsvProvenance, tools?: Record<string, string>): void {
  db.prepare('UPDATE runs SET finished_at = ?, osv = ?, tools = ? WHERE id = ?').run(
    finishedAt,
    osv ? JSON.stringify(osv) : null,
    tools ? JSON.stringify(tools) : null,
    id,
  );
}

export function listRuns(db: Database.Database): RunRecord[] {
  const rows = db.prepare('SELECT * FROM runs ORDER BY started_at, id').all() as Array<{
    id: string;
    started_at: string;
    finished_at: string | null;
    osv: string | null;
    tools: string | null;
    interrupted: string | null;
  }>;
  return rows.map((row) => ({
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at ?? undefined,
    osv: row.osv ? (JSON.parse(row.osv) as OsvProvenance) : undefined,
    tools: row.tools ? (JSON.parse(row.tools) as Record<string, string>) : undefined,
    interrupted: row.interrupted ?? undefined,
  }));
}

interface TargetScanRow {
  run_id: string;
  target: string;
  repo: string | null;
  ref: string | null;
  commit_sha: string | null;
  subject: string | null;
  status: TargetScanRecord['status'];
  started_at: string;
  finished_at: string;
  errors: string;
  counts: string;
  categories: string | null;
}

export function saveTargetScan(db: Database.Database, scan: TargetScanRecord): void {
  db.prepare(
    `INSERT OR REPLACE INTO target_scans (run_id, target, repo, ref, commit_sha, subject, status, started_at, finished_at, errors, counts, categories)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    scan.runId,
    scan.target,
    scan.repo ?? null,
    scan.ref ?? null,
    scan.commit ?? null,
    scan.subject ?? null,
    scan.status,
    scan.startedAt,
    scan.finishedAt,
    JSON.stringify(scan.errors),
    JSON.stringify(scan.counts),
    scan.categories ? JSON.stringify(scan.categories) : null,
  );
}

function rowToScan(row: TargetScanRow): TargetScanRecord {
  return {
    runId: row.run_id,
    target: row.target,
    repo: row.repo ?? undefined,
    ref: row.ref ?? undefined,
    commit: row.commit_sha ?? undefined,
    subject: row.subject ?? undefined,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    // Scans stored by an older Sieve name their scopes with strings.
    errors: (JSON.parse(row.errors) as unknown[]).map(normalizeFailure),
    counts: JSON.parse(row.counts) as TargetScanRecord['counts'],
    categories: row.categories ? (JSON.parse(row.categories) as string[]) : undefined,
  };
}

/** Every scan of a target (or of all targets), oldest first. */
export function listTargetScans(db: Database.Database, target?: string): TargetScanRecord[] {
  const rows = (
    target
      ? db.prepare('SELECT * FROM target_scans WHERE target = ? ORDER BY finished_at, run_id').all(target)
      : db.prepare('SELECT * FROM target_scans ORDER BY finished_at, run_id').all()
  ) as TargetScanRow[];
  return rows.map(rowToScan);
}

/** purl types (npm, pypi, golang…) of every package in the targets' latest inventories. */
export function inventoryPurlTypes(db: Database.Database): string[] {
  const rows = db.prepare("SELECT DISTINCT substr(purl, 5, instr(substr(purl, 5), '/') - 1) AS type FROM inventory").all() as Array<{ type: string }>;
  return rows.map((row) => row.type).filter(Boolean).sort();
}
