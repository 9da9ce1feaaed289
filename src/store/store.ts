import type Database from 'better-sqlite3';
import type { FindingEvent, KevCatalogInfo, KnownExploited, OsvProvenance, RunRecord, StoredFinding, StoredInventory, TargetScanRecord, TargetState, TriageRecord } from '../model/records.js';
import { claimAlerts, confirmAlerts, raiseAlerts, releaseClaims, unconfirmedClaims } from './alerts.js';
import { openDatabase } from './db.js';
import { attachKnownExploited } from '../model/known-exploited.js';
import type { Policy } from '../model/judgement.js';
import { getFindingById, listFindings, type FindingFilter } from './findings.js';
import { findingIdsOfPackage, judgedEvents, judgedFinding, judgedFindings, rejudgeTriage, type JudgedFilter } from './judge.js';
import { recordTarget, type RecordedTarget, type TargetEvidenceInput } from './record.js';
import { listTransitions, type TransitionPoint } from './timeline.js';
import { knownExploitedInfo, loadKnownExploited, replaceKnownExploited } from './known-exploited.js';
import { beginRun, finishRun, listRuns, listTargetScans, saveTargetScan } from './runs.js';
import { forgetTargetState, listTargetStates, loadStoredInventory, markRunInterrupted, saveTargetState } from './target-state.js';
import {
  effectiveTriage,
  listFleetDecisions,
  setFindingTriage,
  setFleetTriage,
  triageHistory,
  type FleetDecision,
  type TriageDecision,
  type TriageHistoryEntry,
} from './triage.js';

/** The store: one SQLite file, synchronous, every write batch in one transaction. */
export class Store {
  /** The KEV catalog, read once per opened store (a run's own state). */
  private kev: Map<string, KnownExploited> | undefined;

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

  /**
   * The one record path (store/record.ts): reconciles a target's evidence, judges it with the
   * policy and triage at the run's time, stores the judgement and the target's scan, atomically.
   */
  recordTarget(evidence: TargetEvidenceInput, policy: Policy | undefined): RecordedTarget {
    return recordTarget(this.db, evidence, policy);
  }

  /** The judged view every output reads: effective severity, triage and suppression at `at`, and known exploited. */
  judged(filter: JudgedFilter, at: string): StoredFinding[] {
    return attachKnownExploited(judgedFindings(this.db, filter, at), this.knownExploited());
  }

  judgedFinding(id: string, at: string): StoredFinding | undefined {
    const finding = judgedFinding(this.db, id, at);
    return finding ? attachKnownExploited([finding], this.knownExploited())[0] : undefined;
  }

  /** Runs `work` in one transaction (nested store calls join it): all of it is stored, or none. */
  atomically<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  // The alert outbox (store/alerts.ts): raised with the target's results, delivered by new.json.

  raiseAlerts(runId: string, at: string, alerts: readonly StoredFinding[]): void {
    raiseAlerts(this.db, runId, at, alerts);
  }

  claimAlerts(runId: string): Array<{ raisedRun: string; finding: StoredFinding }> {
    return claimAlerts(this.db, runId);
  }

  confirmAlerts(runId: string, at: string): number {
    return confirmAlerts(this.db, runId, at);
  }

  releaseClaims(runId: string): void {
    releaseClaims(this.db, runId);
  }

  unconfirmedClaims(except: string): string[] {
    return unconfirmedClaims(this.db, except);
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

  // Incremental nights (store/target-state.ts).

  /** What each target's last complete scan depended on (commit, inputs, OSV data). */
  targetStates(): Map<string, Omit<TargetState, 'inventory'>> {
    return listTargetStates(this.db);
  }

  storedInventory(target: string): StoredInventory | undefined {
    return loadStoredInventory(this.db, target);
  }

  /** Remembers a complete scan; a scan that was not complete forgets the state, so the next night scans again. */
  saveTargetState(state: TargetState | { target: string; forget: true }): void {
    if ('forget' in state) forgetTargetState(this.db, state.target);
    else saveTargetState(this.db, state);
  }

  markRunInterrupted(runId: string, signal: string): void {
    markRunInterrupted(this.db, runId, signal);
  }

  findings(filter: FindingFilter = {}): StoredFinding[] {
    return listFindings(this.db, filter);
  }

  finding(id: string): StoredFinding | undefined {
    return getFindingById(this.db, id);
  }

  /** Transitions within [since, until), each finding as judged at `until`: the weekly diff's rows. */
  events(since: string, until: string): FindingEvent[] {
    const catalog = this.knownExploited();
    return judgedEvents(this.db, since, until).map((event) => ({ ...event, finding: attachKnownExploited([event.finding], catalog)[0]! }));
  }

  targetScans(target?: string): TargetScanRecord[] {
    return listTargetScans(this.db, target);
  }

  runs(): RunRecord[] {
    return listRuns(this.db);
  }

  /** Every new, reopened and fixed transition, oldest first (the dashboard's trend). */
  transitions(): TransitionPoint[] {
    return listTransitions(this.db);
  }

  // Triage and policy (store/triage.ts).

  /** Records a triage decision on one finding (its history kept) and judges the finding anew. */
  triage(findingId: string, decision: TriageDecision, origin?: string): void {
    this.db.transaction(() => {
      setFindingTriage(this.db, findingId, decision, origin);
      rejudgeTriage(this.db, [findingId], decision.at);
    })();
  }

  /** Records a decision keyed on a vulnerability (any alias) and package across targets, and judges what it covers anew; returns its id. */
  fleetTriage(decision: FleetDecision, origin?: string): string {
    return this.db.transaction(() => {
      const id = setFleetTriage(this.db, decision, origin);
      rejudgeTriage(this.db, findingIdsOfPackage(this.db, decision.ecosystem, decision.name), decision.at);
      return id;
    })();
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

  // Known exploited vulnerabilities (store/known-exploited.ts).

  /** Replaces the stored KEV catalog, atomically. */
  importKnownExploited(entries: readonly KnownExploited[], info: KevCatalogInfo): void {
    this.db.transaction(() => replaceKnownExploited(this.db, entries, info))();
    this.kev = undefined;
  }

  /** The imported KEV catalog by CVE id; empty when none was imported. */
  knownExploited(): ReadonlyMap<string, KnownExploited> {
    this.kev ??= loadKnownExploited(this.db);
    return this.kev;
  }

  knownExploitedInfo(): KevCatalogInfo | undefined {
    return knownExploitedInfo(this.db);
  }
}
