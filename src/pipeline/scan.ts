import pLimit from 'p-limit';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, NotifyConfig, TargetConfig } from '../config/load.js';
import { deliverNotifications, queueAlertNotifications } from './notify-step.js';
import type { Logger } from '../model/logger.js';
import { writeFileAtomic } from '../model/write-file-atomic.js';
import type { OsvProvenance, StoredFinding, TargetScanRecord, TargetState } from '../model/records.js';
import { errorMessage, SieveError } from '../model/errors.js';
import { severityRank, type Finding, type Package, type Severity, type StageFailure } from '../model/types.js';
import type { VulnerabilitySource } from '../osv/source.js';
import { Store } from '../store/store.js';
import type { IncomingFinding } from '../store/findings.js';
import { shareableBundle } from './bundle.js';
import { emptyCounts } from '../store/record.js';
import { checkoutTarget } from './checkout-target.js';
import { isLocalGitRepository, mirrorPath, resolveRemoteRef } from '../checkout/clone.js';
import type { ResolvedRef } from '../checkout/refs.js';
import { DEFAULT_KEEP_RUNS_DAYS, isRemoteUrl } from '../config/load.js';
import { isExpired } from '../policy/dates.js';
import { ToolIdentities, targetInputs } from './incremental.js';
import { FleetProgress } from './progress.js';
import { houseKeep, removeEmptyFolders } from './housekeeping.js';
import { inventoryTarget } from './inventory-target.js';
import { analyzeTarget } from './analyze-target.js';
import { writeSummary, writeTargetOutputs, type RunSummary, type TargetSummary } from './outputs.js';
import { deliverAlerts } from './alerts-step.js';
import type { Policy } from '../model/judgement.js';
import { coveredByAny, describeScope, scopeFile } from '../model/scope.js';
import { codeCategory, dependencyCategory } from '../report/code-scanning.js';
import { safeName } from '../model/safe-name.js';

export interface ScanRequest {
  config: Config;
  home: string;
  only?: string[];
  concurrency?: number;
  /** 1-based shard index and the number of shards. */
  shard?: { index: number; count: number };
  vulnerabilities: VulnerabilitySource;
  failOn?: FailOn;
  now: () => Date;
  logger: Logger;
  toolVersion: string;
  policy?: Policy;
  githubToken?: string;
  /** No network: git mirrors are used as cached, the OSV source is the offline index. */
  offline?: boolean;
  /** Found before any target was scanned (an organisation listing that fell back to an older one). */
  runWarnings?: string[];
  /** Run-level failures (an organisation that could not be listed): the run exits 3. */
  runErrors?: string[];
  /** Scan every target, even those unchanged since their last complete scan. */
  force?: boolean;
  /** Digest of the policy rules files: a change scans every target again. */
  rulesDigest?: string;
  /** Run folders older than this many days are pruned (default: the configuration's, else 90). */
  keepRunsDays?: number;
  /** Set by a signal handler: targets not yet started are left, the run is recorded interrupted. */
  stop?: StopRequest;
}

/** A request to stop, by signal name (SIGINT, SIGTERM); checked before each target starts. */
export interface StopRequest {
  signal?: 'SIGINT' | 'SIGTERM';
}

export interface ScanResult {
  runId: string;
  runDir: string;
  summary: RunSummary;
  newFindings: StoredFinding[];
}

/**
 * `--fail-on`: a severity (a new finding at least that severe fails the run) or `kev` (only a new
 * known-exploited finding does). A new known-exploited finding crosses any threshold.
 */
export type FailOn = Severity | 'kev';

export function crossesFailOn(finding: StoredFinding, threshold: FailOn): boolean {
  if (finding.knownExploited) return true;
  return threshold !== 'kev' && severityRank(finding.severity) >= severityRank(threshold);
}

/** Which targets this invocation scans: `--only` names, then this shard's share. */
export function planTargets(targets: readonly TargetConfig[], only?: readonly string[], shard?: { index: number; count: number }): TargetConfig[] {
  let planned = only?.length ? targets.filter((target) => only.includes(target.name) || only.includes(target.key)) : [...targets];
  if (shard) {
    // Hash of the store key, so a target stays on its shard when others are added or removed.
    planned = planned.filter((target) => {
      const bucket = createHash('sha256').update(target.key).digest().readUInt32BE(0) % shard.count;
      return bucket === shard.index - 1;
    });
  }
  return planned;
}

