/**
 * Triage decisions in the store: per finding, or keyed on a vulnerability (any alias) and package
 * across targets (fleet), each change kept in triage_history. Also what policy made of each
 * finding in its latest run, and which expiries have alerted already.
 */
import type Database from 'better-sqlite3';
import picomatch from 'picomatch';
import { createHash } from 'node:crypto';
import type { StoredFinding, TriageRecord } from '../model/records.js';
import type { TriageStatus } from '../model/types.js';

export interface TriageDecision {
  status: TriageStatus;
  reason: string;
  until?: string;
  by: string;
  at: string;
  justification?: string;
}

/** A decision that covers every finding of a vulnerability in a package, optionally narrowed. */
export interface FleetDecision extends TriageDecision {
  id?: string;
  /** The vulnerability id and its aliases; a finding matches when any of its ids is here. */
  vulnerabilityIds: string[];
  ecosystem: string;
  name: string;
  /** Only this version of the package (VEX statements are about versions). */
  version?: string;
  /** Only this target (store key). */
  target?: string;
  /** Only findings whose path matches this glob. */
  path?: string;
}

export interface TriageHistoryEntry extends TriageDecision {
  scope: 'finding' | 'fleet';
  key: string;
  origin?: string;
}

interface TriageRow {
  finding_id: string;
  status: TriageStatus;
  reason: string;
  until: string | null;
  by: string;
  at: string;
  justification: string | null;
}

interface FleetRow extends Omit<TriageRow, 'finding_id'> {
  id: string;
  vulnerability_ids: string;
  ecosystem: string;
  name: string;
  version: string | null;
  target: string | null;
  path: string | null;
}

function record(row: Omit<TriageRow, 'finding_id'>, scope: 'finding' | 'fleet'): TriageRecord {
  return {
    status: row.status,
    reason: row.reason,
    ...(row.until ? { until: row.until } : {}),
    by: row.by,
    at: row.at,
    ...(row.justification ? { justification: row.justification } : {}),
    scope,
  };
}

