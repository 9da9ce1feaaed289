import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../model/write-file-atomic.js';
import { join } from 'node:path';
import type { TargetConfig } from '../config/load.js';
import type { OsvProvenance, StoredFinding } from '../model/records.js';
import type { Package, Severity, TargetStatus, TransitionCounts } from '../model/types.js';
import { codeScanningSarif } from '../report/code-scanning.js';
import { newFindingsJson, newFindingsMarkdown } from '../report/new-findings.js';
import { buildBom } from '../sbom/build.js';
import { serializeBom } from '../sbom/serialize.js';

export interface TargetSummary {
  name: string;
  key: string;
  repo?: string;
  ref?: string;
  commit?: string;
  subject?: string;
  status: TargetStatus;
  scannedAt: string;
  errors: string[];
  warnings: string[];
  counts: TransitionCounts;
  /** Why a `skipped` target was not scanned. */
  reason?: string;
}

export interface RunSummary {
  runId: string;
  startedAt: string;
  finishedAt: string;
  osv?: OsvProvenance;
  tools: Record<string, string>;
  /** Targets whose status is `failed` or `partial`. */
  failedTargets: number;
  /** `--fail-on`'s threshold and whether a new finding of this run reached it. */
  failOn?: { threshold: Severity | 'kev'; crossed: boolean };
  targets: TargetSummary[];
  policy?: unknown;
  /** Deliveries of this run; a failed one is kept and tried again next run. */
  notifications?: Array<{ channel: string; sent: number; pending: number; error?: string }>;
  /** Run-level warnings: an organisation listing that fell back, OSV data missing for an ecosystem. */
  warnings?: string[];
  /** Run-level failures (an organisation that could not be listed at all); the run exits 3. */
  errors?: string[];
  /** The run stopped on a signal: the targets it did not scan keep every finding as it was. */
  interrupted?: { signal: string; notScanned: string[] };
}


export function targetOutputDir(runDir: string, target: TargetConfig): string {
  return join(runDir, 'targets', target.name);
}

export interface TargetOutputInput {
  packages: Package[];
  commit?: string;
  open: StoredFinding[];
  retired: string[];
  toolVersions: Record<string, string>;
  timestamp: Date;
  toolVersion: string;
}

/**
 * `targets/<name>/sbom.cdx.json` and `targets/<name>/code-scanning.sarif`. Returns what had to be
 * cut to stay within code scanning's limits, so the run can say so.
 */
export function writeTargetOutputs(runDir: string, target: TargetConfig, input: TargetOutputInput): string[] {
  const dir = targetOutputDir(runDir, target);
  mkdirSync(dir, { recursive: true });
  const bom = buildBom({
    target: { name: target.name, repo: target.repo ?? target.path, ref: target.ref, commit: input.commit },
    packages: input.packages,
    timestamp: input.timestamp,
    toolVersion: input.toolVersion,
  });
  writeFileAtomic(join(dir, 'sbom.cdx.json'), serializeBom(bom, 'json'));
  return writeCodeScanning(runDir, target, input);
}

/**
 * `targets/<name>/code-scanning.sarif` alone: every open finding of the target as judged, with
 * its suppression. Returns what had to be cut to stay within code scanning's limits.
 */
export function writeCodeScanning(
  runDir: string,
  target: { name: string; repo?: string },
  input: Pick<TargetOutputInput, 'commit' | 'open' | 'retired' | 'toolVersions'>,
): string[] {
  const dir = join(runDir, 'targets', target.name);
  mkdirSync(dir, { recursive: true });
  const { log, cut } = codeScanningSarif({
    target: target.name,
    commit: input.commit,
    repoUri: target.repo,
    findings: input.open,
    tools: input.toolVersions,
    retiredCategories: input.retired,
  });
  writeFileAtomic(join(dir, 'code-scanning.sarif'), `${JSON.stringify(log, null, 2)}\n`);
  return cut.map(
    (entry) => `code-scanning.sarif: ${entry.dropped} result(s) of ${entry.category} left out (least severe first) to stay within code scanning's limits`,
  );
}

/**
 * `new.md`, then `new.json` of the run, each written atomically: the alert outbox takes an existing
 * `new.json` as proof that the run delivered what it claimed (pipeline/alerts-step.ts).
 */
export function writeNewFindings(runDir: string, newFindings: StoredFinding[], run: { runId: string; generatedAt: string }): void {
  mkdirSync(runDir, { recursive: true });
  writeFileAtomic(join(runDir, 'new.md'), newFindingsMarkdown(newFindings, run));
  writeFileAtomic(join(runDir, 'new.json'), newFindingsJson(newFindings));
}

/** `summary.json` of the run. */
export function writeSummary(runDir: string, summary: RunSummary): void {
  mkdirSync(runDir, { recursive: true });
  writeFileAtomic(join(runDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
}
