import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readConfined } from '../inventory/walk.js';
import type { Logger } from '../model/logger.js';
import type { Policy } from '../model/judgement.js';
import type { StoredFinding, TargetScanRecord } from '../model/records.js';
import { errorMessage } from '../model/errors.js';
import type { StageFailure } from '../model/types.js';
import { fingerprintAll } from '../sarif/identity.js';
import { importSarif } from '../sarif/import.js';
import type { IncomingFinding } from '../store/findings.js';
import { Store } from '../store/store.js';
import { newRunId } from './scan.js';
import { deliverAlerts } from './alerts-step.js';
import { writeCodeScanning, writeSummary } from './outputs.js';

export interface ImportRequest {
  home: string;
  target: string;
  commit: string;
  files: Array<{ name: string; text: string }>;
  /** A checkout of the commit, for line hashes and repo-relative paths. */
  checkoutDir?: string;
  now: () => Date;
  logger: Logger;
  policy?: Policy;
}

export interface ImportResult {
  runId: string;
  runDir: string;
  scan: TargetScanRecord;
  newFindings: StoredFinding[];
}

/**
 * Folds SARIF produced elsewhere (CI artifacts) into the store as a run of its own, through the
 * same record path as a scan: rules and triage apply, new.json holds only what alerts, and the
 * target's code-scanning SARIF is written. It speaks only for the tools in the files: dependency
 * findings and every other tool's findings are left as they were.
 */
export function importSarifRun(request: ImportRequest): ImportResult {
  const startedAt = request.now().toISOString();
  const runId = newRunId(request.now());
  const runDir = join(request.home, 'runs', runId);
  mkdirSync(runDir, { recursive: true });
  if (!request.checkoutDir) {
    request.logger.warn('no --checkout: line hashes cannot be computed from the source, so code findings without the tool\'s own fingerprints are named by line and message and may not keep their identity across runs');
  }
  const readFile = request.checkoutDir ? (path: string) => readConfined(request.checkoutDir as string, path) : undefined;
  const findings: IncomingFinding[] = [];
  const failures: StageFailure[] = [];
  const tools = new Set<string>();
  const toolVersions: Record<string, string> = {};
  const warnings: string[] = [];
  for (const file of request.files) {
    try {
      const imported = importSarif(file.text, { sourceName: file.name, checkoutDir: request.checkoutDir, readFile });
      findings.push(...fingerprintAll(imported.findings));
      for (const tool of imported.tools) {
        tools.add(tool.name.toLowerCase());
        if (tool.version) toolVersions[tool.name.toLowerCase()] = tool.version;
      }
      // Each error names its log already.
      for (const error of imported.errors) {
        request.logger.warn(error);
        warnings.push(error);
      }
    } catch (error) {
      // Which tool wrote an unreadable file is unknown: every code finding keeps its state.
      failures.push({ stage: 'sarif', scope: { kind: 'code' }, message: errorMessage(error) });
    }
  }
  for (const incoming of findings) tools.add(incoming.finding.source.toLowerCase());

  const store = Store.open(join(request.home, 'sieve.db'));
  try {
    store.beginRun(runId, startedAt);
    const at = request.now().toISOString();
    const previous = store.targetScans(request.target).at(-1);
    // The target, its judgement and its alerts in one transaction: a kill loses no alert.
    const recorded = store.atomically(() => {
      const result = store.recordTarget(
        {
          runId,
          target: { name: request.target, key: request.target },
          at,
          startedAt,
          commit: request.commit,
          repo: previous?.repo,
          ref: previous?.ref,
          findings,
          failures,
          // These files say nothing about dependencies; other tools are left alone through `tools`.
          keepOpen: [{ stage: 'import-sarif', scope: { kind: 'dependencies' }, message: 'not in the imported files' }],
          tools: [...tools],
        },
        request.policy,
      );
      // An import speaks for its tools only: it retires no category.
      result.scan.categories = previous?.categories;
      store.saveTargetScan(result.scan);
      store.raiseAlerts(runId, at, result.alerts);
      return result;
    });
    const scan = recorded.scan;
    store.finishRun(runId, at, undefined, toolVersions);
    const cut = writeCodeScanning(runDir, { name: request.target, repo: previous?.repo }, { commit: request.commit, open: recorded.open, retired: [], toolVersions });
    for (const warning of cut) request.logger.warn(warning, { target: request.target });
    const newFindings = deliverAlerts(store, { home: request.home, runDir, runId, at });
    writeSummary(runDir, {
      runId,
      startedAt,
      finishedAt: at,
      tools: toolVersions,
      failedTargets: scan.status === 'ok' ? 0 : 1,
      targets: [
        {
          name: request.target,
          key: request.target,
          repo: previous?.repo,
          ref: previous?.ref,
          commit: request.commit,
          status: scan.status,
          scannedAt: at,
          errors: failures.map((failure) => `${failure.stage}: ${failure.message}`),
          warnings: [...warnings, ...cut],
          counts: scan.counts,
        },
      ],
      policy: request.policy?.report(),
    });
    return { runId, runDir, scan, newFindings };
  } finally {
    store.close();
  }
}
