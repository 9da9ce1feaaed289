/**
 * The judged finding: what policy rules and triage make of a stored finding. The store applies a
 * Policy when it records a target and keeps the result; every output reads that one view.
 */
import { isExpired } from './dates.js';
import type { StoredFinding, TriageRecord } from './records.js';

/** An ignore rule that matched a finding but whose `until` has passed. */
export interface ExpiredMatch {
  rule: string;
  until: string;
}

/** What the rules made of one finding at one time. */
export interface Verdict {
  /** The finding as policy sees it: severity overrides, categories, suppression. */
  finding: StoredFinding;
  /** Ignore rules that matched but expired: the finding may alert again once for each. */
  expired: ExpiredMatch[];
  /** The active ignore rule that silenced it (key), for remembering what silenced it. */
  ignoredBy?: { rule: string; until?: string };
}

/** The loaded rules/ files and per-target rules (policy/evaluate.ts implements it). */
export interface Policy {
  /** Severity overrides, categories and suppressions of a target's findings at a time. */
  judge(target: { name: string; key: string }, findings: StoredFinding[], at: string): Verdict[];
  /** Rules that matched nothing and rules that expired, for summary.json. */
  report(): unknown;
}

/** The rule name of a suppression that comes from the code itself (e.g. an eslint-disable comment). */
export const IN_SOURCE_RULE = 'in-source';

/** True when a triage decision other than 'open' holds at `at` (its `until` has not passed). */
export function triageInForce(triage: TriageRecord | undefined, at: string): triage is TriageRecord {
  return triage !== undefined && triage.status !== 'open' && !isExpired(triage.until, at);
}
