import pLimit from 'p-limit';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, NotifyConfig, TargetConfig } from '../config/load.js';
import { deliverNotifications } from './notify-step.js';
import type { Logger } from '../model/logger.js';
import { writeFileAtomic } from '../model/write-file-atomic.js';
import type { OsvProvenance, StoredFinding, TargetScanRecord } from '../model/records.js';
import { errorMessage } from '../model/errors.js';
import { severityRank, type Finding, type Package, type Severity, type StageFailure } from '../model/types.js';
import type { VulnerabilitySource } from '../osv/source.js';
import { Store } from '../store/store.js';
import type { IncomingFinding } from '../store/findings.js';
import { shareableBundle } from './bundle.js';
import { checkoutTarget } from './checkout-target.js';
import { inventoryTarget } from './inventory-target.js';
import { analyzeTarget } from './analyze-target.js';
import { writeRunOutputs, writeTargetOutputs, type RunSummary, type TargetSummary } from './outputs.js';
import type { Policy } from '../model/judgement.js';
import { coveredByAny, describeScope, scopeFile } from '../model/scope.js';
import { codeCategory, dependencyCategory } from '../report/code-scanning.js';

export interface ScanRequest {
  config: Config;
  home: string;
  only?: string[];
  concurrency?: number;
  /** 1-based shard index and the number of shards. */
  shard?: { index: number; count: number };
  vulnerabilities: VulnerabilitySource;
  failOn?: Severity;
  now: () => Date;
  logger: Logger;
  toolVersion: string;
  policy?: Policy;
  githubToken?: string;
  /** No network: git mirrors are used as cached, the OSV source is the offline index. */
  offline?: boolean;
}

export interface ScanResult {
  runId: string;
  runDir: string;
  summary: RunSummary;
  newFindings: StoredFinding[];
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
  tools: string[];
  toolVersions: Record<string, string>;
  provenance?: OsvProvenance;
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
  targets: TargetEvidence[];
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
  logger.info('scan started', { runId, targets: targets.length, shard: request.shard ? `${request.shard.index}/${request.shard.count}` : undefined });
  const limit = pLimit(Math.max(1, request.concurrency ?? 4));
  let done = 0;
  const evidence = await Promise.all(
    targets.map((target) =>
      limit(async () => {
        logger.progress(done, targets.length, target.name);
        const collected = await collectTarget(target, { ...request, runId });
        done += 1;
        logger.progress(done, targets.length, target.name);
        return collected;
      }),
    ),
  );
  const bundle: ScanBundle = {
    format: 'sieve-bundle/1',
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: request.now().toISOString(),
    shard: request.shard,
    notify: config.notify,
    targets: evidence,
  };
  // A shard's results go to the central store through `sieve merge`; they are also recorded here.
  if (request.shard) writeFileAtomic(join(runDir, 'bundle.json'), JSON.stringify(shareableBundle(bundle)));
  return recordRun(bundle, { ...request, runDir });
}

export interface RecordRequest {
  home: string;
  runDir: string;
  now: () => Date;
  logger: Logger;
  toolVersion: string;
  failOn?: Severity;
  policy?: Policy;
  /** GITHUB_TOKEN, for filing issues. */
  githubToken?: string;
  offline?: boolean;
}

/** Folds collected evidence into the store, applies policy, notifies, and writes the run's outputs. */
export async function recordRun(bundle: ScanBundle, request: RecordRequest): Promise<ScanResult> {
  const { logger } = request;
  const runId = bundle.runId;
  const store = Store.open(join(request.home, 'sieve.db'));
  try {
    store.beginRun(runId, bundle.startedAt);
    const outcomes = bundle.targets.map((evidence) => recordTarget(evidence, { ...request, store, runId }));
    const finishedAt = request.now().toISOString();
    const toolVersions = Object.assign({}, ...bundle.targets.map((evidence) => evidence.toolVersions)) as Record<string, string>;
    const osv = mergeProvenance(bundle.targets.map((evidence) => evidence.provenance));
    store.finishRun(runId, finishedAt, osv, toolVersions);
    const newFindings = outcomes.flatMap((outcome) => outcome.alerts);
    const notifications = await deliverNotifications({
      store,
      runId,
      at: finishedAt,
      global: bundle.notify,
      targets: bundle.targets.map((evidence) => evidence.target),
      alerts: newFindings,
      token: request.githubToken,
      logger,
      send: request.offline !== true,
    });
    const threshold = request.failOn;
    const summary: RunSummary = {
      runId,
      startedAt: bundle.startedAt,
      finishedAt,
      osv,
      tools: toolVersions,
      // Both facts, whatever the exit code says (cli/exit-codes.ts decides that from them).
      failedTargets: outcomes.filter((outcome) => outcome.summary.status === 'failed' || outcome.summary.status === 'partial').length,
      failOn: threshold === undefined ? undefined : { threshold, crossed: newFindings.some((finding) => severityRank(finding.severity) >= severityRank(threshold)) },
      targets: outcomes.map((outcome) => outcome.summary),
      policy: request.policy ? request.policy.report() : undefined,
      notifications: notifications.length ? notifications : undefined,
    };
    writeRunOutputs(request.runDir, summary, newFindings);
    logger.info('scan finished', { runId, newFindings: newFindings.length, failedTargets: summary.failedTargets, failOnCrossed: summary.failOn?.crossed, runDir: request.runDir });
    return { runId, runDir: request.runDir, summary, newFindings };
  } finally {
    store.close();
  }
}