function addHistory(db: Database.Database, scope: 'finding' | 'fleet', key: string, decision: TriageDecision, origin?: string): void {
  db.prepare(
    `INSERT INTO triage_history (scope, key, status, reason, until, by, at, justification, origin)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(scope, key, decision.status, decision.reason, decision.until ?? null, decision.by, decision.at, decision.justification ?? null, origin ?? null);
}

/** Records a decision on one finding; the previous one stays in the history. */
export function setFindingTriage(db: Database.Database, findingId: string, decision: TriageDecision, origin?: string): void {
  db.prepare(
    `INSERT INTO triage (finding_id, status, reason, until, by, at, justification) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (finding_id) DO UPDATE SET status = excluded.status, reason = excluded.reason, until = excluded.until,
       by = excluded.by, at = excluded.at, justification = excluded.justification`,
  ).run(findingId, decision.status, decision.reason, decision.until ?? null, decision.by, decision.at, decision.justification ?? null);
  addHistory(db, 'finding', findingId, decision, origin);
}

const upper = (ids: readonly string[]) => [...new Set(ids.map((id) => id.toUpperCase()))].sort();

/**
 * Records a fleet decision. One with the same package, narrowing and an overlapping vulnerability
 * id is the same decision and is replaced (its ids merged), so re-deciding never piles up rows.
 */
export function setFleetTriage(db: Database.Database, decision: FleetDecision, origin?: string): string {
  const ids = upper(decision.vulnerabilityIds);
  const rows = db
    .prepare('SELECT * FROM fleet_triage WHERE ecosystem = ? AND name = ? AND version IS ? AND target IS ? AND path IS ?')
    .all(decision.ecosystem, decision.name, decision.version ?? null, decision.target ?? null, decision.path ?? null) as FleetRow[];
  const same = rows.find((row) => (JSON.parse(row.vulnerability_ids) as string[]).some((id) => ids.includes(id)));
  const merged = same ? upper([...(JSON.parse(same.vulnerability_ids) as string[]), ...ids]) : ids;
  const id =
    same?.id ??
    `fleet-${createHash('sha256')
      .update([ids[0], decision.ecosystem, decision.name, decision.version ?? '', decision.target ?? '', decision.path ?? ''].join('\0'))
      .digest('hex')
      .slice(0, 16)}`;
  db.prepare(
    `INSERT INTO fleet_triage (id, vulnerability_ids, ecosystem, name, version, target, path, status, reason, until, by, at, justification)
     VALUES (@id, @ids, @ecosystem, @name, @version, @target, @path, @status, @reason, @until, @by, @at, @justification)
     ON CONFLICT (id) DO UPDATE SET vulnerability_ids = excluded.vulnerability_ids, status = excluded.status, reason = excluded.reason,
       until = excluded.until, by = excluded.by, at = excluded.at, justification = excluded.justification`,
  ).run({
    id,
    ids: JSON.stringify(merged),
    ecosystem: decision.ecosystem,
    name: decision.name,
    version: decision.version ?? null,
    target: decision.target ?? null,
    path: decision.path ?? null,
    status: decision.status,
    reason: decision.reason,
    until: decision.until ?? null,
    by: decision.by,
    at: decision.at,
    justification: decision.justification ?? null,
  });
  addHistory(db, 'fleet', id, decision, origin);
  return id;
}

export function listFleetDecisions(db: Database.Database): FleetDecision[] {
  return (db.prepare('SELECT * FROM fleet_triage ORDER BY at, id').all() as FleetRow[]).map((row) => ({
    id: row.id,
    vulnerabilityIds: JSON.parse(row.vulnerability_ids) as string[],
    ecosystem: row.ecosystem,
    name: row.name,
    ...(row.version ? { version: row.version } : {}),
    ...(row.target ? { target: row.target } : {}),
    ...(row.path ? { path: row.path } : {}),
    ...record(row, 'fleet'),
  }));
}

export function triageHistory(db: Database.Database, key?: string): TriageHistoryEntry[] {
  const rows = (key ? db.prepare('SELECT * FROM triage_history WHERE key = ? ORDER BY seq').all(key) : db.prepare('SELECT * FROM triage_history ORDER BY seq').all()) as Array<
    Omit<TriageRow, 'finding_id'> & { scope: 'finding' | 'fleet'; key: string; origin: string | null }
  >;
  return rows.map((row) => ({
    scope: row.scope,
    key: row.key,
    status: row.status,
    reason: row.reason,
    ...(row.until ? { until: row.until } : {}),
    by: row.by,
    at: row.at,
    ...(row.justification ? { justification: row.justification } : {}),
    ...(row.origin ? { origin: row.origin } : {}),
  }));
}

/** How specific a fleet decision is: narrowed ones win over broad ones. */
function specificity(decision: FleetDecision): number {
  return (decision.target ? 4 : 0) + (decision.path ? 2 : 0) + (decision.version ? 1 : 0);
}

/**
 * The decision in force for each finding (a decision with status 'open' included): the finding's
 * own, else the most specific fleet decision that covers it, the latest on a tie.
 */
export function effectiveTriage(db: Database.Database, findings: readonly StoredFinding[]): Map<string, TriageRecord & { source: string }> {
  const result = new Map<string, TriageRecord & { source: string }>();
  if (findings.length === 0) return result;
  const own = new Map((db.prepare('SELECT * FROM triage').all() as TriageRow[]).map((row) => [row.finding_id, row]));
  const fleet = new Map<string, Array<{ decision: FleetDecision; ids: Set<string>; path?: (value: string) => boolean }>>();
  for (const decision of listFleetDecisions(db)) {
    const key = `${decision.ecosystem}\0${decision.name}`;
    const entry = { decision, ids: new Set(decision.vulnerabilityIds), path: decision.path ? picomatch(decision.path, { dot: true }) : undefined };
    const list = fleet.get(key);
    if (list) list.push(entry);
    else fleet.set(key, [entry]);
  }
  for (const finding of findings) {
    const row = own.get(finding.id);
    if (row) {
      result.set(finding.id, { ...record(row, 'finding'), source: 'triage' });
      continue;
    }
    if (!finding.package || !finding.vulnerability) continue;
    const candidates = fleet.get(`${finding.package.ecosystem}\0${finding.package.name}`);
    if (!candidates) continue;
    const ids = [finding.vulnerability.id, ...finding.vulnerability.aliases].map((id) => id.toUpperCase());
    let best: FleetDecision | undefined;
    for (const { decision, ids: decided, path } of candidates) {
      if (!ids.some((id) => decided.has(id))) continue;
      if (decision.version && decision.version !== finding.package.version) continue;
      if (decision.target && decision.target !== finding.target) continue;
      if (path && !path(finding.location.path)) continue;
      if (!best || specificity(decision) > specificity(best) || (specificity(decision) === specificity(best) && decision.at >= best.at)) best = decision;
    }
    if (best) {
      const { status, reason, until, by, at, justification } = best;
      result.set(finding.id, { status, reason, ...(until ? { until } : {}), by, at, ...(justification ? { justification } : {}), scope: 'fleet', source: best.id! });
    }
  }
  return result;
}
