import { execa } from 'execa';
import { SieveError } from '../model/errors.js';

/** The only place Sieve starts a child process. */

export interface RunOptions {
  cwd?: string;
  /** Killed (SIGTERM, then SIGKILL after 2 s) when it runs longer. */
  timeoutMs?: number;
  /**
   * The child's whole environment. Sieve passes an allow-list, never its own environment,
   * so tokens such as GITHUB_TOKEN do not reach analyzers run on untrusted code.
   */
  env?: Record<string, string | undefined>;
  /** Bytes kept of stdout and of stderr each; the rest is cut. */
  maxOutputBytes?: number;
  input?: string;
}

export interface RunResult {
  command: string;
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Killed by a signal, or could not be started at all. */
  failedToStart: boolean;
  durationMs: number;
}

export class ExecError extends SieveError {
  constructor(readonly result: RunResult) {
    const why = result.timedOut
      ? 'timed out'
      : result.failedToStart
        ? 'could not be started'
        : `exited with code ${result.exitCode}`;
    const stderr = result.stderr.trim().split('\n').slice(-5).join('\n');
    super('SIEVE_EXEC', `${result.command} ${why}${stderr ? `: ${stderr}` : ''}`);
    this.name = 'ExecError';
  }
}

const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;

/** The environment every child gets unless a caller says otherwise: enough to find programs. */
export function baseEnvironment(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: process.env.LANG ?? 'C.UTF-8',
    TMPDIR: process.env.TMPDIR,
    ...extra,
  };
}

/** Runs a command and reports how it ended; never throws for a non-zero exit (the caller decides). */
export async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const command = [file, ...args].join(' ');
  const result = await execa(file, args, {
    cwd: options.cwd,
    env: options.env ?? baseEnvironment(),
    extendEnv: false,
    timeout: options.timeoutMs,
    forceKillAfterDelay: 2000,
    maxBuffer: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    reject: false,
    stripFinalNewline: false,
    encoding: 'utf8',
  });
  return {
    command,
    exitCode: result.exitCode,
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    timedOut: result.timedOut,
    failedToStart: result.exitCode === undefined && !result.timedOut,
    durationMs: Date.now() - started,
  };
}

/** Runs a command that must succeed; throws ExecError otherwise. */
export async function runChecked(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await run(file, args, options);
  if (result.exitCode !== 0) throw new ExecError(result);
  return result;
}