/** Checkout, inventory, OSV and analyzers for one target. Never throws: failures are evidence too. */
async function collectTarget(target: TargetConfig, context: ScanRequest & { runId: string }): Promise<TargetEvidence> {
  const { logger, runId } = context;
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
  };
  const finish = () => ({ ...evidence, finishedAt: context.now().toISOString() });

  // checkout
  let checkout;
  try {
    checkout = await checkoutTarget(target, context.home, { offline: context.offline });
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
    const inventory = inventoryTarget(target, checkout);
    evidence.subject = checkout.subject;
    evidence.failures.push(...inventory.failures);
    evidence.warnings.push(...inventory.warnings);
    evidence.packages = inventory.packages;
    evidence.lockfiles = inventory.files.map((file) => file.path);
    evidence.snapshot = { lockfiles: [...inventory.snapshot.lockfiles], failed: inventory.snapshot.failed };
    logger.debug('inventory', { target: target.name, packages: inventory.packages.length, files: inventory.files.length });

    // vulnerabilities
    if (inventory.packages.length > 0) {
      try {
        const lookup = await context.vulnerabilities.lookup(inventory.packages, { checkoutDir: checkout.dir });
        evidence.provenance = lookup.provenance;
        evidence.findings.push(...lookup.findings.map((finding: Finding) => ({ finding })));
        evidence.failures.push(...(lookup.failures ?? []));
        evidence.keepOpen.push(...(lookup.keepOpen ?? []));
        evidence.warnings.push(...lookup.problems);
      } catch (error) {
        // The lookup failed as a whole: every dependency finding keeps its state.
        evidence.failures.push({ stage: 'osv', scope: { kind: 'dependencies' }, message: errorMessage(error) });
      }
    }

    // analyzers and SARIF imports
    const analysis = await analyzeTarget(target, checkout, join(context.home, 'cache', 'tmp', runId, safeName(target.key)));
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
    if (checkout.temporary) rmSync(checkout.dir, { recursive: true, force: true });
  }
  return finish();
}

interface RecordContext extends RecordRequest {
  store: Store;
  runId: string;
}

/** One target's evidence through the store's one record path, then its SBOM and code-scanning SARIF. */
function recordTarget(evidence: TargetEvidence, context: RecordContext): { summary: TargetSummary; alerts: StoredFinding[] } {
  const { logger, store, runId } = context;
  const { target, commit, failures } = evidence;
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
  if (evidence.fatal) return { summary: toSummary(target, record, evidence.warnings), alerts: [] };

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

  const cut = writeTargetOutputs(context.runDir, target, {
    packages: evidence.packages,
    commit,
    open: recorded.open,
    retired,
    toolVersions: evidence.toolVersions,
    timestamp: new Date(evidence.finishedAt),
    toolVersion: context.toolVersion,
  });
  for (const warning of cut) logger.warn(warning, { target: target.name });
  for (const failure of failures) logger.warn('stage failed', { target: target.name, stage: failure.stage, scope: describeScope(failure.scope), message: failure.message });
  logger.info('target scanned', { target: target.name, commit, status: record.status, ...record.counts });
  return { summary: toSummary(target, record, [...evidence.warnings, ...kept, ...cut]), alerts: recorded.alerts };
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

export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
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
