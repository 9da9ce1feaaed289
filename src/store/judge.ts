/**
 * The judged finding, decided once in the store: rules (severity overrides, ignores, alert-only-on
 * filters), triage (the finding's own decision, else a fleet decision) and in-source suppressions
 * are applied when a target is recorded and when a decision is made, and kept with the finding.
 * Every output reads `judgedFindings`, which drops a suppression whose `until` has passed at the
 * time of reading, so a decision's expiry reaches every output at once.
 */
import type Database from 'better-sqlite3';
import { isExpired, untilEnd } from '../model/dates.js';
import { IN_SOURCE_RULE, type Policy, type Verdict } from '../model/judgement.js';
import type { FindingEvent, NewReason, StoredFinding, SuppressionRecord, TriageRecord } from '../model/records.js';
import type { Severity, Transition } from '../model/types.js';
import { findingWhere, rowToFinding, type FindingFilter, type FindingRow } from './findings.js';
import { effectiveTriage } from './triage.js';
import { loadKnownExploited } from './known-exploited.js';
import { attachKnownExploited } from '../model/known-exploited.js';

export interface JudgedRow extends FindingRow {
  severity: Severity | null;
  categories: string | null;
  rule_suppression: string | null;
  suppression: string | null;
  suppressed_until: number | null;
  triage: string | null;
}

type EffectiveTriage = TriageRecord & { source: string };

/** The suppression in force at `at`: an active ignore rule, else an active triage decision, else the code's own. */
export function effectiveSuppression(
  rule: SuppressionRecord | undefined,
  triage: EffectiveTriage | TriageRecord | undefined,
  inSource: boolean | undefined,
  at: string,
): SuppressionRecord | undefined {
  if (rule && !isExpired(rule.until, at)) return rule;
  if (triage && triage.status !== 'open' && !isExpired(triage.until, at)) {
    const source = 'source' in triage ? triage.source : undefined;
    return { rule: triage.scope === 'fleet' && source ? `triage ${source}` : 'triage', reason: triage.reason, ...(triage.until ? { until: triage.until } : {}) };
  }
  if (inSource) return { rule: IN_SOURCE_RULE, reason: 'suppressed in source' };
  return undefined;
}

const parse = <T>(text: string | null): T | undefined => (text ? (JSON.parse(text) as T) : undefined);

/** A stored row as every output sees it at `at`. */
export function judgedRowToFinding(row: JudgedRow, at: string): StoredFinding {
  const finding = rowToFinding(row);
  if (row.severity) finding.severity = row.severity;
  const categories = parse<string[]>(row.categories);
  if (categories) finding.categories = categories;
  const triage = parse<TriageRecord>(row.triage);
  if (triage) finding.triage = triage;
  // The rule's verdict is as of the finding's latest run; triage and expiry are as of `at`.
  const suppression = effectiveSuppression(parse<SuppressionRecord>(row.rule_suppression), triage, finding.suppressedInSource, at);
  if (suppression) finding.suppression = suppression;
  else delete finding.suppression;
  return finding;
}

export interface JudgedFilter extends FindingFilter {
  /** Only findings (not) suppressed at the time of reading. */
  suppressed?: boolean;
}

/**
 * Each row as the finding JSON it stands for, built by SQLite and parsed once as one array: on
 * 100,000 findings this is several times faster than materialising rows with twenty columns.
 * `json_patch` drops the keys whose value is NULL.
 */
const JUDGED_JSON = `json_patch(data, json_object(
  'id', id, 'target', target, 'state', state, 'firstSeen', first_seen, 'lastSeen', last_seen,
  'firstCommit', first_commit, 'lastCommit', last_commit, 'fixedAt', fixed_at,
  'closedReason', CASE WHEN state = 'fixed' THEN coalesce(closed_reason, 'fixed') END,
  'lastTransition', last_transition, 'newReason', new_reason,
  'severity', coalesce(severity, json_extract(data, '$.severity')),
  'categories', json(categories), 'triage', json(triage), 'ruleSuppression', json(rule_suppression)))`;

