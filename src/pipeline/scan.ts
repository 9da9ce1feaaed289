import pLimit from 'p-limit';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, TargetConfig } from '../config/load.js';
import type { Logger } from '../model/logger.js';
import type { OsvProvenance, StoredFinding, TargetScanRecord } from '../model/records.js';
import { errorMessage } from '../model/errors.js';
import { severityRank, type Finding, type Package, type Severity, type StageFailure, type TransitionCounts } from '../model/types.js';
import type { VulnerabilitySource } from '../osv/source.js';
import { Store } from '../store/store.js';
import type { IncomingFinding, InventorySnapshot } from '../store/findings.js';
import { checkoutTarget } from './checkout-target.js';
import { inventoryTarget } from './inventory-target.js';
import { analyzeTarget } from './analyze-target.js';
import { writeRunOutputs, writeTargetOutputs, type RunSummary, type TargetSummary } from './outputs.js';
import { applyPolicy, type PolicySet } from './policy-step.js';
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
  policy?: PolicySet;
}

export interface ScanResult {
  runId: string;
  runDir: string;
  summary: RunSummary;
  newFindings: StoredFinding[];
  exitCode: 0 | 1 | 3;
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

function emptyCounts(): TransitionCounts {
  return { new: 0, unchanged: 0, fixed: 0, reopened: 0, suppressed: 0, open: 0 };
}

/** The alerting findings of a target in this run: new or reopened and not suppressed. */
function isAlert(finding: StoredFinding): boolean {
  return (finding.lastTransition === 'new' || finding.lastTransition === 'reopened' || finding.newReason === 'triage-expired') && !finding.suppression && finding.state === 'open';
}

/** The one orchestrator: every stage in order for every planned target, then the run's outputs. */
export async function runScan(request: ScanRequest): Promise<ScanResult> {
  const { config, home, logger } = request;
  const startedAt = request.now();
  const runId = newRunId(startedAt);
  const runDir = join(home, 'runs', runId);
  mkdirSync(runDir, { recursive: true });
  const store = Store.open(join(home, 'sieve.db'));
  try {
    store.beginRun(runId, startedAt.toISOString());
    const targets = planTargets(config.targets, request.only, request.shard);
    logger.info('scan started', { runId, targets: targets.length });
    const limit = pLimit(Math.max(1, request.concurrency ?? 4));
    let done = 0;
    const provenance: OsvProvenance[] = [];
    const toolVersions: Record<string, string> = {};
    const outcomes = await Promise.all(
      targets.map((target) =>
        limit(async () => {
          logger.progress(done, targets.length, target.name);
          const outcome = await scanTarget(target, { ...request, store, runId, runDir, provenance, toolVersions });
          done += 1;
          logger.progress(done, targets.length, target.name);
          return outcome;
        }),
      ),
    );
    const finishedAt = request.now();
    const osv = provenance[0];
    store.finishRun(runId, finishedAt.toISOString(), osv, toolVersions);
    const newFindings = outcomes.flatMap((outcome) => outcome.alerts);
    const summary: RunSummary = {
      runId,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      osv,
      tools: toolVersions,
      targets: outcomes.map((outcome) => outcome.summary),
      policy: request.policy ? request.policy.report() : undefined,
    };
    writeRunOutputs(runDir, summary, newFindings);
    const failed = outcomes.some((outcome) => outcome.summary.status === 'failed' || outcome.summary.status === 'partial');
    const threshold = request.failOn;
    const gate = threshold !== undefined && newFindings.some((finding) => severityRank(finding.severity) >= severityRank(threshold));
    // A new finding over the threshold is certain even when another target failed, so it wins.
    const exitCode = gate ? 1 : failed ? 3 : 0;
    logger.info('scan finished', { runId, newFindings: newFindings.length, exitCode, runDir });
    return { runId, runDir, summary, newFindings, exitCode };
  } finally {
    store.close();
  }
}

interface TargetContext extends ScanRequest {
  store: Store;
  runId: string;
  runDir: string;
  provenance: OsvProvenance[];
  toolVersions: Record<string, string>;
}

async function scanTarget(target: TargetConfig, context: TargetContext): Promise<{ summary: TargetSummary; alerts: StoredFinding[] }> {
  const { logger, store, runId } = context;
  const startedAt = context.now().toISOString();
  const failures: StageFailure[] = [];
  const warnings: string[] = [];
  const base: Omit<TargetScanRecord, 'status' | 'finishedAt' | 'errors' | 'counts'> = {
    runId,
    target: target.key,
    repo: target.kind === 'repo' ? target.repo : undefined,
    ref: target.ref,
    startedAt,
  };

  // checkout
  let checkout;
  try {
    checkout = await checkoutTarget(target, context.home, runId);
  } catch (error) {
    const message = errorMessage(error);
    logger.error('target failed', { target: target.name, stage: 'checkout', error: message });
    // Nothing was looked at, so nothing changes state: every finding keeps its state.
    const counts = { ...emptyCounts(), open: store.findings({ target: target.key, state: 'open' }).length };
    const record: TargetScanRecord = {
      ...base,
      status: 'failed',
      finishedAt: context.now().toISOString(),
      errors: [{ stage: 'checkout', source: '*', message }],
      counts,
    };
    store.saveTargetScan(record);
    return { summary: toSummary(target, record, []), alerts: [] };
  }
  const commit = checkout.commit || undefined;

  try {
    // inventory
    const inventory = inventoryTarget(target, checkout);
    failures.push(...inventory.failures);
    warnings.push(...inventory.warnings);
    const packages: Package[] = inventory.packages;
    logger.debug('inventory', { target: target.name, packages: packages.length, files: inventory.files.length });

    // vulnerabilities
    const findings: IncomingFinding[] = [];
    if (packages.length > 0) {
      try {
        const lookup = await context.vulnerabilities.lookup(packages, { checkoutDir: checkout.dir });
        context.provenance.push(lookup.provenance);
        findings.push(...lookup.findings.map((finding: Finding) => ({ finding })));
        failures.push(...(lookup.failures ?? []));
        warnings.push(...lookup.problems);
      } catch (error) {
        failures.push({ stage: 'osv', source: 'osv', message: errorMessage(error) });
      }
    }

    // analyzers and SARIF imports
    const analysis = await analyzeTarget(target, checkout, join(context.home, 'cache', 'tmp', runId, safeName(target.key)), context.now);
    findings.push(...analysis.findings);
    failures.push(...analysis.failures);
    warnings.push(...analysis.warnings);
    Object.assign(context.toolVersions, analysis.toolVersions);

    // store, then policy on what the store made of it
    const snapshot: InventorySnapshot = inventory.snapshot;
    const at = context.now().toISOString();
    const { touched, scan } = store.recordTarget(
      { runId, target: target.key, at, commit, findings, failures, inventory: snapshot },
      () => ({ ...base, commit, subject: checkout.subject, status: failures.length ? 'partial' : 'ok', finishedAt: at, errors: failures, counts: emptyCounts() }),
    );
    const open = store.findings({ target: target.key, state: 'open' });
    const judged = applyPolicy(context.policy, target, open, touched, at, store);
    const counts = emptyCounts();
    for (const finding of touched) counts[finding.lastTransition] += 1;
    counts.open = open.length;
    counts.suppressed = judged.open.filter((finding) => finding.suppression).length;
    const record: TargetScanRecord = { ...scan, counts };

    const categories = currentCategories(inventory.files.map((file) => file.path), analysis.tools, judged.open);
    const previous = store.targetScans(target.key).filter((scan) => scan.runId !== runId && scan.categories).at(-1)?.categories ?? [];
    const retired = previous.filter((category) => !categories.includes(category));
    record.categories = categories;
    store.saveTargetScan(record);

    const alerts = judged.touched.filter(isAlert);
    writeTargetOutputs(context.runDir, target, {
      packages,
      commit,
      checkout,
      open: judged.open,
      categories,
      retired,
      toolVersions: analysis.toolVersions,
      timestamp: new Date(at),
      toolVersion: context.toolVersion,
      failures,
    });
    for (const failure of failures) logger.warn('stage failed', { target: target.name, ...failure });
    logger.info('target scanned', { target: target.name, commit, status: record.status, ...counts });
    return { summary: toSummary(target, record, warnings), alerts };
  } catch (error) {
    const message = errorMessage(error);
    logger.error('target failed', { target: target.name, error: message });
    const record: TargetScanRecord = {
      ...base,
      commit,
      status: 'failed',
      finishedAt: context.now().toISOString(),
      errors: [...failures, { stage: 'scan', source: '*', message }],
      counts: { ...emptyCounts(), open: store.findings({ target: target.key, state: 'open' }).length },
    };
    store.saveTargetScan(record);
    return { summary: toSummary(target, record, warnings), alerts: [] };
  }
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
    errors: record.errors.map((failure) => `${failure.stage}${failure.path ? ` ${failure.path}` : ''}: ${failure.message}`),
    warnings,
    counts: record.counts,
  };
}
