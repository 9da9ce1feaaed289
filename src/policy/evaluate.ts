/**
 * Applies compiled rules to findings. Per target, the rules that can apply are indexed once by
 * exact keys (vulnerability ids and aliases, purls, rule ids); a finding is checked only against
 * the rules its keys select plus the rules that have no exact key.
 */
import type { StoredFinding, SuppressionRecord } from '../model/records.js';
import type { Severity } from '../model/types.js';
import { findingFacts, type CompiledRule, type FindingFacts } from './rules.js';

export interface PolicyTarget {
  name: string;
  key: string;
}

/** An ignore rule that matched a finding but whose `until` has passed. */
export interface ExpiredMatch {
  rule: string;
  until: string;
}

export interface Verdict {
  /** The finding as policy sees it: severity overrides, categories, suppression. */
  finding: StoredFinding;
  /** Ignore rules that matched but expired: the finding may alert again once for each. */
  expired: ExpiredMatch[];
  /** Active ignore rules that silenced it (keys), for remembering what silenced it. */
  ignoredBy?: { rule: string; until?: string };
}

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
  byVulnerability: Map<string, CompiledRule[]>;
  byPurl: Map<string, CompiledRule[]>;
  byRule: Map<string, CompiledRule[]>;
  /** Rules whose every path glob starts with a literal first segment, by that segment. */
  byPathHead: Map<string, CompiledRule[]>;
  unindexed: CompiledRule[];
}

function push(map: Map<string, CompiledRule[]>, key: string, rule: CompiledRule): void {
  const rules = map.get(key);
  if (rules) rules.push(rule);
  else map.set(key, [rule]);
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

  constructor(
    readonly rules: readonly CompiledRule[],
    private readonly now: () => Date = () => new Date(),
  ) {
    this.matched = rules.map(() => 0);
  }

  private indexFor(target: PolicyTarget): TargetIndex {
    const cacheKey = `${target.key}\0${target.name}`;
    let index = this.indexes.get(cacheKey);
    if (index) return index;
    index = { byVulnerability: new Map(), byPurl: new Map(), byRule: new Map(), byPathHead: new Map(), unindexed: [] };
    for (const rule of this.rules) {
      if (!rule.appliesToTarget(target.name, target.key)) continue;
      if (rule.index.vulnerability) for (const id of rule.index.vulnerability) push(index.byVulnerability, id, rule);
      else if (rule.index.purl || rule.index.purlVersioned) {
        for (const purl of rule.index.purl ?? []) push(index.byPurl, purl, rule);
        for (const purl of rule.index.purlVersioned ?? []) push(index.byPurl, purl, rule);
      } else if (rule.index.rule) for (const id of rule.index.rule) push(index.byRule, id, rule);
      else if (rule.index.pathHead) for (const head of rule.index.pathHead) push(index.byPathHead, head, rule);
      else index.unindexed.push(rule);
    }
    this.indexes.set(cacheKey, index);
    return index;
  }

  /** The rules that match a finding, in order of application. */
  private candidates(index: TargetIndex, facts: FindingFacts): CompiledRule[] {
    const rules: CompiledRule[] = [];
    const consider = (list: CompiledRule[] | undefined) => {
      if (!list) return;
      for (const rule of list) if (!rules.includes(rule) && rule.matches(facts)) rules.push(rule);
    };
    for (const rule of index.unindexed) if (rule.matches(facts)) rules.push(rule);
    const slash = facts.path.indexOf('/');
    consider(index.byPathHead.get(slash === -1 ? facts.path : facts.path.slice(0, slash)));
    for (const id of facts.vulnerabilityIds) consider(index.byVulnerability.get(id));
    if (facts.purlNoVersion) consider(index.byPurl.get(facts.purlNoVersion));
    if (facts.purl && facts.purl !== facts.purlNoVersion) consider(index.byPurl.get(facts.purl));
    if (facts.ruleId) consider(index.byRule.get(facts.ruleId));
    return rules.length > 1 ? rules.sort((a, b) => a.order - b.order) : rules;
  }

  /** Judges a target's findings at a time: severity overrides, then ignores, then alert-only-on filters. */
  evaluate(target: PolicyTarget, findings: readonly StoredFinding[], at: string): Verdict[] {
    this.lastAt = at;
    const atMs = Date.parse(at);
    const index = this.indexFor(target);
    return findings.map((original) => {
      const facts = findingFacts(original, target);
      const rules = this.candidates(index, facts);
      let severity: Severity = original.severity;
      let suppression: SuppressionRecord | undefined;
      let ignoredBy: Verdict['ignoredBy'];
      let expired: ExpiredMatch[] = NONE;
      for (const rule of rules) this.matched[rule.order] = (this.matched[rule.order] ?? 0) + 1;
      for (const rule of rules) if (rule.action === 'set-severity' && isActive(rule, atMs) && rule.severity) severity = rule.severity;
      if (severity !== original.severity) {
        this.effects.severityChanged += 1;
        facts.severity = severity;
      }
      for (const rule of rules) {
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
        const filter = rules.find((rule) => rule.action === 'alert-only-on' && !rule.allows(facts));
        if (filter) {
          suppression = { rule: filter.label, reason: filter.reason ?? `alert-only-on: ${filter.describeConditions()}` };
          this.effects.filtered += 1;
        }
      }
      const finding: StoredFinding = { ...original, severity, categories: facts.categories };
      if (suppression) finding.suppression = suppression;
      return { finding, expired, ignoredBy };
    });
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
