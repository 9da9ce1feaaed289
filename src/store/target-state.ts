import type Database from 'better-sqlite3';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { StoredInventory, TargetState } from '../model/records.js';

interface Row {
  target: string;
  run_id: string;
  at: string;
  commit_sha: string | null;
  inputs: string;
  osv: string | null;
  inventory: Buffer;
}

export function saveTargetState(db: Database.Database, state: TargetState): void {
  db.prepare(
    `INSERT OR REPLACE INTO target_state (target, run_id, at, commit_sha, inputs, osv, inventory) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(state.target, state.runId, state.at, state.commit ?? null, state.inputs, state.osv ?? null, gzipSync(JSON.stringify(state.inventory)));
}

export function forgetTargetState(db: Database.Database, target: string): void {
  db.prepare('DELETE FROM target_state WHERE target = ?').run(target);
}

/** The state of every target, without inventories (those are read only for targets matched again). */
export function listTargetStates(db: Database.Database): Map<string, Omit<TargetState, 'inventory'>> {
  const rows = db.prepare('SELECT target, run_id, at, commit_sha, inputs, osv FROM target_state').all() as Array<Omit<Row, 'inventory'>>;
  return new Map(rows.map((row) => [row.target, { target: row.target, runId: row.run_id, at: row.at, commit: row.commit_sha ?? undefined, inputs: row.inputs, osv: row.osv ?? undefined }]));
}

export function loadStoredInventory(db: Database.Database, target: string): StoredInventory | undefined {
  const row = db.prepare('SELECT inventory FROM target_state WHERE target = ?').get(target) as Pick<Row, 'inventory'> | undefined;
  return row ? (JSON.parse(gunzipSync(row.inventory).toString('utf8')) as StoredInventory) : undefined;
}

export function markRunInterrupted(db: Database.Database, runId: string, signal: string): void {
  db.prepare('UPDATE runs SET interrupted = ? WHERE id = ?').run(signal, runId);
}