export function newRunId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** Everything a scan learned about one target, before the store sees it; what shards hand to `merge`. */
export interface TargetEvidence {
  target: TargetConfig;
  startedAt: string;
  finishedAt: string;
  commit?: string;
  /** The full ref scanned, as resolved (`refs/heads/master` when the target names none). */
  ref?: string;
  subject?: string;
  /** Set when nothing could be looked at (checkout failed): every finding keeps its state. */
  fatal?: StageFailure;
  packages: Package[];
  lockfiles: string[];
  snapshot?: { lockfiles: Array<[string, string[]]>; failed: string[] };
  findings: IncomingFinding[];
  failures: StageFailure[];
  /** Not failures, but what they cover stays as it was (packages whose version could not be judged). */
  keepOpen: StageFailure[];
  warnings: string[];
  /** Ecosystems the OSV data has no records for: one run-level warning each, never a failure. */
  missingData?: string[];
  tools: string[];
  toolVersions: Record<string, string>;
  provenance?: OsvProvenance;
  /** Skipped because nothing it depends on changed: why. Every finding keeps its state. */
  skipped?: string;
  /** Matched again from the stored inventory (only the OSV data changed): no git work. */
  rematched?: boolean;
  /** Digest of what the findings depend on besides commit and OSV data (incremental.ts). */
  inputs?: string;
  /** Version of the OSV data the packages were matched against. */
  osvVersion?: string;
  /** Milliseconds per stage, and in all. */
  timings?: Record<string, number>;
}

/** What shard runs write (`bundle.json`) and `sieve merge` folds into the central store. */
export interface ScanBundle {
  format: 'sieve-bundle/1';
  runId: string;
  startedAt: string;
  finishedAt: string;
  shard?: { index: number; count: number };
  /** The configuration's own notification settings (targets carry theirs). */
  notify?: NotifyConfig;
  /** Run-level warnings and errors, carried to the store that merges the bundle. */
  warnings?: string[];
  errors?: string[];
  targets: TargetEvidence[];
  /** The run stopped on a signal before these targets were scanned. */
  interrupted?: { signal: string; notScanned: string[] };
}

