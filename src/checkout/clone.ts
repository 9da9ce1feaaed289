import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnvironment, ExecError, runChecked, type RunOptions } from '../exec/run.js';
import { SieveError } from '../model/errors.js';

export class CheckoutError extends SieveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SIEVE_CHECKOUT', message, options);
    this.name = 'CheckoutError';
  }
}

/**
 * Settings for every git command Sieve runs against an untrusted repository: no hooks, no
 * remote helpers that run commands, symlinks checked out as plain files (so nothing in the
 * worktree points outside it), no LFS or other filter programs, no prompts.
 */
const SAFE_GIT_CONFIG = [
  'core.hooksPath=/dev/null',
  'core.symlinks=false',
  'core.fsmonitor=false',
  'protocol.ext.allow=never',
  'protocol.file.allow=always',
  'submodule.recurse=false',
  'filter.lfs.smudge=',
  'filter.lfs.process=',
  'filter.lfs.required=false',
  'advice.detachedHead=false',
  'init.defaultBranch=main',
].flatMap((setting) => ['-c', setting]);

const GIT_TIMEOUT_MS = 10 * 60 * 1000;

function gitOptions(cwd?: string): RunOptions {
  return {
    cwd,
    timeoutMs: GIT_TIMEOUT_MS,
    env: baseEnvironment({ GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_ASKPASS: 'true', SSH_ASKPASS: 'true' }),
  };
}

/** Removes credentials from URLs before they reach a log or an error message. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

async function git(args: string[], cwd?: string): Promise<string> {
  try {
    const result = await runChecked('git', [...SAFE_GIT_CONFIG, ...args], gitOptions(cwd));
    return result.stdout.trim();
  } catch (error) {
    if (error instanceof ExecError) {
      const stderr = error.result.stderr.trim().split('\n').filter(Boolean).slice(-3).join('; ');
      const why = error.result.timedOut ? 'timed out' : stderr || `exit code ${error.result.exitCode}`;
      throw new CheckoutError(redactUrl(`git ${args[0]} failed: ${why}`), { cause: error });
    }
    throw error;
  }
}

/** A local path that holds a git repository (a `.git` entry, or a bare repository's layout). */
export function isLocalGitRepository(path: string): boolean {
  if (existsSync(join(path, '.git'))) return true;
  return existsSync(join(path, 'HEAD')) && existsSync(join(path, 'objects')) && existsSync(join(path, 'refs'));
}

export interface Checkout {
  /** Where the files are. */
  dir: string;
  /** The commit checked out. */
  commit: string;
  /** The full ref scanned (`refs/heads/master` for the default branch); absent for a commit hash. */
  ref?: string;
  /** A worktree Sieve made for this scan, removed once the target's files have been read. */
  temporary?: boolean;
}

// Targets that share a repository share its mirror; updates of one mirror must not overlap.
const mirrorLocks = new Map<string, Promise<unknown>>();

async function withMirrorLock<T>(mirror: string, work: () => Promise<T>): Promise<T> {
  const previous = mirrorLocks.get(mirror) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  mirrorLocks.set(mirror, next);
  try {
    return await next;
  } finally {
    if (mirrorLocks.get(mirror) === next) mirrorLocks.delete(mirror);
  }
}

/** Brings the mirror of `repo` under `cacheDir` up to date, cloning it the first time. */
async function updateMirror(repo: string, cacheDir: string, offline: boolean): Promise<string> {
  const mirror = join(cacheDir, 'git', `${createHash('sha256').update(repo).digest('hex').slice(0, 24)}.git`);
  return withMirrorLock(mirror, async () => {
    if (existsSync(join(mirror, 'HEAD'))) {
      if (!offline) await git(['--git-dir', mirror, 'remote', 'update', '--prune']);
    } else if (offline) {
      throw new CheckoutError(`${redactUrl(repo)}: not in the mirror cache, and --offline forbids fetching it`);
    } else {
      rmSync(mirror, { recursive: true, force: true });
      mkdirSync(join(cacheDir, 'git'), { recursive: true });
      // `--` keeps the URL from ever being read as an option.
      await git(['clone', '--mirror', '--quiet', '--', repo, mirror]);
    }
    return mirror;
  });
}

async function resolveCommit(mirror: string, ref: string | undefined): Promise<{ commit: string; ref?: string }> {
  // The default branch is whatever the remote's HEAD names (a mirror clone keeps it as a symbolic ref).
  const head = ref ? undefined : await git(['--git-dir', mirror, 'symbolic-ref', '--quiet', 'HEAD']).catch(() => undefined);
  const candidates = ref ? [`refs/heads/${ref}`, `refs/tags/${ref}`, ref] : [head ?? 'HEAD'];
  for (const candidate of candidates) {
    try {
      const commit = await git(['--git-dir', mirror, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${candidate}^{commit}`]);
      return { commit, ref: candidate.startsWith('refs/') ? candidate : undefined };
    } catch {
      // try the next spelling
    }
  }
  throw new CheckoutError(ref ? `ref "${ref}" not found in the repository` : 'the repository has no default branch (is it empty?)');
}

/**
 * Checks out `repo` at `ref` into `worktreeDir` through a mirror cache, and returns the commit.
 * The worktree is made anew each time so nothing of an earlier scan lingers.
 */
export async function checkoutRepository(options: {
  repo: string;
  ref?: string;
  cacheDir: string;
  worktreeDir: string;
  /** Use the cached mirror as it is: no fetch. */
  offline?: boolean;
}): Promise<Checkout> {
  const mirror = await updateMirror(options.repo, options.cacheDir, options.offline === true);
  const { commit, ref } = await resolveCommit(mirror, options.ref);
  rmSync(options.worktreeDir, { recursive: true, force: true });
  await git(['clone', '--shared', '--no-checkout', '--quiet', '--', mirror, options.worktreeDir]);
  await git(['checkout', '--quiet', '--detach', commit], options.worktreeDir);
  const head = await git(['rev-parse', 'HEAD'], options.worktreeDir);
  return { dir: options.worktreeDir, commit: head, ref, temporary: true };
}

/** A plain directory target: read in place, no commit. */
export function checkoutDirectory(path: string): Checkout {
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new CheckoutError(`${path}: not a directory`);
  return { dir: path, commit: '' };
}
