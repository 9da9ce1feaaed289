import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchProcess } from '../exec/batch.js';
import { baseEnvironment, ExecError, runChecked, type RunOptions } from '../exec/run.js';
import { SieveError } from '../model/errors.js';
import { BlobReader, isPartialMirror, parseLsTree, type BlobRead, type TreeEntry } from './git-objects.js';
import { localGitDir, parseLsRemote, pickRef, readLocalRef, refOid, type ResolvedRef } from './refs.js';

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
export const SAFE_GIT_CONFIG = [
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
  // No background maintenance spawned by a fetch.
  'maintenance.auto=false',
  'gc.auto=0',
].flatMap((setting) => ['-c', setting]);

const GIT_TIMEOUT_MS = 10 * 60 * 1000;

export function gitOptions(cwd?: string): RunOptions {
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

async function git(args: string[], cwd?: string, extra: { maxOutputBytes?: number; trim?: boolean; env?: Record<string, string> } = {}): Promise<string> {
  try {
    const options = gitOptions(cwd);
    const result = await runChecked('git', [...SAFE_GIT_CONFIG, ...args], {
      ...options,
      maxOutputBytes: extra.maxOutputBytes,
      env: { ...options.env, ...extra.env },
    });
    return extra.trim === false ? result.stdout : result.stdout.trim();
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
  /** Where the files are (for a git target: once materialised). */
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

/** Where the mirror of `repo` lives in the cache. */
export function mirrorPath(cacheDir: string, repo: string): string {
  return join(cacheDir, 'git', `${createHash('sha256').update(repo).digest('hex').slice(0, 24)}.git`);
}

/** A local repository's path, whether written as a path or a file:// URL; undefined for a remote. */
function localRepositoryPath(repo: string): string | undefined {
  if (repo.startsWith('file://')) {
    try {
      return fileURLToPath(repo);
    } catch {
      return undefined;
    }
  }
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[^/]+@[^/]+:/.test(repo) ? undefined : repo;
}

/**
 * Which commit the target's ref names in the repository right now. A local repository's refs are
 * read from its files (no process); a remote is asked once with `ls-remote`. Undefined when only
 * a fetch can say (an abbreviated commit), or offline for a remote.
 */
export async function resolveRemoteRef(repo: string, ref: string | undefined, options: { offline?: boolean } = {}): Promise<ResolvedRef | undefined> {
  const local = localRepositoryPath(repo);
  const gitDir = local === undefined ? undefined : localGitDir(local);
  if (gitDir) {
    const resolved = readLocalRef(gitDir, ref);
    if (resolved) return resolved;
  } else if (options.offline) {
    return undefined;
  }
  if (ref !== undefined && /^[0-9a-f]{40}$/.test(ref)) return pickRef(new Map(), ref);
  // Only the refs that can answer: a hosted repository may have many thousands (pull requests).
  const patterns = ref === undefined ? ['HEAD'] : [`refs/heads/${ref}`, `refs/tags/${ref}`, `refs/tags/${ref}^{}`];
  const refs = parseLsRemote(await git(['ls-remote', '--symref', '--', repo, ...patterns]));
  const resolved = pickRef(refs, ref);
  if (!resolved && ref !== undefined && !/^[0-9a-f]{7,40}$/.test(ref)) throw new CheckoutError(`ref "${ref}" not found in the repository`);
  if (!resolved && ref === undefined) throw new CheckoutError('the repository has no default branch (is it empty?)');
  return resolved;
}

function isMirror(path: string): boolean {
  return existsSync(join(path, 'HEAD')) && existsSync(join(path, 'objects')) && existsSync(join(path, 'refs')) && existsSync(join(path, 'config'));
}

/**
 * Clones a new mirror beside its final place and renames it in: a clone killed half-way leaves
 * only a temp folder (removed by housekeeping), never a mirror that looks whole.
 */
async function cloneMirror(repo: string, mirror: string, resolved: ResolvedRef | undefined): Promise<void> {
  const parent = dirname(mirror);
  mkdirSync(parent, { recursive: true });
  const temp = mkdtempSync(join(parent, `${TEMP_PREFIX}${basename(mirror, '.git')}-`));
  try {
    const branch = resolved?.name?.replace(/^refs\/(heads|tags)\//, '');
    // Only the ref this target needs, and no blobs until they are read (where the remote allows it).
    const only = resolved === undefined ? [] : branch ? ['--single-branch', '--branch', branch] : resolved.name === undefined ? [] : ['--single-branch'];
    // `--` keeps the URL from ever being read as an option.
    await git(['clone', '--bare', '--quiet', '--no-tags', '--filter=blob:none', ...only, '--', repo, join(temp, 'mirror.git')]);
    rmSync(mirror, { recursive: true, force: true });
    renameSync(join(temp, 'mirror.git'), mirror);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** Names of temp folders Sieve makes in the cache; anything so named and old is debris. */
export const TEMP_PREFIX = '.tmp-';

/** Fetches the one ref (or commit) the target needs, unless the mirror has it already. */
async function fetchInto(mirror: string, resolved: ResolvedRef | undefined): Promise<void> {
  if (resolved?.name) {
    if (refOid(mirror, resolved.name) === resolved.oid) return;
    await git(['--git-dir', mirror, 'fetch', '--quiet', '--no-tags', 'origin', `+${resolved.name}:${resolved.name}`]);
    if (refOid(mirror, resolved.name) !== resolved.oid) {
      throw new CheckoutError(`${resolved.name} moved while it was fetched; try again`);
    }
    return;
  }
  // A commit, or (offline/unknown) everything the mirror tracks.
  await git(['--git-dir', mirror, 'fetch', '--quiet', '--no-tags', 'origin', ...(resolved ? [resolved.commit] : [])]);
}

async function resolveInMirror(mirror: string, ref: string | undefined): Promise<{ commit: string; ref?: string }> {
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
 * A commit of a repository, read from the object store: its tree, and its blobs through one
 * `git cat-file` process. No worktree unless `materialise` is called.
 */
export interface GitCommitView {
  mirror: string;
  commit: string;
  /** The full ref scanned (`refs/heads/master` for the default branch); absent for a commit hash. */
  ref?: string;
  entries: TreeEntry[];
  /** Reads blobs, after `prefetch` has brought them into a partial mirror. */
  read(oid: string, maxBytes: number): Promise<BlobRead>;
  /** Brings these blobs into the mirror in one fetch (a partial mirror only; best effort). */
  prefetch(oids: readonly string[]): Promise<void>;
  /** Writes the commit's files into `dir` (symlinks as plain files), for analyzers. */
  materialise(dir: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens `repo` at `ref` through the mirror cache. A mirror that is incomplete or corrupt (a clone
 * killed half-way by an older Sieve, a damaged pack) is cloned again once.
 */
export async function openCommit(options: {
  repo: string;
  ref?: string;
  cacheDir: string;
  /** Use the cached mirror as it is: no fetch. */
  offline?: boolean;
  /** The ref as resolved before (see resolveRemoteRef), so it is not asked twice. */
  resolved?: ResolvedRef;
}): Promise<GitCommitView> {
  const { repo, ref } = options;
  const offline = options.offline === true;
  const mirror = mirrorPath(options.cacheDir, repo);
  const resolved = options.resolved ?? (await resolveRemoteRef(repo, ref, { offline }));
  return withMirrorLock(mirror, async () => {
    const open = async (fresh: boolean): Promise<{ commit: string; ref?: string; entries: TreeEntry[] }> => {
      if (fresh || !isMirror(mirror)) {
        if (offline && resolved === undefined) throw new CheckoutError(`${redactUrl(repo)}: not in the mirror cache, and --offline forbids fetching it`);
        await cloneMirror(repo, mirror, resolved);
      } else if (!(offline && resolved === undefined)) {
        await fetchInto(mirror, resolved);
      }
      const { commit, ref: scanned } =
        resolved?.name !== undefined && resolved.commit.length === 40 ? { commit: resolved.commit, ref: resolved.name } : await resolveInMirror(mirror, resolved?.commit ?? ref);
      const listing = await git(['--git-dir', mirror, 'ls-tree', '-r', '-z', '--full-tree', commit], undefined, { maxOutputBytes: MAX_TREE_BYTES, trim: false });
      return { commit, ref: scanned, entries: parseLsTree(listing) };
    };
    let opened;
    try {
      opened = await open(false);
    } catch (error) {
      if (!existsSync(mirror) || (offline && resolved === undefined)) throw error;
      // Heal: whatever is wrong with this mirror, a fresh clone replaces it.
      rmSync(mirror, { recursive: true, force: true });
      opened = await open(true);
    }
    const { commit, entries } = opened;
    const scannedRef = opened.ref;
    const reader = new BlobReader(() => BatchProcess.start('git', [...SAFE_GIT_CONFIG, '--git-dir', mirror, 'cat-file', '--batch-command'], gitOptions()));
    return {
      mirror,
      commit,
      ref: scannedRef,
      entries,
      read: (oid, maxBytes) => reader.read(oid, maxBytes),
      prefetch: async (oids) => {
        if (oids.length === 0 || !isPartialMirror(mirror)) return;
        for (let i = 0; i < oids.length; i += 500) {
          // Best effort: a remote that refuses wants by object id leaves git to fetch each on read.
          await git(['--git-dir', mirror, '-c', 'fetch.negotiationAlgorithm=noop', 'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--recurse-submodules=no', '--filter=blob:none', 'origin', ...oids.slice(i, i + 500)]).catch(() => undefined);
        }
      },
      materialise: async (dir) => {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        const index = `${dir}.index`;
        try {
          if (entries.length > 0) {
            await git(['--git-dir', mirror, '--work-tree', dir, 'checkout', '--quiet', '--force', commit, '--', '.'], undefined, { env: { GIT_INDEX_FILE: index } });
          }
        } finally {
          rmSync(index, { force: true });
        }
      },
      close: () => reader.close(),
    };
  });
}

const MAX_TREE_BYTES = 256 * 1024 * 1024;

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