/** The run's warnings: its own (discovery), then one per ecosystem without OSV data, naming the fix. */
function runWarnings(own: string[] | undefined, outcomes: readonly TargetOutcome[]): string[] | undefined {
  const missing = new Map<string, string[]>();
  for (const outcome of outcomes) {
    for (const ecosystem of outcome.missingData ?? []) missing.set(ecosystem, [...(missing.get(ecosystem) ?? []), outcome.summary.name]);
  }
  const warnings = [
    ...(own ?? []),
    ...[...missing.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(
        ([ecosystem, targets]) =>
          `no OSV data for ${ecosystem} (${targets.length} target(s)): its packages were not checked and their findings stay open; fetch it with: sieve db update --ecosystems "${ecosystem}"`,
      ),
  ];
  return warnings.length ? warnings : undefined;
}

/** Merges the OSV provenance of every target: one entry per ecosystem. */
function mergeProvenance(all: Array<OsvProvenance | undefined>): OsvProvenance | undefined {
  const present = all.filter((entry): entry is OsvProvenance => entry !== undefined);
  if (present.length === 0) return undefined;
  const merged: OsvProvenance = { source: present[0]!.source, ecosystems: {} };
  for (const entry of present) Object.assign(merged.ecosystems, entry.ecosystems);
  return merged;
}

/** The one orchestrator: every stage in order for every planned target, then the run's outputs. */
export async function runScan(request: ScanRequest): Promise<ScanResult> {
  const { config, home, logger } = request;
  const startedAt = request.now();
  const runId = newRunId(startedAt);
  const runDir = join(home, 'runs', runId);
  mkdirSync(runDir, { recursive: true });
  const targets = planTargets(config.targets, request.only, request.shard);
  const store = Store.open(join(home, 'sieve.db'));
  const states = store.targetStates();
  // Under the home lock nothing else uses the cache: clear what killed runs left, prune old runs.
  const kept = houseKeep({
    home,
    keepRunsDays: request.keepRunsDays ?? config.housekeeping?.keepRunsDays ?? DEFAULT_KEEP_RUNS_DAYS,
    now: startedAt,
    targets: config.targets,
    currentRun: runId,
  });
  for (const problem of kept.problems) logger.warn(`housekeeping: ${problem}`);
  if (kept.runsRemoved.length + kept.mirrorsRemoved.length + kept.debrisRemoved.length > 0) {
    logger.info('housekeeping', { runsRemoved: kept.runsRemoved.length, mirrorsRemoved: kept.mirrorsRemoved, debrisRemoved: kept.debrisRemoved });
  }
  logger.info('scan started', { runId, targets: targets.length, shard: request.shard ? `${request.shard.index}/${request.shard.count}` : undefined });
  const meta = {
    runId,
    startedAt: startedAt.toISOString(),
    notify: config.notify,
    warnings: request.runWarnings?.length ? request.runWarnings : undefined,
    errors: request.runErrors?.length ? request.runErrors : undefined,
  };
  const recording = openRecording(meta, { ...request, runDir, shardRun: request.shard !== undefined });
  const progress = new FleetProgress(targets.length, logger);
  const context: CollectContext = { ...request, runId, states, store, tools: new ToolIdentities(), progress };
  try {
    const limit = pLimit(Math.max(1, request.concurrency ?? 4));
    // Only a shard keeps every target's evidence (for its bundle); otherwise memory follows the concurrency.
    const kept: TargetEvidence[] = [];
    const results = await Promise.all(
      targets.map((target, index) =>
        limit(async () => {
          // A stop request leaves the targets not yet started; the ones in hand finish.
          if (request.stop?.signal) return undefined;
          const collected = await collectTarget(target, context);
          // Recorded as it finishes, with its alerts, in one transaction: a kill after this loses nothing.
          const outcome = recording.record(collected);
          if (request.shard) kept[index] = collected;
          return outcome;
        }),
      ),
    );
    const outcomes = results.filter((outcome): outcome is TargetOutcome => outcome !== undefined);
    const notScanned = targets.filter((_target, index) => results[index] === undefined).map((target) => target.name);
    const interrupted = request.stop?.signal ? { signal: request.stop.signal, notScanned } : undefined;
    if (request.shard) {
      // A shard's results go to the central store through `sieve merge`; they are also recorded here.
      const bundle: ScanBundle = { format: 'sieve-bundle/1', ...meta, finishedAt: request.now().toISOString(), shard: request.shard, targets: kept.filter(Boolean) };
      writeFileAtomic(join(runDir, 'bundle.json'), JSON.stringify(shareableBundle(bundle)));
    }
    return await recording.finish(outcomes, targets, interrupted);
  } finally {
    recording.close();
    store.close();
    // Each target removes its own temp folders; the run's parents go when empty.
    removeEmptyFolders(join(home, 'cache', 'tmp'), [runId]);
    removeEmptyFolders(join(home, 'cache'), ['tmp', 'worktrees']);
  }
}

export interface RecordRequest {
  home: string;
  runDir: string;
  now: () => Date;
  logger: Logger;
  toolVersion: string;
  failOn?: FailOn;
  policy?: Policy;
  /** GITHUB_TOKEN, for filing issues. */
  githubToken?: string;
  offline?: boolean;
  /**
   * merge: evidence of a target the store already holds an equal or newer scan of is skipped, so
   * replaying a bundle, or an older one after a newer, never reopens or fixes anything.
   */
  newerOnly?: boolean;
  /** A shard run: the central store notifies when it merges the bundle, so the shard does not. */
  shardRun?: boolean;
}

/** What recording one target's evidence gave: its summary, and what the run's summary gathers. */
interface TargetOutcome {
  summary: TargetSummary;
  missingData?: string[];
  provenance?: OsvProvenance;
  toolVersions?: Record<string, string>;
}

type RunMeta = Pick<ScanBundle, 'runId' | 'startedAt' | 'notify' | 'warnings' | 'errors'>;

/**
 * A run being recorded into the store: `record` folds in one target (results, policy, alerts and
 * their notifications in one transaction), `finish` delivers the undelivered alerts (new.json,
 * new.md, notifications) and writes the summary.
 */
function openRecording(meta: RunMeta, request: RecordRequest) {
  const { logger } = request;
  const runId = meta.runId;
  const store = Store.open(join(request.home, 'sieve.db'));
  store.beginRun(runId, meta.startedAt);
  return {
    record(evidence: TargetEvidence): TargetOutcome {
      const stale = request.newerOnly ? staleEvidence(store, evidence) : undefined;
      const summary = stale ?? store.atomically(() => recordTarget(evidence, { ...request, store, runId, notify: meta.notify }));
      return { summary, missingData: evidence.missingData, provenance: evidence.provenance, toolVersions: evidence.toolVersions };
    },
    async finish(outcomes: TargetOutcome[], targets: TargetConfig[], interrupted?: { signal: string; notScanned: string[] }): Promise<ScanResult> {
      const finishedAt = request.now().toISOString();
      const toolVersions = Object.assign({}, ...outcomes.map((outcome) => outcome.toolVersions ?? {})) as Record<string, string>;
      const osv = mergeProvenance(outcomes.map((outcome) => outcome.provenance));
      store.finishRun(runId, finishedAt, osv, toolVersions);
      if (interrupted) store.markRunInterrupted(runId, interrupted.signal);
      const newFindings = runFiles('new.json and new.md', request.runDir, () =>
        deliverAlerts(store, { home: request.home, runDir: request.runDir, runId, at: finishedAt }),
      );
      const notifications = request.shardRun ? [] : await deliverNotifications({
        store,
        runId,
        at: finishedAt,
        global: meta.notify,
        targets,
        token: request.githubToken,
        logger,
        send: request.offline !== true,
      });
      const threshold = request.failOn;
      const summary: RunSummary = {
        runId,
        startedAt: meta.startedAt,
        finishedAt,
        osv,
        tools: toolVersions,
        // Both facts, whatever the exit code says (cli/exit-codes.ts decides that from them).
        failedTargets: outcomes.filter((outcome) => outcome.summary.status === 'failed' || outcome.summary.status === 'partial').length,
        failOn: threshold === undefined ? undefined : { threshold, crossed: newFindings.some((finding) => crossesFailOn(finding, threshold)) },
        targets: outcomes.map((outcome) => outcome.summary),
        policy: request.policy ? request.policy.report() : undefined,
        notifications: notifications.length ? notifications : undefined,
        warnings: runWarnings(meta.warnings, outcomes),
        errors: meta.errors?.length ? meta.errors : undefined,
        interrupted,
      };
      // Discovery logged its own warnings; missing data is said once here, for the whole run.
      for (const warning of summary.warnings ?? []) if (!meta.warnings?.includes(warning)) logger.warn(warning);
      runFiles('summary.json', request.runDir, () => writeSummary(request.runDir, summary));
      logger.info('scan finished', { runId, newFindings: newFindings.length, failedTargets: summary.failedTargets, failOnCrossed: summary.failOn?.crossed, interrupted: interrupted?.signal, runDir: request.runDir });
      return { runId, runDir: request.runDir, summary, newFindings };
    },
    close(): void {
      store.close();
    },
  };
}

/** Folds collected evidence (a merge's bundles) into the store, then delivers and writes the run's outputs. */
export async function recordRun(bundle: ScanBundle, request: RecordRequest): Promise<ScanResult> {
  const recording = openRecording(bundle, request);
  try {
    const outcomes = bundle.targets.map((evidence) => recording.record(evidence));
    return await recording.finish(outcomes, bundle.targets.map((evidence) => evidence.target));
  } finally {
    recording.close();
  }
}

interface CollectContext extends ScanRequest {
  runId: string;
  /** Each target's last complete scan (store/target-state.ts), read once per run. */
  states: Map<string, Omit<TargetState, 'inventory'>>;
  /** The store, read during collection (recording happens after, on its own connection). */
  store: Store;
  tools: ToolIdentities;
  progress: FleetProgress;
}

function isGitTarget(target: TargetConfig): boolean {
  return target.kind === 'repo' && (isRemoteUrl(target.repo as string) || isLocalGitRepository(target.repo as string));
}

/** The commit a git target's ref names now: from the remote (or, offline, from the cached mirror). */
async function currentRef(target: TargetConfig, context: CollectContext): Promise<ResolvedRef | undefined> {
  const repo = target.repo as string;
  if (context.offline && isRemoteUrl(repo)) return resolveRemoteRef(mirrorPath(join(context.home, 'cache'), repo), target.ref, { offline: true });
  return resolveRemoteRef(repo, target.ref);
}

/** A time-limited triage decision or ignore rule on the target that ran out since `since`: it must alert. */
function expiryDue(context: CollectContext, target: TargetConfig, since: string): boolean {
  const now = context.now().toISOString();
  // Judged as of the last complete scan (what a rule suppressed then, and until when) and now
  // (triage decided since, which an expired decision still names).
  const findings = [...context.store.judged({ target: target.key, state: 'open' }, since), ...context.store.judged({ target: target.key, state: 'open' }, now)];
  return findings.some((finding) =>
    [finding.triage?.until, finding.suppression?.until].some((until) => until !== undefined && isExpired(until, now) && !isExpired(until, since)),
  );
}

/** Checkout, inventory, OSV and analyzers for one target. Never throws: failures are evidence too. */
async function collectTarget(target: TargetConfig, context: CollectContext): Promise<TargetEvidence> {
  const { logger } = context;
  const started = performance.now();
  const timings: Record<string, number> = {};
  const evidence: TargetEvidence = {
    target,
    startedAt: context.now().toISOString(),
    finishedAt: '',
    packages: [],
    lockfiles: [],
    findings: [],
    failures: [],
    keepOpen: [],
    warnings: [],
    tools: [],
    toolVersions: {},
    timings,
  };
  const stage = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
    context.progress.stage(target.name, name);
    const begun = performance.now();
    try {
      return await work();
    } finally {
      timings[name] = Math.round((timings[name] ?? 0) + performance.now() - begun);
    }
  };
  const finish = () => {
    timings.total = Math.round(performance.now() - started);
    const outcome = evidence.skipped ? 'skipped' : evidence.fatal ? 'failed' : evidence.failures.length ? 'partial' : 'ok';
    context.progress.finished(target.name, outcome);
    logger.info('target finished', {
      target: target.name,
      commit: evidence.commit,
      outcome,
      rematched: evidence.rematched || undefined,
      reason: evidence.skipped,
      packages: evidence.packages.length,
      durationMs: timings.total,
      stages: Object.fromEntries(Object.entries(timings).filter(([name]) => name !== 'total')),
    });
    return { ...evidence, finishedAt: context.now().toISOString() };
  };

  evidence.inputs = targetInputs(target, { toolVersion: context.toolVersion, rulesDigest: context.rulesDigest, tools: context.tools, osvSource: context.vulnerabilities.kind });

  // Incremental: a git target whose commit and inputs are those of its last complete scan is
  // skipped, or (only the OSV data changed) matched again from its stored inventory, without git.
  let resolved: ResolvedRef | undefined;
  if (isGitTarget(target)) {
    try {
      resolved = await stage('resolve', () => currentRef(target, context));
    } catch {
      // the checkout below reports why, as a failure of this target
    }
    const previous = context.states.get(target.key);
    if (!context.force && previous && resolved && previous.commit === resolved.commit && previous.inputs === evidence.inputs && !expiryDue(context, target, previous.at)) {
      const stored = context.store.storedInventory(target.key);
      if (stored) {
        evidence.commit = resolved.commit;
        evidence.ref = resolved.name;
        const osvVersion = context.vulnerabilities.dataVersion?.(stored.packages.map((pkg) => pkg.ecosystem));
        if (osvVersion !== undefined && osvVersion === previous.osv) {
          evidence.skipped = `unchanged since the complete scan of ${previous.at} (commit, configuration, tools, rules and OSV data)`;
          return finish();
        }
        // osv-scanner reads files, so only a checkout will do for it.
        if (context.vulnerabilities.kind !== 'osv-scanner') {
          evidence.rematched = true;
          evidence.packages = stored.packages;
          evidence.lockfiles = stored.lockfiles;
          evidence.snapshot = stored.snapshot;
          evidence.tools = stored.tools;
          evidence.toolVersions = stored.toolVersions;
          // Analyzers did not run: their findings stand as the last complete scan left them.
          evidence.keepOpen.push({ stage: 'analyzer', scope: { kind: 'code' }, message: 'code unchanged since the last complete scan; only OSV data changed' });
          await stage('osv', () => matchVulnerabilities(evidence, context, undefined));
          return finish();
        }
      }
    }
  }

  // checkout
  let checkout;
  try {
    checkout = await stage('checkout', () => checkoutTarget(target, context.home, { offline: context.offline, resolved, needsFiles: context.vulnerabilities.kind === 'osv-scanner' }));
  } catch (error) {
    const message = errorMessage(error);
    logger.error('target failed', { target: target.name, stage: 'checkout', error: message });
    evidence.fatal = { stage: 'checkout', scope: { kind: 'target' }, message };
    return finish();
  }
  evidence.commit = checkout.commit || undefined;
  evidence.ref = checkout.ref;

  try {
    // inventory
    const inventory = await stage('inventory', () => inventoryTarget(target, checkout));
    evidence.subject = checkout.subject;
    evidence.failures.push(...inventory.failures);
    evidence.warnings.push(...inventory.warnings);
    evidence.packages = inventory.packages;
    evidence.lockfiles = inventory.files.map((file) => file.path);
    evidence.snapshot = { lockfiles: [...inventory.snapshot.lockfiles], failed: inventory.snapshot.failed };
    logger.debug('inventory', { target: target.name, packages: inventory.packages.length, files: inventory.files.length });

    // vulnerabilities
    await stage('osv', () => matchVulnerabilities(evidence, context, checkout.dir || undefined));

    // analyzers and SARIF imports
    const analysis = await stage('analyzers', () => analyzeTarget(target, checkout, join(context.home, 'cache', 'tmp', context.runId, safeName(target.key))));
    evidence.findings.push(...analysis.findings);
    evidence.failures.push(...analysis.failures);
    evidence.warnings.push(...analysis.warnings);
    evidence.tools = analysis.tools;
    evidence.toolVersions = analysis.toolVersions;
  } catch (error) {
    const message = errorMessage(error);
    logger.error('target failed', { target: target.name, error: message });
    evidence.fatal = { stage: 'scan', scope: { kind: 'target' }, message };
  } finally {
    // The mirror stays in the cache; a worktree is cheap to make again and costs disk per target.
    await checkout.git?.close();
    if (checkout.temporary) rmSync(checkout.dir, { recursive: true, force: true });
  }
  return finish();
}

