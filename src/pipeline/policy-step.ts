import type { TargetConfig } from '../config/load.js';
import type { StoredFinding } from '../model/records.js';
import type { Store } from '../store/store.js';

/** The loaded rules/ files and per-target rules, as the scan applies them. */
export interface PolicySet {
  /** Marks suppressed findings and applies severity overrides; returns the findings as judged. */
  judge(target: TargetConfig, findings: StoredFinding[], at: string): StoredFinding[];
  /** Rules that matched nothing and rules that expired, for summary.json. */
  report(): unknown;
}

/** Applies policy to the target's open findings and to what this run touched. */
export function applyPolicy(
  policy: PolicySet | undefined,
  target: TargetConfig,
  open: StoredFinding[],
  touched: StoredFinding[],
  at: string,
  _store: Store,
): { open: StoredFinding[]; touched: StoredFinding[] } {
  if (!policy) return { open, touched };
  const judged = new Map(policy.judge(target, [...open, ...touched.filter((finding) => finding.state !== 'open')], at).map((finding) => [finding.id, finding]));
  return {
    open: open.map((finding) => judged.get(finding.id) ?? finding),
    touched: touched.map((finding) => judged.get(finding.id) ?? finding),
  };
}
