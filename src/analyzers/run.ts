/**
 * Runs one analyzer over a checkout and hands back its raw SARIF text. A tool's failure is data:
 * a crash, a timeout or unreadable output gives status 'failed' with an error naming the tool, and
 * the scan goes on (that tool's earlier findings are then left as they were, not marked fixed).
 */
import { mkdtemp, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../model/errors.js';
import { safeName } from '../model/safe-name.js';
import { run } from '../exec/run.js';
import { presets } from './registry.js';
import type { AnalyzerPreset, AnalyzerRun, PresetCommand, ResolvedAnalyzer } from './types.js';

/** SARIF larger than this is refused (the same bound importSarif applies). */
export const MAX_SARIF_OUTPUT_BYTES = 50 * 1024 * 1024;

export interface RunAnalyzerOptions {
  /** A directory Sieve owns; each run gets a fresh subdirectory for its config and output. */
  tempDir: string;
  /** Overrides the analyzer's own timeout. */
  timeoutMs?: number;
}

export async function runAnalyzer(
  analyzer: ResolvedAnalyzer,
  checkoutDir: string,
  options: RunAnalyzerOptions,
): Promise<AnalyzerRun> {
  const started = Date.now();
  const fail = (error: string, exitCode?: number): AnalyzerRun => {
    const failed: AnalyzerRun = { tool: analyzer.name, status: 'failed', error, durationMs: Date.now() - started, sources: analyzer.sources };
    if (exitCode !== undefined) failed.exitCode = exitCode;
    return failed;
  };

  if (analyzer.importOnly) {
    return fail(`${analyzer.name} is import-only: Sieve does not run it; list its SARIF files under the target's "sarif"`);
  }

  let workDir: string;
  let command: PresetCommand;
  try {
    workDir = await mkdtemp(path.join(options.tempDir, `${safeName(analyzer.name)}-`));
    command = await buildCommand(analyzer, checkoutDir, workDir);
  } catch (error) {
    return fail(`${analyzer.name} could not be prepared: ${errorMessage(error)}`);
  }

  const timeoutMs = options.timeoutMs ?? analyzer.timeoutMs;
  const result = await run(command.file, command.args, {
    cwd: checkoutDir,
    timeoutMs,
    env: childEnvironment(analyzer, workDir, command.env),
    maxOutputBytes: MAX_SARIF_OUTPUT_BYTES + 1,
  });
  const stderrTail = tail(result.stderr);
  if (result.timedOut) return fail(`${analyzer.name} timed out after ${formatSeconds(timeoutMs)} and was killed`);
  if (result.exitCode === undefined) {
    return fail(`${analyzer.name} could not be started or was killed by a signal (${result.command})${stderrTail}`);
  }

  let text: string | undefined;
  if (command.output.kind === 'stdout') {
    text = result.stdout;
  } else {
    const read = await readOutputFile(command.output.path, command.output.confineTo);
    if ('error' in read) return fail(`${analyzer.name}: ${read.error}`, result.exitCode);
    text = read.text;
  }
  if (text === undefined || text.trim() === '') {
    return fail(`${analyzer.name} exited with code ${result.exitCode} without writing SARIF output${stderrTail}`, result.exitCode);
  }
  if (command.convert !== undefined) {
    try {
      text = command.convert(text);
    } catch (error) {
      return fail(`${analyzer.name} wrote output Sieve could not read (exit code ${result.exitCode}): ${errorMessage(error)}${stderrTail}`, result.exitCode);
    }
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_SARIF_OUTPUT_BYTES) {
    return fail(`${analyzer.name} wrote more than ${MAX_SARIF_OUTPUT_BYTES} bytes of SARIF`, result.exitCode);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return fail(`${analyzer.name} wrote output that is not JSON (exit code ${result.exitCode}): ${errorMessage(error)}${stderrTail}`, result.exitCode);
  }
  const runs = (parsed as { runs?: unknown } | null)?.runs;
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(runs)) {
    return fail(`${analyzer.name} wrote JSON that is not a SARIF log (no "runs" array)`, result.exitCode);
  }

  // Tools exit non-zero when they find problems; SARIF that parses is what counts.
  const ok: AnalyzerRun = {
    tool: analyzer.name,
    status: 'ok',
    sarifText: text,
    durationMs: Date.now() - started,
    exitCode: result.exitCode,
    sources: [...new Set([...analyzer.sources, ...driverNames(runs)])],
  };
  const version = driverVersion(runs);
  if (version !== undefined) ok.toolVersion = version;
  return ok;
}