/** Matches the evidence's packages against the OSV data, noting which data it was. */
async function matchVulnerabilities(evidence: TargetEvidence, context: CollectContext, checkoutDir: string | undefined): Promise<void> {
  evidence.osvVersion = context.vulnerabilities.dataVersion?.(evidence.packages.map((pkg) => pkg.ecosystem));
  if (evidence.packages.length === 0) return;
  try {
    const lookup = await context.vulnerabilities.lookup(evidence.packages, { checkoutDir });
    evidence.provenance = lookup.provenance;
    evidence.findings.push(...lookup.findings.map((finding: Finding) => ({ finding })));
    evidence.failures.push(...(lookup.failures ?? []));
    evidence.keepOpen.push(...(lookup.keepOpen ?? []));
    if (lookup.missingData?.length) evidence.missingData = lookup.missingData;
    evidence.warnings.push(...lookup.problems);
  } catch (error) {
    // The lookup failed as a whole: every dependency finding keeps its state.
    evidence.failures.push({ stage: 'osv', scope: { kind: 'dependencies' }, message: errorMessage(error) });
  }
}

interface RecordContext extends RecordRequest {
  store: Store;
  runId: string;
  /** The configuration's own notification settings (a target's own replace them). */
  notify?: NotifyConfig;
}

/**
 * One target's evidence through the store's one record path, then its SBOM and code-scanning
 * SARIF; its alerts and their notifications join the same transaction (the caller runs this in
 * Store.atomically), so a target is never stored without its alerts.
 */
