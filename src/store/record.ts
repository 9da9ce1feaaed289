/**
 * The one record path: scan, merge and import-sarif all fold a target's evidence into the store
 * through `recordTarget`. In one transaction it reconciles identities (new, unchanged, reopened,
 * fixed, withdrawn), judges the target's findings with the rules and triage at the run's time,
 * stores that judgement, and records the target's scan with its counts. A run killed at any
 * moment leaves either all of it or none of it.
 */
import type Database from 'better-sqlite3';
import type { Policy } from '../model/judgement.js';
import type { StoredFinding, TargetScanRecord } from '../model/records.js';
import type { StageFailure, TransitionCounts } from '../model/types.js';
import { reconcileTarget, rowToFinding, type FindingRow, type IncomingFinding, type InventorySnapshot } from './findings.js';
import { judgeTarget } from './judge.js';
import { saveTargetScan } from './runs.js';

export interface TargetEvidenceInput {
  runId: string;
  /** `key` is the target's name in the store; `name` is what rules scope by. */
  target: { name: string; key: string };
  /** The run's time for this target: triage and ignore expiries are judged at it. */
  at: string;
  startedAt: string;
  commit?: string;
  repo?: string;
  ref?: string;
  subject?: string;
  findings: IncomingFinding[];
  /** Stages or files that failed: the target is partial, and what they cover keeps its state. */
  failures: StageFailure[];
  /** Not failures, but what they cover keeps its state (packages that could not be judged, data not looked at). */
  keepOpen?: StageFailure[];
  /** Set when nothing could be looked at: every finding keeps its state and the target failed. */
  fatal?: StageFailure;
  /** Code tools whose output was read: only their absent findings can be fixed. */
  tools?: readonly string[];
  inventory?: InventorySnapshot;
  /** Finding sources (tools) whose version changed since the target's previous scan. */
  changedTools?: readonly string[];
}

export interface RecordedTarget {
  scan: TargetScanRecord;
  /** Every finding this run touched, judged. */
  touched: StoredFinding[];
  /** The target's open findings after this run, judged. */
  open: StoredFinding[];
  /** What alerts: new, reopened or expired-triage findings that are open and not suppressed. */
  alerts: StoredFinding[];
}

export function emptyCounts(): TransitionCounts {
  return { new: 0, unchanged: 0, fixed: 0, reopened: 0, withdrawn: 0, suppressed: 0, open: 0 };
}

export function isAlert(finding: StoredFinding): boolean {
  return (
    finding.state === 'open' &&
    !finding.suppression &&
    (finding.lastTransition === 'new' || finding.lastTransition === 'reopened' || finding.newReason === 'triage-expired')
  );
}

function ensureTarget(db: Database.Database, name: string, at: string): void {
  if (db.prepare('SELECT 1 FROM targets WHERE name = ?').get(name)) return;
  db.prepare('INSERT INTO targets (name, first_scanned_at, last_scanned_at) VALUES (?, ?, ?)').run(name, at, at);
}

export function recordTarget(db: Database.Database, evidence: TargetEvidenceInput, policy: Policy | undefined): RecordedTarget {
  return db.transaction((): RecordedTarget => {
    const { runId, at, target } = evidence;
    const base = {
      runId,
      target: target.key,
      repo: evidence.repo,
      ref: evidence.ref,
      commit: evidence.commit,
      subject: evidence.subject,
      startedAt: evidence.startedAt,
      finishedAt: at,
    };
    const openRows = () => db.prepare("SELECT * FROM findings WHERE target = ? AND state = 'open' ORDER BY id").all(target.key) as FindingRow[];

    if (evidence.fatal) {
      // Nothing was looked at, so nothing changes state.
      ensureTarget(db, target.key, at);
      const counts = emptyCounts();
      counts.open = openRows().length;
      const scan: TargetScanRecord = { ...base, status: 'failed', errors: [...evidence.failures, evidence.fatal], counts };
      saveTargetScan(db, scan);
      return { scan, touched: [], open: [], alerts: [] };
    }

    const touchedRaw = reconcileTarget(db, {
      runId,
      target: target.key,
      at,
      commit: evidence.commit,
      findings: evidence.findings,
      failures: [...evidence.failures, ...(evidence.keepOpen ?? [])],
      tools: evidence.tools,
      inventory: evidence.inventory,
      changedTools: evidence.changedTools,
    });
    const touchedIds = new Set(touchedRaw.map((finding) => finding.id));
    const open = openRows().map(rowToFinding);
    const openIds = new Set(open.map((finding) => finding.id));
    const judged = judgeTarget(db, { runId, target, at }, policy, [...open, ...touchedRaw.filter((finding) => !openIds.has(finding.id))], touchedIds);
    const byId = new Map(judged.map((finding) => [finding.id, finding]));
    const touched = touchedRaw.map((finding) => byId.get(finding.id) ?? finding);
    const judgedOpen = open.map((finding) => byId.get(finding.id) ?? finding);

    const counts = emptyCounts();
    for (const finding of touched) {
      if (finding.lastTransition === 'fixed' && finding.closedReason === 'withdrawn') counts.withdrawn += 1;
      else counts[finding.lastTransition] += 1;
    }
    counts.open = judgedOpen.length;
    counts.suppressed = judgedOpen.filter((finding) => finding.suppression).length;
    const scan: TargetScanRecord = { ...base, status: evidence.failures.length ? 'partial' : 'ok', errors: evidence.failures, counts };
    saveTargetScan(db, scan);
    return { scan, touched, open: judgedOpen, alerts: touched.filter(isAlert) };
  })();
}
