import type { Severity, StoredFindingLike } from './types.js';
import { severityRank } from '../model/types.js';

/**
 * A number per severity for code scanning's `security-severity` when a finding has no score.
 * Each sits inside GitHub's band for that level (critical > 9.0, high 7.0-8.9, medium 4.0-6.9,
 * low 0.1-3.9).
 */
export const REPRESENTATIVE_SCORE: Record<Exclude<Severity, 'unknown'>, number> = {
  critical: 9.5,
  high: 8.0,
  medium: 5.5,
  low: 2.0,
};

export function securitySeverity(finding: StoredFindingLike): number | undefined {
  if (typeof finding.score === 'number' && Number.isFinite(finding.score) && finding.score >= 0 && finding.score <= 10) {
    return finding.score;
  }
  return finding.severity === 'unknown' ? undefined : REPRESENTATIVE_SCORE[finding.severity];
}

/** Most severe first, then higher score, then id: the order every writer uses. */
export function compareBySeverity(a: StoredFindingLike, b: StoredFindingLike): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    (b.score ?? -1) - (a.score ?? -1) ||
    compareText(a.id, b.id)
  );
}

/** Code-point order, independent of the machine's locale, so outputs are byte-stable. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