function recordTarget(evidence: TargetEvidence, context: RecordContext): TargetSummary {
  const { logger, store, runId } = context;
  const { target, commit, failures } = evidence;
  if (evidence.skipped) {
    // Nothing it depends on changed: every finding keeps its state, nothing is marked fixed. Its
    // outputs are written again from the store's judged view (a triage decision since the last
    // scan reaches the code-scanning SARIF) and the stored inventory, so every run folder is whole.
    const at = evidence.finishedAt;
    const open = store.judged({ target: target.key, state: 'open' }, at);
    const stored = store.storedInventory(target.key);
    const previous = store.targetScans(target.key).filter((earlier) => earlier.categories).at(-1)?.categories;
    const counts = emptyCounts();
    counts.open = open.length;
    counts.suppressed = open.filter((finding) => finding.suppression).length;
    const record: TargetScanRecord = {
      runId,
      target: target.key,
      repo: target.kind === 'repo' ? target.repo : undefined,
      ref: evidence.ref ?? target.ref,
      commit,
      subject: evidence.subject,
      startedAt: evidence.startedAt,
      finishedAt: at,
      status: 'skipped',
      errors: [],
      counts,
      categories: previous,
    };
    store.saveTargetScan(record);
    const cut = writeTargetOutputs(context.runDir, target, {
      packages: stored?.packages ?? [],
      commit,
      open,
      retired: [],
      toolVersions: stored?.toolVersions ?? {},
      timestamp: new Date(at),
      toolVersion: context.toolVersion,
    });
    return { ...toSummary(target, record, [...evidence.warnings, ...cut]), reason: evidence.skipped };
  }

  // The target's scans before this one: for tool upgrades and for categories that disappear.
  const history = store.targetScans(target.key);
  const recorded = store.recordTarget(
    {
      runId,
      target: { name: target.name, key: target.key },
      at: evidence.finishedAt,
      startedAt: evidence.startedAt,
      commit,
      repo: target.kind === 'repo' ? target.repo : undefined,
      ref: evidence.ref ?? target.ref,
      subject: evidence.subject,
      findings: evidence.findings,
      failures,
      keepOpen: evidence.keepOpen ?? [],
      fatal: evidence.fatal,
      tools: evidence.tools,
      inventory: evidence.snapshot ? { lockfiles: new Map(evidence.snapshot.lockfiles), failed: evidence.snapshot.failed } : undefined,
      changedTools: changedTools(store, history.at(-1), evidence.toolVersions),
    },
    context.policy,
  );
  const record = recorded.scan;
  if (evidence.fatal) {
    // Nothing was looked at: the next night scans the target again in full.
    store.saveTargetState({ target: target.key, forget: true });
    return toSummary(target, record, evidence.warnings);
  }

  const categories = currentCategories(evidence.lockfiles, evidence.tools, recorded.open);
  const previous = history.filter((earlier) => earlier.categories).at(-1)?.categories ?? [];
  const retired = previous.filter((category) => !categories.includes(category));
  record.categories = categories;
  store.saveTargetScan(record);

  // Absence of evidence is not a fix, and the summary says why a tool's findings stayed open.
  const unread = new Map<string, number>();
  for (const finding of recorded.open) {
    if (finding.kind !== 'code' || evidence.tools.includes(finding.source.toLowerCase()) || coveredByAny(failures, finding)) continue;
    unread.set(finding.source, (unread.get(finding.source) ?? 0) + 1);
  }
  const kept = [...unread].map(([tool, count]) => `${tool}: no output was read in this run, so its ${count} open finding(s) keep their state`);

  // The state an incremental night compares with: only a complete scan of a git target sets it;
  // anything less makes the next night scan the target again.
  if (record.status === 'ok' && commit && evidence.inputs && isGitTarget(target)) {
    store.saveTargetState({
      target: target.key,
      runId,
      at: evidence.finishedAt,
      commit,
      inputs: evidence.inputs,
      osv: evidence.osvVersion,
      inventory: { packages: evidence.packages, lockfiles: evidence.lockfiles, snapshot: evidence.snapshot, tools: evidence.tools, toolVersions: evidence.toolVersions },
    });
  } else {
    store.saveTargetState({ target: target.key, forget: true });
  }

  store.raiseAlerts(runId, record.finishedAt, recorded.alerts);
  if (!context.shardRun) queueAlertNotifications(store, { runId, at: record.finishedAt, global: context.notify, target, alerts: recorded.alerts });
  // Nothing here may abort the target's transaction or the run (and with it later targets): files
  // that cannot be written (a full disk, a document too large to serialise) are a warning.
  let cut: string[];
  try {
    cut = writeTargetOutputs(context.runDir, target, {
      packages: evidence.packages,
      commit,
      open: recorded.open,
      retired,
      toolVersions: evidence.toolVersions,
      timestamp: new Date(evidence.finishedAt),
      toolVersion: context.toolVersion,
    });
  } catch (error) {
    cut = [`targets/${target.name}: SBOM and code-scanning SARIF not written: ${outputErrorMessage(error)}`];
  }
  for (const warning of cut) logger.warn(warning, { target: target.name });
  for (const failure of failures) logger.warn('stage failed', { target: target.name, stage: failure.stage, scope: describeScope(failure.scope), message: failure.message });
  logger.info('target scanned', { target: target.name, commit, status: record.status, ...record.counts });
  return toSummary(target, record, [...evidence.warnings, ...kept, ...cut]);
}

