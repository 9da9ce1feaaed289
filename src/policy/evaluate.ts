/**
 * Applies compiled rules to findings. Per target, the rules that can apply are indexed once by
 * exact keys (vulnerability ids and aliases, purls, rule ids, literal first path segments; target
 * scoping is settled when the index is built); a finding is checked only against the rules its
 * keys select plus the rules that have no exact key.
 */
import type { ExpiredMatch, Verdict } from '../model/judgement.js';
import type { StoredFinding, SuppressionRecord } from '../model/records.js';
import type { Severity } from '../model/types.js';
import { emptyFacts, fillFacts, type CompiledRule, type FindingFacts } from './rules.js';

export interface PolicyTarget {
  name: string;
  key: string;
}

export type { ExpiredMatch, Verdict } from '../model/judgement.js';

export interface PolicyRuleReport {
  rule: string;
  file: string;
  location: string;
  line?: number;
  action: CompiledRule['action'];
  until?: string;
  matched: number;
}

export interface PolicyReport {
  rules: number;
  /** Rules that matched no finding in this run. */
  unmatched: PolicyRuleReport[];
  /** Rules whose `until` has passed: they no longer act. */
  expired: PolicyRuleReport[];
  /** Findings each action silenced or changed in this run. */
  effects: { ignored: number; filtered: number; severityChanged: number };
}

interface TargetIndex {
  /** Lists hold slots (positions in the engine's rules), so candidates dedupe by a stamp per slot. */
  byVulnerability: Map<string, number[]>;
  byPurl: Map<string, number[]>;
  byRule: Map<string, number[]>;
  /** Rules whose every path glob starts with a literal first segment, by that segment. */
  byPathHead: Map<string, number[]>;
  unindexed: number[];
}

function push(map: Map<string, number[]>, key: string, slot: number): void {
  const slots = map.get(key);
  if (slots) slots.push(slot);
  else map.set(key, [slot]);
}

const NONE: ExpiredMatch[] = [];

function isActive(rule: CompiledRule, atMs: number): boolean {
  return rule.untilEnd === undefined || atMs < rule.untilEnd;
}

export class PolicyEngine {
  private readonly indexes = new Map<string, TargetIndex>();
  private readonly matched: number[];
  private readonly effects = { ignored: 0, filtered: 0, severityChanged: 0 };
  private lastAt: string | undefined;
  /** Per slot, the number of the last finding that took the rule as a candidate (dedupe without includes). */
  private readonly stamps: Uint32Array;
  private stamp = 0;

  constructor(
    readonly rules: readonly CompiledRule[],
    private readonly now: () => Date = () => new Date(),
  ) {
    this.matched = rules.map(() => 0);
    this.stamps = new Uint32Array(rules.length);
  }

  private indexFor(target: PolicyTarget): TargetIndex {
    const cacheKey = `${target.key}\0${target.name}`;
    let index = this.indexes.get(cacheKey);
    if (index) return index;
    index = { byVulnerability: new Map(), byPurl: new Map(), byRule: new Map(), byPathHead: new Map(), unindexed: [] };
    this.rules.forEach((rule, slot) => {
      if (!rule.appliesToTarget(target.name, target.key)) return;
      if (rule.index.vulnerability) for (const id of rule.index.vulnerability) push(index.byVulnerability, id, slot);
      else if (rule.index.purl || rule.index.purlVersioned) {
        for (const purl of rule.index.purl ?? []) push(index.byPurl, purl, slot);
        for (const purl of rule.index.purlVersioned ?? []) push(index.byPurl, purl, slot);
      } else if (rule.index.rule) for (const id of rule.index.rule) push(index.byRule, id, slot);
      else if (rule.index.pathHead) for (const head of rule.index.pathHead) push(index.byPathHead, head, slot);
      else index.unindexed.push(slot);
    });
    this.indexes.set(cacheKey, index);
    return index;
  }