/** THE judged query: stored findings with effective severity, triage and suppression at `at`. */
export function judgedFindings(db: Database.Database, filter: JudgedFilter, at: string): StoredFinding[] {
  const { where, params } = findingWhere(filter);
  const row = db.prepare(`SELECT json_group_array(json(item)) AS list FROM (SELECT ${JUDGED_JSON} AS item FROM findings ${where} ORDER BY target, id)`).get(...params) as {
    list: string;
  };
  const findings = JSON.parse(row.list) as Array<StoredFinding & { ruleSuppression?: SuppressionRecord }>;
  const judged: StoredFinding[] = [];
  for (const finding of findings) {
    // The rule's verdict is as of the finding's latest run; triage and expiry are as of `at`.
    const suppression = effectiveSuppression(finding.ruleSuppression, finding.triage, finding.suppressedInSource, at);
    delete finding.ruleSuppression;
    if (suppression) finding.suppression = suppression;
    if (filter.suppressed === undefined || (suppression !== undefined) === filter.suppressed) judged.push(finding);
  }
  return judged;
}

export function judgedFinding(db: Database.Database, id: string, at: string): StoredFinding | undefined {
  const row = db.prepare('SELECT * FROM findings WHERE id = ?').get(id) as JudgedRow | undefined;
  return row ? judgedRowToFinding(row, at) : undefined;
}

function saveJudgement(db: Database.Database) {
  const update = db.prepare(
    `UPDATE findings SET severity = @severity, categories = @categories, rule_suppression = @rule, suppression = @suppression,
       suppressed_until = @until, triage = @triage WHERE id = @id`,
  );
  return (finding: StoredFinding, rule: SuppressionRecord | undefined, triage: TriageRecord | undefined, suppression: SuppressionRecord | undefined) =>
    update.run({
      id: finding.id,
      severity: finding.severity,
      categories: finding.categories ? JSON.stringify(finding.categories) : null,
      rule: rule ? JSON.stringify(rule) : null,
      suppression: suppression ? JSON.stringify(suppression) : null,
      until: suppression?.until ? (untilEnd(suppression.until) ?? 0) : null,
      triage: triage ? JSON.stringify(triage) : null,
    });
}

export interface JudgeRun {
  runId: string;
  target: { name: string; key: string };
  at: string;
}

/**
 * Judges a target's open findings and those this run closed, at the run's time, and stores the
 * judgement. A finding whose triage decision or silencing ignore rule has expired alerts again
 * exactly once (newReason 'triage-expired'); the store remembers that it did. Runs in the
 * caller's transaction. Returns the judged findings in the order given.
 */
export function judgeTarget(db: Database.Database, run: JudgeRun, policy: Policy | undefined, given: StoredFinding[], touchedIds: ReadonlySet<string>): StoredFinding[] {
  const { runId, at } = run;
  // Known exploited comes from the imported KEV catalog, so rules can match on it.
  const findings = attachKnownExploited(given, loadKnownExploited(db));
  const verdicts: Verdict[] = policy
    ? policy.judge(run.target, findings, at)
    : findings.map((finding) => ({ finding: { ...finding, categories: finding.categories ?? [] }, expired: [] }));
  const triage = effectiveTriage(db, findings);
  const save = saveJudgement(db);
  const remember = db.prepare('INSERT OR IGNORE INTO rule_suppressions (finding_id, rule, until, first_at) VALUES (?, ?, ?, ?)');
  const flag = db.prepare('UPDATE observations SET suppressed = ? WHERE run_id = ? AND finding_id = ?');
  const suppressedBy = db.prepare('SELECT 1 FROM rule_suppressions WHERE finding_id = ? AND rule = ? AND until = ?');
  const alerted = db.prepare('SELECT 1 FROM expiry_alerts WHERE finding_id = ? AND source = ? AND until = ?');
  const markAlerted = db.prepare('INSERT OR IGNORE INTO expiry_alerts (finding_id, source, until, run_id, at) VALUES (?, ?, ?, ?, ?)');
  const markObservation = db.prepare("UPDATE observations SET reason = 'triage-expired', alerted = 1 WHERE run_id = ? AND finding_id = ?");

  return verdicts.map((verdict) => {
    const finding = verdict.finding;
    const rule = finding.suppression;
    const decision = triage.get(finding.id);
    let record: TriageRecord | undefined;
    if (decision) {
      const { source: _source, ...rest } = decision;
      record = rest;
      finding.triage = record;
    }
    const suppression = effectiveSuppression(rule, decision, finding.suppressedInSource, at);
    if (suppression) finding.suppression = suppression;
    else delete finding.suppression;

    if (finding.state === 'open' && touchedIds.has(finding.id) && !suppression) {
      const expiries: Array<{ source: string; until: string }> = [];
      if (decision && decision.status !== 'open' && decision.until && isExpired(decision.until, at)) expiries.push({ source: decision.source, until: decision.until });
      for (const expired of verdict.expired) {
        if (suppressedBy.get(finding.id, expired.rule, expired.until)) expiries.push({ source: `rule:${expired.rule}`, until: expired.until });
      }
      const fresh = expiries.filter((expiry) => !alerted.get(finding.id, expiry.source, expiry.until));
      if (fresh.length) {
        for (const expiry of fresh) markAlerted.run(finding.id, expiry.source, expiry.until, runId, at);
        markObservation.run(runId, finding.id);
        // A new or reopened finding alerts for that reason already; an unchanged one alerts for this.
        if (finding.lastTransition === 'unchanged') finding.newReason = 'triage-expired';
      }
    }
    if (verdict.ignoredBy?.until) remember.run(finding.id, verdict.ignoredBy.rule, verdict.ignoredBy.until, at);
    save(finding, rule, record, suppression);
    if (touchedIds.has(finding.id)) flag.run(suppression ? 1 : 0, runId, finding.id);
    return finding;
  });
}