/** A skipped outcome when the store already holds a scan of the target that started at or after this one. */
function staleEvidence(store: Store, evidence: TargetEvidence): TargetSummary | undefined {
  const { target } = evidence;
  const newest = store
    .targetScans(target.key)
    .map((scan) => scan.startedAt)
    .reduce<string | undefined>((latest, at) => (latest === undefined || at > latest ? at : latest), undefined);
  if (newest === undefined || newest < evidence.startedAt) return undefined;
  const why = newest === evidence.startedAt ? 'this scan is already in the store' : `the store holds a newer scan (started ${newest})`;
  return {
    name: target.name,
    key: target.key,
    repo: target.repo ?? target.path,
    ref: target.ref,
    commit: evidence.commit,
    subject: evidence.subject,
    status: 'skipped',
    scannedAt: evidence.finishedAt,
    errors: [],
    warnings: [`skipped: ${why}; nothing changed`],
    counts: { ...emptyCounts(), open: store.findings({ target: target.key, state: 'open' }).length },
  };
}

/** Tools whose version differs from the one in the target's previous scan. */
function changedTools(store: Store, previousScan: TargetScanRecord | undefined, current: Record<string, string>): string[] {
  const previousTools = previousScan ? store.runs().find((run) => run.id === previousScan.runId)?.tools : undefined;
  if (!previousTools) return [];
  return Object.entries(current)
    .filter(([tool, version]) => previousTools[tool] !== undefined && previousTools[tool] !== version)
    .map(([tool]) => tool);
}

