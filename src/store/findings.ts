import type Database from 'better-sqlite3';
import { codeFindingId, dependencyFindingId } from '../model/fingerprint.js';
import type { CloseReason, NewReason, StoredFinding } from '../model/records.js';
import { coveredByAny } from '../model/scope.js';
import type { Finding, FindingState, StageFailure, Transition } from '../model/types.js';

/** A finding as a stage produced it, with what the store needs to name it. */
export interface IncomingFinding {
  finding: Finding;
  /** Code findings: the location fingerprint (sarif/identity.ts). */
  codeFingerprint?: string;
}

export interface InventorySnapshot {
  /** Lockfiles read completely this run, with the purls they hold. */
  lockfiles: Map<string, string[]>;
  /** Lockfiles that could not be read: their previous inventory is kept. */
  failed: string[];
}

export interface ReconcileInput {
  runId: string;
  target: string;
  at: string;
  commit?: string;
  findings: IncomingFinding[];
  /** Stages or files that failed or were not looked at: the findings their scopes cover keep their state. */
  failures: StageFailure[];
  /**
   * Code tools (lowercased Finding.source) whose output was read this run. When given, a code
   * finding of any other tool keeps its state: only a result leaving its tool's output fixes it.
   */
  tools?: readonly string[];
  inventory?: InventorySnapshot;
  /** Finding sources (tools) whose version changed since the target's previous scan. */
  changedTools?: readonly string[];
}

export interface FindingRow {
  id: string;
  target: string;
  kind: string;
  source: string;
  state: FindingState;
  first_seen: string;
  last_seen: string;
  first_commit: string | null;
  last_commit: string | null;
  fixed_at: string | null;
  last_transition: Transition;
  new_reason: NewReason | null;
  last_run_id: string;
  data: string;
  closed_reason?: CloseReason | null;
}

export function rowToFinding(row: FindingRow): StoredFinding {
  const finding = JSON.parse(row.data) as Finding;
  return {
    ...finding,
    id: row.id,
    target: row.target,
    state: row.state,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    firstCommit: row.first_commit ?? undefined,
    lastCommit: row.last_commit ?? undefined,
    fixedAt: row.fixed_at ?? undefined,
    ...(row.state === 'fixed' ? { closedReason: row.closed_reason ?? 'fixed' } : {}),
    lastTransition: row.last_transition,
    newReason: row.new_reason ?? undefined,
  };
}

/** True when a failed or unread stage covers this finding, so its absence proves nothing. */
export function isProtected(finding: Finding, failures: readonly StageFailure[], tools?: readonly string[]): boolean {
  if (coveredByAny(failures, finding)) return true;
  return finding.kind === 'code' && tools !== undefined && !tools.includes(finding.source.toLowerCase());
}

function vulnerabilityIds(finding: Finding): string[] {
  const vulnerability = finding.vulnerability;
  return vulnerability ? [vulnerability.id, ...vulnerability.aliases] : [];
}

/**
 * Folds one target's findings of one run into the store: new, unchanged, reopened, fixed.
 * Runs in the caller's transaction. Returns every finding this run touched, with the transition
 * it made.
 */
