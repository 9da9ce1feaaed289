import type Database from 'better-sqlite3';
import type { FindingEvent, OsvProvenance, RunRecord, StoredFinding, TargetScanRecord, TriageRecord } from '../model/records.js';
import { openDatabase } from './db.js';
import { getFindingById, listEvents, listFindings, reconcileTarget, type FindingFilter, type ReconcileInput } from './findings.js';
import { beginRun, finishRun, listRuns, listTargetScans, saveTargetScan } from './runs.js';
import {
  effectiveTriage,
  expiryAlerted,
  latestSuppressions,
  listFleetDecisions,
  markExpiryAlerted,
  recordPolicyOutcomes,
  setFindingTriage,
  setFleetTriage,
  triageHistory,
  wasSuppressedByRule,
  type FleetDecision,
  type PolicyOutcome,
  type TriageDecision,
  type TriageHistoryEntry,
} from './triage.js';

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

  // Triage and policy (store/triage.ts).

  /** Records a triage decision on one finding, keeping the previous ones in its history. */
  triage(findingId: string, decision: TriageDecision, origin?: string): void {
    this.db.transaction(() => setFindingTriage(this.db, findingId, decision, origin))();
  }

  /** Records a decision keyed on a vulnerability (any alias) and package across targets; returns its id. */
  fleetTriage(decision: FleetDecision, origin?: string): string {
    return this.db.transaction(() => setFleetTriage(this.db, decision, origin))();
  }

  fleetDecisions(): FleetDecision[] {
    return listFleetDecisions(this.db);
  }

  /** Every decision on a finding id or fleet decision id (or all), oldest first. */
  triageHistory(key?: string): TriageHistoryEntry[] {
    return triageHistory(this.db, key);
  }

  /** The decision in force for each of these findings: its own, else the most specific fleet decision. */
  effectiveTriage(findings: readonly StoredFinding[]): Map<string, TriageRecord & { source: string }> {
    return effectiveTriage(this.db, findings);
  }

  /** Stored findings with their triage and latest policy verdict attached. */
  findingsWithTriage(filter: FindingFilter = {}): StoredFinding[] {
    const findings = listFindings(this.db, filter);
    const triage = effectiveTriage(this.db, findings);
    const suppressions = latestSuppressions(this.db);
    return findings.map((finding) => {
      const decision = triage.get(finding.id);
      const suppression = suppressions.get(finding.id);
      const withTriage: StoredFinding = { ...finding };
      if (decision) {
        const { source: _source, ...record } = decision;
        withTriage.triage = record;
      }
      if (suppression) withTriage.suppression = suppression;
      return withTriage;
    });
  }

  recordPolicyOutcomes(runId: string, at: string, outcomes: readonly PolicyOutcome[]): void {
    recordPolicyOutcomes(this.db, runId, at, outcomes);
  }

  wasSuppressedByRule(findingId: string, rule: string, until: string): boolean {
    return wasSuppressedByRule(this.db, findingId, rule, until);
  }

  expiryAlerted(findingId: string, source: string, until: string): boolean {
    return expiryAlerted(this.db, findingId, source, until);
  }

  markExpiryAlerted(findingId: string, source: string, until: string, runId: string, at: string): void {
    markExpiryAlerted(this.db, findingId, source, until, runId, at);
  }
}
