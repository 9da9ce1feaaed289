/**
 * The views' use cases: what the dashboard, the weekly diff and `sieve findings` read, in one
 * place. Findings come from the store's one judged query (effective severity, triage and
 * suppression at a time), with known exploited from the imported KEV catalog.
 */
import type { StoredFinding, TargetScanRecord } from '../model/records.js';
import type { RemediationStep } from '../model/remediation.js';
import type { Severity } from '../model/types.js';
import { planRemediation } from '../osv/remediation.js';
import { buildDiff, type DiffModel } from '../report/export.js';
import { isQuiet } from '../report/parts.js';
import type { SiteModel, SiteTarget } from '../report/site/model.js';
import type { JudgedFilter } from '../store/judge.js';
import type { Store } from '../store/store.js';
import type { TransitionPoint } from '../store/timeline.js';

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The one read of findings every view uses: the store's judged view at `at` (known exploited included). */
export function judgedFindings(store: Store, filter: JudgedFilter, at: string): StoredFinding[] {
  return store.judged(filter, at);
}

/** Open and not kept quiet by triage, policy or the source: what counts, everywhere. */
export function isAlerting(finding: StoredFinding): boolean {
  return finding.state === 'open' && !isQuiet(finding);
}

/** What to upgrade, from the open alerting dependency findings given. */
export function remediationPlan(findings: readonly StoredFinding[]): RemediationStep[] {
  return planRemediation(findings.filter(isAlerting));
}

/** True when the finding's vulnerability id or any alias is `id` (any case). */
export function hasVulnerability(finding: StoredFinding, id: string): boolean {
  const wanted = id.trim().toUpperCase();
  const vulnerability = finding.vulnerability;
  return vulnerability !== undefined && (vulnerability.id.toUpperCase() === wanted || vulnerability.aliases.some((alias) => alias.toUpperCase() === wanted));
}

/** The weekly diff of a window, with the fleet's upgrades. */
export function weeklyDiff(store: Store, window: { since: string; until: string }): DiffModel {
  const open = judgedFindings(store, { state: 'open' }, window.until);
  return buildDiff(store.events(window.since, window.until), open, window, { remediation: remediationPlan(open) });
}

/**
 * Open alerting findings by severity after each run, rebuilt from the transitions (a finding is
 * open from new or reopened to fixed), with each finding's current severity and judgement.
 */
export function severityTrend(transitions: readonly TransitionPoint[], findings: ReadonlyMap<string, StoredFinding>, times: readonly string[]): Array<{ at: string; counts: Record<Severity, number> }> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
  const open = new Set<string>();
  const points: Array<{ at: string; counts: Record<Severity, number> }> = [];
  let next = 0;
  for (const at of [...times].sort()) {
    for (; next < transitions.length && transitions[next]!.at <= at; next += 1) {
      const point = transitions[next]!;
      const finding = findings.get(point.findingId);
      if (!finding || isQuiet(finding)) continue;
      const opens = point.transition !== 'fixed';
      if (opens === open.has(point.findingId)) continue;
      if (opens) open.add(point.findingId);
      else open.delete(point.findingId);
      counts[finding.severity] += opens ? 1 : -1;
    }
    points.push({ at, counts: { ...counts } });
  }
  return points;
}

/**
 * Open findings across the fleet after each run, suppressed ones not counted (as everywhere on the
 * dashboard): each target counts with its latest scan so far. The fallback when no transitions are stored.
 */
export function openTrend(scans: TargetScanRecord[]): Array<{ at: string; open: number }> {
  const openByTarget = new Map<string, number>();
  const trend: Array<{ at: string; open: number }> = [];
  const byRun = new Map<string, TargetScanRecord[]>();
  for (const scan of scans) push(byRun, scan.runId, scan);
  for (const runScans of byRun.values()) {
    for (const scan of runScans) openByTarget.set(scan.target, scan.counts.open - (scan.counts.suppressed ?? 0));
    const at = runScans.map((scan) => scan.finishedAt).sort().at(-1) as string;
    trend.push({ at, open: [...openByTarget.values()].reduce((sum, open) => sum + open, 0) });
  }
  return trend.sort((a, b) => a.at.localeCompare(b.at));
}

export interface SiteOptions {
  now: Date;
  /** Start of the "what changed" window. */
  since: Date;
  staleAfterHours: number;
  osvMaxAgeDays: number;
  /** Where the site finds a target's SBOM (relative to the site), or nothing; the caller copies files. */
  sbomFile?: (target: string, lastGood: TargetScanRecord | undefined) => string | undefined;
}

/** Everything the dashboard shows, read from the store once. */
export function siteModel(store: Store, options: SiteOptions): SiteModel {
  const now = options.now.toISOString();
  const since = options.since.toISOString();
  const scans = store.targetScans();
  const findings = judgedFindings(store, {}, now);
  const byId = new Map(findings.map((finding) => [finding.id, finding]));
  const changes = store.events(since, new Date(options.now.getTime() + 1).toISOString()).filter(
    (event) => event.transition === 'fixed' || event.transition === 'withdrawn' || !isQuiet(event.finding),
  );
  const scansByTarget = new Map<string, TargetScanRecord[]>();
  for (const scan of scans) push(scansByTarget, scan.target, scan);
  const openByTarget = new Map<string, StoredFinding[]>();
  for (const finding of findings) if (finding.state === 'open') push(openByTarget, finding.target, finding);
  const alertedByTarget = new Map<string, Map<string, { at: string; transition: 'new' | 'reopened' }>>();
  for (const event of changes) {
    if (event.transition !== 'new' && event.transition !== 'reopened') continue;
    let alerted = alertedByTarget.get(event.target);
    if (!alerted) alertedByTarget.set(event.target, (alerted = new Map()));
    alerted.set(event.finding.id, { at: event.at, transition: event.transition });
  }
  const names = [...scansByTarget.keys()].sort();
  const targets: SiteTarget[] = names.map((name) => {
    const history = scansByTarget.get(name) ?? [];
    const latest = history.at(-1);
    const lastGood = [...history].reverse().find((scan) => scan.status !== 'failed');
    const open = openByTarget.get(name) ?? [];
    const alertedSince = alertedByTarget.get(name) ?? new Map<string, { at: string; transition: 'new' | 'reopened' }>();
    return {
      name,
      repo: latest?.repo,
      latest,
      history,
      open,
      newThisWeek: alertedSince.size,
      alertedSince,
      remediation: remediationPlan(open),
      sbomFile: options.sbomFile?.(name, lastGood),
    };
  });
  const runs = store.runs();
  const osvRun = [...runs].reverse().find((run) => run.osv);
  const times = [...new Set(runs.map((run) => run.finishedAt).filter((at): at is string => at !== undefined))];
  return {
    generatedAt: now,
    targets,
    trend: openTrend(scans),
    trendBySeverity: severityTrend(store.transitions(), byId, times),
    since,
    changes,
    remediation: remediationPlan(findings.filter((finding) => finding.state === 'open')),
    staleAfterHours: options.staleAfterHours,
    osv: osvRun?.osv
      ? {
          source: osvRun.osv.source,
          ecosystems: Object.entries(osvRun.osv.ecosystems)
            .map(([ecosystem, info]) => ({ ecosystem, ...info }))
            .sort((a, b) => (a.ecosystem < b.ecosystem ? -1 : 1)),
          maxAgeDays: options.osvMaxAgeDays,
        }
      : undefined,
    knownExploited: store.knownExploitedInfo(),
  };
}