export function reconcileTarget(db: Database.Database, input: ReconcileInput): StoredFinding[] {
  const { target, at, runId, commit } = input;
  const seenBefore = db.prepare('SELECT 1 FROM targets WHERE name = ?').get(target) !== undefined;
  if (seenBefore) {
    db.prepare('UPDATE targets SET last_scanned_at = ? WHERE name = ?').run(at, target);
  } else {
    db.prepare('INSERT INTO targets (name, first_scanned_at, last_scanned_at) VALUES (?, ?, ?)').run(target, at, at);
  }

  const previousInventory = new Set(
    (db.prepare('SELECT lockfile, purl FROM inventory WHERE target = ?').all(target) as Array<{ lockfile: string; purl: string }>).map(
      (row) => `${row.lockfile}\0${row.purl}`,
    ),
  );

  const findKeys = db.prepare(
    `SELECT k.finding_id AS id, f.first_seen AS firstSeen FROM dependency_keys k JOIN findings f ON f.id = k.finding_id
     WHERE k.target = ? AND k.ecosystem = ? AND k.name = ? AND k.lockfile = ? AND k.vulnerability_id = ?`,
  );
  const insertKey = db.prepare(
    'INSERT OR IGNORE INTO dependency_keys (target, ecosystem, name, lockfile, vulnerability_id, finding_id) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const getFinding = db.prepare('SELECT * FROM findings WHERE id = ?');
  const insertFinding = db.prepare(
    `INSERT INTO findings (id, target, kind, source, state, first_seen, last_seen, first_commit, last_commit, fixed_at,
       last_transition, new_reason, last_run_id, data, line_key)
     VALUES (@id, @target, @kind, @source, 'open', @at, @at, @commit, @commit, NULL, 'new', @reason, @runId, @data, @lineKey)`,
  );
  const updateSeen = db.prepare(
    `UPDATE findings SET state = 'open', last_seen = @at, last_commit = @commit, fixed_at = NULL, closed_reason = NULL,
       last_transition = @transition, new_reason = CASE WHEN @transition = 'unchanged' THEN new_reason ELSE @reason END,
       last_run_id = @runId, data = @data, line_key = @lineKey
     WHERE id = @id`,
  );
  const markFixed = db.prepare(
    `UPDATE findings SET state = 'fixed', fixed_at = @at, closed_reason = @closed, last_transition = 'fixed', last_run_id = @runId WHERE id = @id`,
  );
  const observe = db.prepare(
    `INSERT OR REPLACE INTO observations (run_id, finding_id, target, at, commit_sha, transition, reason)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );

  // Name every incoming finding; two results that name the same problem are one finding.
  const incoming = new Map<string, Finding>();
  const batchKeys = new Map<string, string>();
  for (const { finding, codeFingerprint } of input.findings) {
    let id: string;
    if (finding.kind === 'dependency' && finding.package && finding.vulnerability) {
      const pkg = finding.package;
      const lockfile = finding.location.path;
      const ids = vulnerabilityIds(finding);
      const known = ids
        .map((vulnerabilityId) => findKeys.get(target, pkg.ecosystem, pkg.name, lockfile, vulnerabilityId) as { id: string; firstSeen: string } | undefined)
        .filter((row): row is { id: string; firstSeen: string } => row !== undefined)
        .sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.id.localeCompare(b.id));
      const keyOf = (vulnerabilityId: string) => [pkg.ecosystem, pkg.name, lockfile, vulnerabilityId].join('\0');
      // Results of this same run that alias each other name one finding too.
      const inBatch = ids.map((vulnerabilityId) => batchKeys.get(keyOf(vulnerabilityId))).find((known) => known !== undefined);
      id = known[0]?.id ?? inBatch ?? dependencyFindingId(target, pkg.ecosystem, pkg.name, lockfile, finding.vulnerability.id);
      for (const vulnerabilityId of ids) if (!batchKeys.has(keyOf(vulnerabilityId))) batchKeys.set(keyOf(vulnerabilityId), id);
      const stored = known[0] ? (getFinding.get(id) as FindingRow | undefined) : undefined;
      if (stored) {
        // Report under the id it was first stored under; everything else is an alias.
        const storedId = (JSON.parse(stored.data) as Finding).vulnerability?.id;
        if (storedId && storedId !== finding.vulnerability.id) {
          const aliases = new Set(ids);
          aliases.delete(storedId);
          finding.vulnerability = { ...finding.vulnerability, id: storedId, aliases: [...aliases].sort() };
        }
      }
    } else {
      const ruleId = finding.rule?.id ?? finding.title;
      id = codeFindingId(target, finding.source, ruleId, finding.location.path, codeFingerprint ?? `${finding.location.startLine ?? 0}`);
    }
    const existing = incoming.get(id);
    if (existing?.vulnerability && finding.vulnerability) {
      const aliases = new Set([...existing.vulnerability.aliases, ...vulnerabilityIds(finding)]);
      aliases.delete(existing.vulnerability.id);
      existing.vulnerability.aliases = [...aliases].sort();
      continue;
    }
    if (!existing) incoming.set(id, finding);
  }

  relinkDriftedCode(db, target, incoming);

  const touched: string[] = [];
  for (const [id, finding] of incoming) {
    const row = getFinding.get(id) as FindingRow | undefined;
    const data = JSON.stringify(finding);
    let transition: Transition;
    let reason: NewReason | null;
    if (!row) {
      transition = 'new';
      reason = newReason(finding, seenBefore, previousInventory, input.changedTools ?? []);
      insertFinding.run({ id, target, kind: finding.kind, source: finding.source, at, commit: commit ?? null, reason, runId, data, lineKey: finding.lineKey ?? null });
    } else {
      transition = row.state === 'fixed' ? 'reopened' : 'unchanged';
      reason = transition === 'reopened' ? 'reopened' : null;
      updateSeen.run({ id, at, commit: commit ?? null, transition, reason, runId, data, lineKey: finding.lineKey ?? null });
    }
    if (finding.kind === 'dependency' && finding.package) {
      for (const vulnerabilityId of vulnerabilityIds(finding)) {
        insertKey.run(target, finding.package.ecosystem, finding.package.name, finding.location.path, vulnerabilityId, id);
      }
    }
    observe.run(runId, id, target, at, commit ?? null, transition, reason);
    touched.push(id);
  }

  // Open findings this run did not see are closed, unless a failed or unread stage covers them.
  const open = db.prepare("SELECT * FROM findings WHERE target = ? AND state = 'open'").all(target) as FindingRow[];
  for (const row of open) {
    if (incoming.has(row.id)) continue;
    const finding = JSON.parse(row.data) as Finding;
    if (isProtected(finding, input.failures, input.tools)) continue;
    const closed = closeReason(finding, input.inventory);
    markFixed.run({ id: row.id, at, runId, closed });
    observe.run(runId, row.id, target, at, commit ?? null, 'fixed', closed === 'withdrawn' ? 'withdrawn' : null);
    touched.push(row.id);
  }

  if (input.inventory) saveInventory(db, target, input.inventory);

  return touched.map((id) => rowToFinding(getFinding.get(id) as FindingRow));
}

/**
 * Why an absent dependency finding closes. When this run read its lockfile and the very same
 * package version is still there, the package did not leave the affected range: the advisory no
 * longer matches it (withdrawn, removed from the data, or its ranges narrowed). That is not a fix.
 */
function closeReason(finding: Finding, inventory: InventorySnapshot | undefined): CloseReason {
  if (finding.kind !== 'dependency' || !finding.package || !inventory) return 'fixed';
  const purls = inventory.lockfiles.get(finding.location.path);
  return purls?.includes(finding.package.purl) ? 'withdrawn' : 'fixed';
}

/**
 * A code finding whose location fingerprint changed (an edit on a nearby line changes GitHub's
 * line hash, which spans the following lines when the flagged one is short) keeps its identity
 * when an open finding of the same tool, rule and path flagged a line with the same own text:
 * the nearest such line wins, as DefectDojo's location-drift matching does. Ids already matched
 * exactly in this run are never taken.
 */
function relinkDriftedCode(db: Database.Database, target: string, incoming: Map<string, Finding>): void {
  const known = db.prepare('SELECT 1 FROM findings WHERE id = ?');
  const candidatesOf = db.prepare("SELECT id, data FROM findings WHERE target = ? AND line_key = ? AND state = 'open' AND kind = 'code'");
  const drifted = [...incoming].filter(([id, finding]) => finding.kind === 'code' && finding.lineKey && known.get(id) === undefined);
  if (drifted.length === 0) return;
  const taken = new Set(incoming.keys());
  for (const [id, finding] of drifted) {
    const rows = candidatesOf.all(target, finding.lineKey) as Array<{ id: string; data: string }>;
    const line = finding.location.startLine ?? 0;
    let best: { id: string; distance: number } | undefined;
    for (const row of rows) {
      if (taken.has(row.id)) continue;
      const stored = JSON.parse(row.data) as Finding;
      if (stored.source !== finding.source || (stored.rule?.id ?? stored.title) !== (finding.rule?.id ?? finding.title) || stored.location.path !== finding.location.path) continue;
      const distance = Math.abs((stored.location.startLine ?? 0) - line);
      if (!best || distance < best.distance || (distance === best.distance && row.id < best.id)) best = { id: row.id, distance };
    }
    if (!best) continue;
    taken.add(best.id);
    taken.delete(id);
    incoming.delete(id);
    incoming.set(best.id, finding);
  }
}

function newReason(finding: Finding, targetSeenBefore: boolean, previousInventory: Set<string>, changedTools: readonly string[]): NewReason {
  if (!targetSeenBefore) return 'new-target';
  if (finding.kind === 'dependency') {
    const purl = finding.package?.purl ?? '';
    return previousInventory.has(`${finding.location.path}\0${purl}`) ? 'new-advisory' : 'dependency-change';
  }
  // A tool upgrade can bring new rules or new findings in code that did not change.
  return changedTools.includes(finding.source) ? 'tool-change' : 'code-change';
}

function saveInventory(db: Database.Database, target: string, inventory: InventorySnapshot): void {
  const keep = new Set(inventory.failed);
  const existing = db.prepare('SELECT DISTINCT lockfile FROM inventory WHERE target = ?').all(target) as Array<{ lockfile: string }>;
  const remove = db.prepare('DELETE FROM inventory WHERE target = ? AND lockfile = ?');
  for (const { lockfile } of existing) if (!keep.has(lockfile)) remove.run(target, lockfile);
  const insert = db.prepare('INSERT OR IGNORE INTO inventory (target, lockfile, purl) VALUES (?, ?, ?)');
  for (const [lockfile, purls] of inventory.lockfiles) for (const purl of purls) insert.run(target, lockfile, purl);
}

export interface FindingFilter {
  target?: string;
  state?: FindingState;
  /** Only findings whose latest transition is one of these. */
  transitions?: Transition[];
}

/** The WHERE clause (empty or `WHERE …`) and its parameters for a filter over `findings`. */
export function findingWhere(filter: FindingFilter): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.target) {
    clauses.push('target = ?');
    params.push(filter.target);
  }
  if (filter.state) {
    clauses.push('state = ?');
    params.push(filter.state);
  }
  if (filter.transitions?.length) {
    clauses.push(`last_transition IN (${filter.transitions.map(() => '?').join(', ')})`);
    params.push(...filter.transitions);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

export function listFindings(db: Database.Database, filter: FindingFilter = {}): StoredFinding[] {
  const { where, params } = findingWhere(filter);
  const rows = db.prepare(`SELECT * FROM findings ${where} ORDER BY target, id`).all(...params) as FindingRow[];
  return rows.map(rowToFinding);
}

export function getFindingById(db: Database.Database, id: string): StoredFinding | undefined {
  const row = db.prepare('SELECT * FROM findings WHERE id = ?').get(id) as FindingRow | undefined;
  return row ? rowToFinding(row) : undefined;
}
