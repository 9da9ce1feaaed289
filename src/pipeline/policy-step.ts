import type { TargetConfig } from '../config/load.js';
import type { StoredFinding } from '../model/records.js';
import { categoriesFor } from '../policy/categories.js';
import { isExpired } from '../policy/dates.js';
import type { Verdict } from '../policy/evaluate.js';
import type { Store } from '../store/store.js';
import type { PolicyOutcome } from '../store/triage.js';

/** The loaded rules/ files and per-target rules, as the scan applies them (policy/evaluate.ts). */
export interface PolicySet {
  /** Severity overrides, categories and suppressions of a target's findings. */
  judge(target: { name: string; key: string }, findings: StoredFinding[], at: string): Verdict[];
  /** Rules that matched nothing and rules that expired, for summary.json. */
  report(): unknown;
}

/**
 * Applies policy rules and stored triage to the target's open findings and to what this run
 * touched. A triaged finding (status other than open) is suppressed while its decision holds;
 * when a decision or an ignore rule that silenced a finding expires, the finding alerts again
 * exactly once (newReason 'triage-expired'), and the store remembers that it did.
 */
export function applyPolicy(
  policy: PolicySet | undefined,
  target: TargetConfig,
  open: StoredFinding[],
  touched: StoredFinding[],
  at: string,
  store: Store,
  runId?: string,
): { open: StoredFinding[]; touched: StoredFinding[] } {
  const all = [...open, ...touched.filter((finding) => finding.state !== 'open')];
  const verdicts: Verdict[] = policy
    ? policy.judge({ name: target.name, key: target.key }, all, at)
    : all.map((finding) => ({ finding: { ...finding, categories: categoriesFor(finding.cwes ?? []) }, expired: [] }));
  const triage = store.effectiveTriage(all);
  const touchedIds = new Set(touched.map((finding) => finding.id));
  const outcomes: PolicyOutcome[] = [];
  const judged = new Map<string, StoredFinding>();

  for (const verdict of verdicts) {
    const finding = verdict.finding;
    const decision = triage.get(finding.id);
    if (decision) {
      const { source: _source, ...record } = decision;
      finding.triage = record;
      if (decision.status !== 'open' && !isExpired(decision.until, at) && !finding.suppression) {
        finding.suppression = { rule: decision.scope === 'fleet' ? `triage ${decision.source}` : 'triage', reason: decision.reason, ...(decision.until ? { until: decision.until } : {}) };
      }
    }
    if (runId && finding.state === 'open' && touchedIds.has(finding.id) && !finding.suppression) {
      const expiries: Array<{ source: string; until: string }> = [];
      if (decision && decision.status !== 'open' && decision.until && isExpired(decision.until, at)) expiries.push({ source: decision.source, until: decision.until });
      for (const expired of verdict.expired) {
        if (store.wasSuppressedByRule(finding.id, expired.rule, expired.until)) expiries.push({ source: `rule:${expired.rule}`, until: expired.until });
      }
      const fresh = expiries.filter((expiry) => !store.expiryAlerted(finding.id, expiry.source, expiry.until));
      if (fresh.length) {
        for (const expiry of fresh) store.markExpiryAlerted(finding.id, expiry.source, expiry.until, runId, at);
        // A new or reopened finding alerts for that reason already; an unchanged one alerts for this.
        if (finding.lastTransition === 'unchanged') finding.newReason = 'triage-expired';
      }
    }
    outcomes.push({ findingId: finding.id, suppression: finding.suppression, ignoredBy: verdict.ignoredBy });
    judged.set(finding.id, finding);
  }
  if (runId) store.recordPolicyOutcomes(runId, at, outcomes);
  return {
    open: open.map((finding) => judged.get(finding.id) ?? finding),
    touched: touched.map((finding) => judged.get(finding.id) ?? finding),
  };
}
