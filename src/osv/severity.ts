import cvss from 'ae-cvss-calculator';
import type { Severity } from '../model/types.js';
import { severityRank } from '../model/types.js';
import type { OsvRecord, OsvSeverity } from './types.js';

/** Severity and, when a CVSS vector gave one, the numeric base score. */
export interface SeverityScore {
  severity: Severity;
  score?: number;
}

/** CVSS v2, v3.0, v3.1 or v4.0 base score of a vector; undefined when the vector cannot be read. */
export function cvssBaseScore(vector: string): number | undefined {
  if (vector.length > 512) return undefined;
  if (scoreCache.has(vector)) return scoreCache.get(vector);
  let score: number | undefined;
  try {
    const parsed = cvss.fromVector(vector.trim()) as { calculateScores(): { base?: number } } | null | undefined;
    const base = parsed?.calculateScores().base;
    score = typeof base === 'number' && Number.isFinite(base) ? base : undefined;
  } catch {
    score = undefined;
  }
  if (scoreCache.size >= SCORE_CACHE_LIMIT) scoreCache.clear();
  scoreCache.set(vector, score);
  return score;
}

/**
 * Scoring a vector costs a fraction of a millisecond and advisories repeat a few hundred distinct
 * vectors, so scores are kept per vector text; the map is dropped whole when it fills.
 */
const scoreCache = new Map<string, number | undefined>();
const SCORE_CACHE_LIMIT = 10_000;

/** CVSS qualitative rating (v3/v4 bands; v2 scores are placed in the same bands). */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'unknown';
}

/** GHSA `database_specific.severity` and Ubuntu priorities, as words. */
function severityFromWord(word: unknown): Severity | undefined {
  if (typeof word !== 'string') return undefined;
  switch (word.trim().toUpperCase()) {
    case 'CRITICAL':
      return 'critical';
    case 'HIGH':
      return 'high';
    case 'MODERATE':
    case 'MEDIUM':
      return 'medium';
    case 'LOW':
    case 'NEGLIGIBLE':
      return 'low';
    default:
      return undefined;
  }
}

/** The more severe of two; on equal severity the higher score wins. */
export function higherSeverity(a: SeverityScore, b: SeverityScore): SeverityScore {
  const rank = severityRank(a.severity) - severityRank(b.severity);
  if (rank !== 0) return rank > 0 ? a : b;
  return (b.score ?? -1) > (a.score ?? -1) ? b : a;
}

function fromSeverityEntries(entries: OsvSeverity[] | undefined, into: SeverityScore): SeverityScore {
  let best = into;
  for (const entry of entries ?? []) {
    if (typeof entry?.score !== 'string') continue;
    if (entry.type.startsWith('CVSS_')) {
      const score = cvssBaseScore(entry.score);
      if (score !== undefined) best = higherSeverity(best, { severity: severityFromScore(score), score });
    } else {
      const severity = severityFromWord(entry.score);
      if (severity) best = higherSeverity(best, { severity });
    }
  }
  return best;
}

/**
 * The severity of one record: the highest of its CVSS vectors (record and affected entries,
 * RustSec's `affected[].database_specific.cvss`) and GHSA's `database_specific.severity`.
 * `unknown` when it carries none.
 */
export function recordSeverity(record: OsvRecord): SeverityScore {
  const cached = severityCache.get(record);
  if (cached) return cached;
  const computed = computeRecordSeverity(record);
  severityCache.set(record, computed);
  return computed;
}

/** Scoring a vector is costly and records are matched many times: once per record object. */
const severityCache = new WeakMap<OsvRecord, SeverityScore>();

function computeRecordSeverity(record: OsvRecord): SeverityScore {
  // In order: the record's CVSS vectors, then GitHub's word (database_specific.severity); the
  // alias group's best (groupSeverity) covers a record with neither.
  let best: SeverityScore = { severity: 'unknown' };
  best = fromSeverityEntries(record.severity, best);
  for (const affected of record.affected ?? []) {
    best = fromSeverityEntries(affected.severity, best);
    const vector = affected.database_specific?.cvss;
    if (typeof vector === 'string') best = fromSeverityEntries([{ type: 'CVSS_V3', score: vector }], best);
  }
  if (best.score !== undefined) return best;
  const word = severityFromWord(record.database_specific?.severity);
  if (word) best = higherSeverity(best, { severity: word });
  if (best.severity === 'unknown' && informationalKind(record) !== undefined) return { severity: 'low' };
  return best;
}

/**
 * RustSec's informational notices (`affected[].database_specific.informational`: unmaintained,
 * unsound, notice) are not vulnerabilities; the word, or undefined for a vulnerability.
 */
export function informationalKind(record: OsvRecord): string | undefined {
  for (const affected of record.affected ?? []) {
    const word = affected.database_specific?.informational;
    if (typeof word === 'string' && word.trim() !== '') return word.trim().toLowerCase();
  }
  return undefined;
}

/** The highest severity of a group of records that describe one vulnerability. */
export function groupSeverity(records: readonly OsvRecord[]): SeverityScore {
  return records.map(recordSeverity).reduce(higherSeverity, { severity: 'unknown' });
}

/**
 * groupSeverity without the per-record cache, for a caller that keeps the result per group itself
 * (vector scores stay cached): it spares the garbage collector a weak entry per record.
 */
export function computeGroupSeverity(records: readonly OsvRecord[]): SeverityScore {
  let best: SeverityScore = { severity: 'unknown' };
  for (const record of records) best = higherSeverity(best, severityCache.get(record) ?? computeRecordSeverity(record));
  return best;
}

/** CWE ids of a record (`database_specific.cwe_ids`), as `CWE-<n>`. */
export function recordCwes(record: OsvRecord): string[] {
  const ids = record.database_specific?.cwe_ids;
  if (!Array.isArray(ids)) return [];
  const cwes: string[] = [];
  for (const id of ids) {
    const match = /^(?:CWE-?)?(\d+)$/i.exec(String(id).trim());
    if (match) cwes.push(`CWE-${Number(match[1])}`);
  }
  return cwes;
}