  private nextStamp(): number {
    this.stamp += 1;
    if (this.stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  /** Appends to `out` (from `count`) the rules of `slots` that match and are not there yet; the new count. */
  private consider(slots: number[] | undefined, facts: FindingFacts, stamp: number, out: CompiledRule[], count: number): number {
    if (!slots) return count;
    for (let i = 0; i < slots.length; i += 1) {
      const slot = slots[i]!;
      if (this.stamps[slot] === stamp) continue;
      this.stamps[slot] = stamp;
      const rule = this.rules[slot]!;
      if (rule.matches(facts)) out[count++] = rule;
    }
    return count;
  }

  /**
   * Puts the rules that match a finding, in order of application, at the start of `out` and
   * returns how many; `out` is scratch reused across findings (what lies past the count is stale).
   */
  private candidates(index: TargetIndex, facts: FindingFacts, out: CompiledRule[]): number {
    const stamp = this.nextStamp();
    let count = this.consider(index.unindexed, facts, stamp, out, 0);
    if (index.byPathHead.size) {
      const slash = facts.path.indexOf('/');
      count = this.consider(index.byPathHead.get(slash === -1 ? facts.path : facts.path.slice(0, slash)), facts, stamp, out, count);
    }
    const ids = facts.vulnerabilityIds;
    for (let i = 0; i < ids.length; i += 1) count = this.consider(index.byVulnerability.get(ids[i]!), facts, stamp, out, count);
    if (facts.purlNoVersion) count = this.consider(index.byPurl.get(facts.purlNoVersion), facts, stamp, out, count);
    if (facts.purl && facts.purl !== facts.purlNoVersion) count = this.consider(index.byPurl.get(facts.purl), facts, stamp, out, count);
    if (facts.ruleId) count = this.consider(index.byRule.get(facts.ruleId), facts, stamp, out, count);
    // Stable insertion sort by order: the lists are short, and ties keep the order found.
    for (let i = 1; i < count; i += 1) {
      const rule = out[i]!;
      let j = i - 1;
      while (j >= 0 && out[j]!.order > rule.order) {
        out[j + 1] = out[j]!;
        j -= 1;
      }
      out[j + 1] = rule;
    }
    return count;
  }

  /** Judges a target's findings at a time: severity overrides, then ignores, then alert-only-on filters. */
  evaluate(target: PolicyTarget, findings: readonly StoredFinding[], at: string): Verdict[] {
    this.lastAt = at;
    const atMs = Date.parse(at);
    const index = this.indexFor(target);
    // One facts object and one candidate list serve every finding: nothing keeps them past its turn.
    const facts = emptyFacts(target);
    const rules: CompiledRule[] = [];
    const ids: string[] = [];
    const verdicts: Verdict[] = new Array<Verdict>(findings.length);
    for (let n = 0; n < findings.length; n += 1) {
      const original = findings[n]!;
      fillFacts(facts, original, ids);
      const count = this.candidates(index, facts, rules);
      let severity: Severity = original.severity;
      let suppression: SuppressionRecord | undefined;
      let ignoredBy: Verdict['ignoredBy'];
      let expired: ExpiredMatch[] = NONE;
      let filter: CompiledRule | undefined;
      for (let i = 0; i < count; i += 1) {
        const rule = rules[i]!;
        this.matched[rule.order] = (this.matched[rule.order] ?? 0) + 1;
        if (rule.action === 'set-severity' && rule.severity && isActive(rule, atMs)) severity = rule.severity;
      }
      if (severity !== original.severity) {
        this.effects.severityChanged += 1;
        facts.severity = severity;
      }
      for (let i = 0; i < count; i += 1) {
        const rule = rules[i]!;
        if (rule.action !== 'ignore') continue;
        if (!isActive(rule, atMs)) {
          if (expired === NONE) expired = [];
          expired.push({ rule: rule.key, until: rule.until! });
          continue;
        }
        if (!suppression) {
          suppression = { rule: rule.label, reason: rule.reason ?? '', until: rule.until };
          ignoredBy = { rule: rule.key, until: rule.until };
        }
      }
      if (suppression) this.effects.ignored += 1;
      else {
        for (let i = 0; i < count; i += 1) {
          const rule = rules[i]!;
          if (rule.action === 'alert-only-on' && !rule.allows(facts)) {
            filter = rule;
            break;
          }
        }
        if (filter) {
          suppression = { rule: filter.label, reason: filter.reason ?? `alert-only-on: ${filter.describeConditions()}` };
          this.effects.filtered += 1;
        }
      }
      const finding: StoredFinding = { ...original, severity, categories: facts.categories };
      if (suppression) finding.suppression = suppression;
      verdicts[n] = { finding, expired, ignoredBy };
    }
    return verdicts;
  }

  /** The PolicySet face the scan uses. */
  judge(target: PolicyTarget, findings: StoredFinding[], at: string): Verdict[] {
    return this.evaluate(target, findings, at);
  }

  /** Rules that matched nothing and rules that expired, for summary.json. */
  report(): PolicyReport {
    const at = this.lastAt ?? this.now().toISOString();
    const atMs = Date.parse(at);
    const entry = (rule: CompiledRule): PolicyRuleReport => ({
      rule: rule.label,
      file: rule.origin.file,
      location: rule.origin.path,
      ...(rule.origin.line ? { line: rule.origin.line } : {}),
      action: rule.action,
      ...(rule.until ? { until: rule.until } : {}),
      matched: this.matched[rule.order] ?? 0,
    });
    return {
      rules: this.rules.length,
      unmatched: this.rules.filter((rule) => (this.matched[rule.order] ?? 0) === 0).map(entry),
      expired: this.rules.filter((rule) => rule.untilEnd !== undefined && atMs >= rule.untilEnd).map(entry),
      effects: { ...this.effects },
    };
  }
}
