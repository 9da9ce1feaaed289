import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readConfined } from '../inventory/walk.js';
import type { Logger } from '../model/logger.js';
import type { StoredFinding, TargetScanRecord } from '../model/records.js';
import { errorMessage } from '../model/errors.js';
import type { StageFailure, TransitionCounts } from '../model/types.js';
import { codeFingerprint } from '../sarif/identity.js';
import { importSarif } from '../sarif/import.js';
import type { IncomingFinding } from '../store/findings.js';
import { Store } from '../store/store.js';
import { newRunId } from './scan.js';
import { writeRunOutputs } from './outputs.js';

export interface ImportRequest {
  home: string;
  target: string;
  commit: string;
  files: Array<{ name: string; text: string }>;
  /** A checkout of the commit, for line hashes and repo-relative paths. */
  checkoutDir?: string;
  now: () => Date;
  logger: Logger;
}

export interface ImportResult {
  runId: string;
  runDir: string;
  scan: TargetScanRecord;
  newFindings: StoredFinding[];
}

/**
 * Folds SARIF produced elsewhere (CI artifacts) into the store as a run of its own. It speaks only
 * for the tools in the files: every other finding of the target is left as it was.
 */
export function importSarifRun(request: ImportRequest): ImportResult {
  const startedAt = request.now().toISOString();
  const runId = newRunId(request.now());
  const runDir = join(request.home, 'runs', runId);
  mkdirSync(runDir, { recursive: true });
  const readFile = request.checkoutDir ? (path: string) => readConfined(request.checkoutDir as string, path) : undefined;
  const findings: IncomingFinding[] = [];
  const failures: StageFailure[] = [];
  const tools = new Set<string>();
  const toolVersions: Record<string, string> = {};
  for (const file of request.files) {
    try {
      const imported = importSarif(file.text, { sourceName: file.name, checkoutDir: request.checkoutDir, readFile });
      findings.push(...imported.findings.map((finding) => ({ finding, codeFingerprint: codeFingerprint(finding) })));
      for (const tool of imported.tools) {
        tools.add(tool.name.toLowerCase());
        if (tool.version) toolVersions[tool.name.toLowerCase()] = tool.version;
      }
      for (const error of imported.errors) request.logger.warn(`${file.name}: ${error}`);
    } catch (error) {
      failures.push({ stage: 'sarif', source: 'code:*', message: errorMessage(error) });
    }
  }
  for (const finding of findings) tools.add(finding.finding.source);

  const store = Store.open(join(request.home, 'sieve.db'));
  try {
    store.beginRun(runId, startedAt);
    // Protect every source these files do not speak for.
    const others = new Set(store.findings({ target: request.target, state: 'open' }).map((finding) => finding.source));
    others.add('osv');
    for (const source of others) if (!tools.has(source)) failures.push({ stage: 'import', source, message: 'not in the imported files' });
    const at = request.now().toISOString();
    const counts: TransitionCounts = { new: 0, unchanged: 0, fixed: 0, reopened: 0, suppressed: 0, open: 0 };
    const realFailures = failures.filter((failure) => failure.stage !== 'import');
    const { touched, scan } = store.recordTarget({ runId, target: request.target, at, commit: request.commit, findings, failures }, () => ({
      runId,
      target: request.target,
      commit: request.commit,
      status: realFailures.length ? 'partial' : 'ok',
      startedAt,
      finishedAt: at,
      errors: realFailures,
      counts,
    }));
    for (const finding of touched) counts[finding.lastTransition] += 1;
    counts.open = store.findings({ target: request.target, state: 'open' }).length;
    const record = { ...scan, counts };
    store.saveTargetScan(record);
    store.finishRun(runId, at, undefined, toolVersions);
    const newFindings = touched.filter((finding) => finding.lastTransition === 'new' || finding.lastTransition === 'reopened');
    writeRunOutputs(
      runDir,
      {
        runId,
        startedAt,
        finishedAt: at,
        tools: toolVersions,
        targets: [{ name: request.target, key: request.target, commit: request.commit, status: record.status, scannedAt: at, errors: realFailures.map((failure) => failure.message), warnings: [], counts }],
      },
      newFindings,
    );
    return { runId, runDir, scan: record, newFindings };
  } finally {
    store.close();
  }
}
