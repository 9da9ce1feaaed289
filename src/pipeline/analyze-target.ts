import picomatch from 'picomatch';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { resolveAnalyzer, runAnalyzer } from '../analyzers/registry.js';
import type { TargetConfig } from '../config/load.js';
import { readConfined } from '../inventory/walk.js';
import { errorMessage } from '../model/errors.js';
import type { StageFailure } from '../model/types.js';
import { fingerprintAll } from '../sarif/identity.js';
import { importSarif } from '../sarif/import.js';
import type { IncomingFinding } from '../store/findings.js';
import type { TargetCheckout } from './checkout-target.js';

export interface TargetAnalysis {
  findings: IncomingFinding[];
  failures: StageFailure[];
  warnings: string[];
  toolVersions: Record<string, string>;
  /** Tools that ran (or whose SARIF was imported) this time, with or without results. */
  tools: string[];
}

const MAX_SARIF_BYTES = 50 * 1024 * 1024;
const MAX_SARIF_FILES = 200;

/** Repo-relative files matching the target's `sarif` globs; never through a symlink. */
function findSarifFiles(root: string, globs: readonly string[]): string[] {
  if (globs.length === 0) return [];
  const matches = picomatch(globs as string[], { dot: true });
  const found: string[] = [];
  const pending = [''];
  let visited = 0;
  while (pending.length && visited < 100_000) {
    const dir = pending.pop() as string;
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      visited += 1;
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory() && entry.name !== '.git' && entry.name !== 'node_modules') pending.push(path);
      else if (entry.isFile() && matches(path)) found.push(path);
    }
  }
  return found.sort();
}

/** The target's `sarif` globs that matched no file: each is a failed read of whatever tool it imports. */
function unmatchedGlobs(globs: readonly string[], found: readonly string[]): string[] {
  return globs.filter((glob) => {
    const matches = picomatch(glob, { dot: true });
    return !found.some((file) => matches(file));
  });
}

function toIncoming(findings: ReturnType<typeof importSarif>['findings']): IncomingFinding[] {
  return fingerprintAll(findings);
}

/** Runs the target's analyzers and imports its SARIF files. A failure fails only its own tool. */
export async function analyzeTarget(target: TargetConfig, checkout: TargetCheckout, tempDir: string): Promise<TargetAnalysis> {
  const result: TargetAnalysis = { findings: [], failures: [], warnings: [], toolVersions: {}, tools: [] };
  if (checkout.sbomFile) return result;
  const readFile = (path: string) => readConfined(checkout.dir, path);

  /** `tool` and its `sources` (driver names) when Sieve ran the analyzer; a failure covers those. */
  const importText = (text: string, sourceName: string, tool?: string, sources?: string[]) => {
    try {
      const imported = importSarif(text, { sourceName, checkoutDir: checkout.dir, readFile, maxBytes: MAX_SARIF_BYTES });
      // Findings of an analyzer Sieve ran belong to that analyzer's stage, whatever the log calls its driver.
      const findings = tool ? imported.findings.map((finding) => ({ ...finding, source: tool })) : imported.findings;
      result.findings.push(...toIncoming(findings));
      // Each error names its log already.
      result.warnings.push(...imported.errors);
      for (const importedTool of imported.tools) {
        result.tools.push(importedTool.name.toLowerCase());
        if (importedTool.version) result.toolVersions[importedTool.name.toLowerCase()] = importedTool.version;
      }
    } catch (error) {
      // An unreadable log says nothing about which findings are gone: keep every code finding of
      // that tool (or, when the tool is unknown, of every tool) as it was.
      result.failures.push({ stage: 'sarif', scope: { kind: 'code', ...(sources ? { tools: sources } : {}) }, message: errorMessage(error) });
    }
  };

  if (target.analyzers.length > 0) {
    mkdirSync(tempDir, { recursive: true });
    try {
      for (const entry of target.analyzers) {
        let analyzer;
        try {
          analyzer = resolveAnalyzer(entry);
        } catch (error) {
          result.failures.push({ stage: 'analyzer', scope: { kind: 'code', tools: [(typeof entry === 'string' ? entry : entry.name).toLowerCase()] }, message: errorMessage(error) });
          continue;
        }
        // Import-only tools (CodeQL) come in through the target's `sarif` files.
        if (analyzer.importOnly) continue;
        const run = await runAnalyzer(analyzer, checkout.dir, { tempDir });
        // What a failure of this analyzer covers: its own name (its findings carry it) and every
        // driver name its SARIF uses, so the same tool's imported results are covered too.
        const sources = [...new Set([run.tool, ...(run.sources ?? [])].map((name) => name.toLowerCase()))];
        if (run.toolVersion) result.toolVersions[run.tool] = run.toolVersion;
        if (run.status !== 'ok' || run.sarifText === undefined) {
          result.failures.push({ stage: 'analyzer', scope: { kind: 'code', tools: sources }, message: run.error ?? `${run.tool} failed` });
          continue;
        }
        importText(run.sarifText, `${run.tool} output`, run.tool, sources);
        result.tools.push(run.tool.toLowerCase());
      }
    } finally {
      rmSync(tempDir, { recursive: true, force: true });
    }
  }

  const sarifFiles = findSarifFiles(checkout.dir, target.sarif);
  for (const glob of unmatchedGlobs(target.sarif, sarifFiles)) {
    // Absence of evidence is not a fix: a log that is not there says nothing about which findings are gone.
    result.failures.push({ stage: 'sarif', scope: { kind: 'code' }, message: `"${glob}" (sarif) matched no file in the checkout; code findings stay as they were` });
  }
  for (const file of sarifFiles.slice(0, MAX_SARIF_FILES)) {
    const text = readConfined(checkout.dir, file, MAX_SARIF_BYTES);
    if (text === undefined) {
      // Which tool wrote it is unknown: every code finding keeps its state.
      result.failures.push({ stage: 'sarif', scope: { kind: 'code' }, message: `${file}: cannot read the SARIF file (missing, too large or a link)` });
      continue;
    }
    importText(text, file);
  }
  result.tools = [...new Set(result.tools)].sort();
  return result;
}