/** Code-scanning categories this scan speaks for: every lockfile read, every tool run, every open finding's. */
function currentCategories(lockfiles: string[], tools: string[], open: StoredFinding[]): string[] {
  const categories = new Set<string>([...lockfiles.map(dependencyCategory), ...tools.map(codeCategory)]);
  for (const finding of open) categories.add(finding.kind === 'dependency' ? dependencyCategory(finding.location.path) : codeCategory(finding.source));
  return [...categories].sort();
}

/** Why an output could not be written, in words: a full disk, a denied folder, a document too large to serialise. */
export function outputErrorMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC') return `no space left on the device (${errorMessage(error)})`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `not allowed to write there (${errorMessage(error)})`;
  if (error instanceof RangeError) return `the document is too large to serialise (${errorMessage(error)})`;
  return errorMessage(error);
}

/**
 * Writes a run's own files. A file-system failure (a full disk) becomes a typed error saying so:
 * the results are stored, and alerts not confirmed delivered go into the next run's new.json.
 */
function runFiles<T>(what: string, runDir: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (!(typeof code === 'string' && code.startsWith('E'))) throw error;
    throw new SieveError('SIEVE_WRITE', `cannot write the run's ${what} in ${runDir}: ${outputErrorMessage(error)}; the results are stored, and undelivered alerts go into the next run's new.json`, { cause: error });
  }
}

function toSummary(target: TargetConfig, record: TargetScanRecord, warnings: string[]): TargetSummary {
  return {
    name: target.name,
    key: target.key,
    repo: target.repo ?? target.path,
    ref: record.ref,
    commit: record.commit,
    subject: record.subject,
    status: record.status,
    scannedAt: record.finishedAt,
    errors: record.errors.map((failure) => {
      const file = scopeFile(failure.scope);
      return `${failure.stage}${file ? ` ${file}` : ''}: ${failure.message}`;
    }),
    // A large monorepo can have thousands of unpinned lines: the summary keeps it readable.
    warnings: warnings.length > MAX_SUMMARY_WARNINGS ? [...warnings.slice(0, MAX_SUMMARY_WARNINGS), `… and ${warnings.length - MAX_SUMMARY_WARNINGS} more`] : warnings,
    counts: record.counts,
  };
}

const MAX_SUMMARY_WARNINGS = 200;