async function buildCommand(analyzer: ResolvedAnalyzer, checkoutDir: string, workDir: string): Promise<PresetCommand> {
  const outputPath = path.join(workDir, 'results.sarif');
  const preset = (presets as Record<string, AnalyzerPreset | undefined>)[analyzer.preset];
  if (analyzer.command === undefined) {
    if (!preset?.build) throw new Error(`preset "${analyzer.preset}" has no command`);
    const built = await preset.build({ checkoutDir, workDir, outputPath, args: analyzer.args });
    if (analyzer.output === undefined) return built;
    return { ...built, output: await outputTarget(analyzer.output, outputPath, checkoutDir) };
  }
  const [file, ...rest] = analyzer.command.map((part) => part.split('{output}').join(outputPath));
  const usesPlaceholder = analyzer.command.some((part) => part.includes('{output}'));
  const output =
    analyzer.output !== undefined
      ? await outputTarget(analyzer.output, outputPath, checkoutDir)
      : usesPlaceholder
        ? ({ kind: 'file', path: outputPath } as const)
        : ({ kind: 'stdout' } as const);
  return { file: file as string, args: [...rest, ...analyzer.args], output };
}

/** "stdout", a template with {output}, or a path the tool writes inside the checkout (confined to it). */
async function outputTarget(output: string, outputPath: string, checkoutDir: string): Promise<PresetCommand['output']> {
  if (output === 'stdout') return { kind: 'stdout' };
  const expanded = output.split('{output}').join(outputPath);
  if (output.includes('{output}')) return { kind: 'file', path: expanded };
  const resolved = path.resolve(checkoutDir, expanded);
  const relative = path.relative(path.resolve(checkoutDir), resolved);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`output path "${output}" is outside the checkout`);
  }
  return { kind: 'file', path: resolved, confineTo: checkoutDir };
}

async function readOutputFile(file: string, confineTo?: string): Promise<{ text: string } | { error: string }> {
  try {
    if (confineTo !== undefined) {
      // The tool wrote inside the untrusted checkout: a symlink there must not lead Sieve elsewhere.
      const relative = path.relative(await realpath(confineTo), await realpath(file));
      if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
        return { error: `output "${file}" resolves outside the checkout` };
      }
    }
    const info = await stat(file);
    if (!info.isFile()) return { error: `output "${file}" is not a file` };
    if (info.size > MAX_SARIF_OUTPUT_BYTES) return { error: `output of ${info.size} bytes is over the ${MAX_SARIF_OUTPUT_BYTES}-byte limit` };
    return { text: await readFile(file, 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: '' };
    return { error: `cannot read output "${file}": ${errorMessage(error)}` };
  }
}

/** PATH, HOME and LANG, the preset's fixed variables, and the names the config allows; nothing else. */
function childEnvironment(
  analyzer: ResolvedAnalyzer,
  workDir: string,
  fixed: Record<string, string> = {},
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: process.env.LANG ?? 'C.UTF-8',
    // Sieve's own directory, so tools keep their temp files out of the checkout and away from others.
    TMPDIR: workDir,
    ...fixed,
  };
  for (const name of analyzer.env) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return env;
}

function driverNames(runs: unknown[]): string[] {
  const names: string[] = [];
  for (const entry of runs) {
    const name = (entry as { tool?: { driver?: { name?: unknown } } } | null)?.tool?.driver?.name;
    if (typeof name === 'string') names.push(name.toLowerCase());
  }
  return names;
}

function driverVersion(runs: unknown[]): string | undefined {
  const driver = (runs[0] as { tool?: { driver?: { semanticVersion?: unknown; version?: unknown } } } | null)?.tool?.driver;
  const version = driver?.semanticVersion ?? driver?.version;
  return typeof version === 'string' ? version : undefined;
}

function tail(stderr: string): string {
  const lines = stderr.trim().split('\n').slice(-5).join('\n').slice(-1000);
  return lines === '' ? '' : `: ${lines}`;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
