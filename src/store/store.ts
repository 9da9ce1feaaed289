import type Database from 'better-sqlite3';
import type { FindingEvent, OsvProvenance, RunRecord, StoredFinding, TargetScanRecord } from '../model/records.js';
import { openDatabase } from './db.js';
import { getFindingById, listEvents, listFindings, reconcileTarget, type FindingFilter, type ReconcileInput } from './findings.js';
import { beginRun, finishRun, listRuns, listTargetScans, saveTargetScan } from './runs.js';

/** The store: one SQLite file, synchronous, every write batch in one transaction. */
export class Store {
  private constructor(
    readonly db: Database.Database,
    readonly path: string,
  ) {}

  static open(path: string): Store {
    return new Store(openDatabase(path), path);
  }

  close(): void {
    this.db.close();
  }

  beginRun(id: string, startedAt: string): void {
    beginRun(this.db, id, startedAt);
  }

  finishRun(id: string, finishedAt: string, osv?: OsvProvenance, tools?: Record<string, string>): void {
    finishRun(this.db, id, finishedAt, osv, tools);
  }

  /** Folds one target's results into the store and records its scan, atomically. */
  recordTarget(input: ReconcileInput, scan: (touched: StoredFinding[]) => TargetScanRecord): { touched: StoredFinding[]; scan: TargetScanRecord } {
    return this.db.transaction(() => {
      const touched = reconcileTarget(this.db, input);
      const record = scan(touched);
      saveTargetScan(this.db, record);
      return { touched, scan: record };
    })();
  }

  /** Records a target that produced no results at all (failed or skipped): nothing changes state. */
  saveTargetScan(scan: TargetScanRecord): void {
    this.db.transaction(() => {
      const exists = this.db.prepare('SELECT 1 FROM targets WHERE name = ?').get(scan.target);
      if (!exists) {
        this.db.prepare('INSERT INTO targets (name, first_scanned_at, last_scanned_at) VALUES (?, ?, ?)').run(scan.target, scan.finishedAt, scan.finishedAt);
      }
      saveTargetScan(this.db, scan);
    })();
  }

  findings(filter: FindingFilter = {}): StoredFinding[] {
    return listFindings(this.db, filter);
  }

  finding(id: string): StoredFinding | undefined {
    return getFindingById(this.db, id);
  }

  events(since: string, until: string): FindingEvent[] {
    return listEvents(this.db, since, until);
  }

  targetScans(target?: string): TargetScanRecord[] {
    return listTargetScans(this.db, target);
  }

  runs(): RunRecord[] {
    return listRuns(this.db);
  }
}