/**
 * Judges findings again after a triage decision, at the decision's time: the rules' verdict of
 * their latest run stays, triage is looked up anew. Runs in the caller's transaction.
 */
export function rejudgeTriage(db: Database.Database, ids: readonly string[], at: string): void {
  const get = db.prepare('SELECT * FROM findings WHERE id = ?');
  const rows = ids.map((id) => get.get(id) as JudgedRow | undefined).filter((row): row is JudgedRow => row !== undefined);
  const findings = rows.map((row) => judgedRowToFinding(row, at));
  const triage = effectiveTriage(db, findings);
  const save = saveJudgement(db);
  rows.forEach((row, index) => {
    const finding = findings[index]!;
    const rule = parse<SuppressionRecord>(row.rule_suppression);
    const decision = triage.get(finding.id);
    let record: TriageRecord | undefined;
    if (decision) {
      const { source: _source, ...rest } = decision;
      record = rest;
    }
    save(finding, rule, record, effectiveSuppression(rule, decision, finding.suppressedInSource, at));
  });
}

/** Ids of the dependency findings of a package in every target: what a fleet decision can cover. */
export function findingIdsOfPackage(db: Database.Database, ecosystem: string, name: string): string[] {
  const rows = db
    .prepare("SELECT id FROM findings WHERE kind = 'dependency' AND json_extract(data, '$.package.ecosystem') = ? AND json_extract(data, '$.package.name') = ?")
    .all(ecosystem, name) as Array<{ id: string }>;
  return rows.map((row) => row.id);
}

/**
 * The rows of the weekly diff within [since, until): new, reopened, fixed and withdrawn findings,
 * and decisions that expired (as reopened, reason 'triage-expired'), each finding as judged at `until`.
 */
export function judgedEvents(db: Database.Database, since: string, until: string): FindingEvent[] {
  const rows = db
    .prepare(
      `SELECT o.run_id, o.at, o.target, o.commit_sha, o.transition, o.reason, f.*
       FROM observations o JOIN findings f ON f.id = o.finding_id
       WHERE o.at >= ? AND o.at < ? AND (o.transition != 'unchanged' OR o.reason = 'triage-expired')
       ORDER BY o.at, o.target, o.finding_id`,
    )
    .all(since, until) as Array<JudgedRow & { run_id: string; at: string; commit_sha: string | null; transition: Transition; reason: string | null }>;
  return rows.map((row) => {
    const transition: FindingEvent['transition'] =
      row.transition === 'unchanged' ? 'reopened' : row.transition === 'fixed' && row.reason === 'withdrawn' ? 'withdrawn' : row.transition;
    return {
      runId: row.run_id,
      at: row.at,
      target: row.target,
      commit: row.commit_sha ?? undefined,
      transition,
      reason: row.reason && row.reason !== 'withdrawn' ? (row.reason as NewReason) : undefined,
      finding: judgedRowToFinding(row, until),
    };
  });
}
