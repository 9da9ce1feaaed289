import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HomeBusyError } from '../model/errors.js';

/**
 * Who holds a home: the PID alone is not enough, since PIDs are reused. The process's start time
 * (clock ticks since boot, /proc/<pid>/stat) and the boot id tell a live holder from a stranger
 * that happens to have the PID now, or from a holder of before a reboot. `token` names this one
 * acquisition, so release removes only its own lock.
 */
export interface LockHolder {
  pid: number;
  startTime?: string;
  bootId?: string;
  token: string;
  acquiredAt?: string;
}

const LOCK_NAME = 'scan.lock';

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function bootId(): string | undefined {
  return readOptional('/proc/sys/kernel/random/boot_id')?.trim() || undefined;
}

/** Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses. */
export function processStartTime(pid: number): string | undefined {
  const stat = readOptional(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock file's holder; a bare PID is what Sieve wrote before it recorded more. */
export function parseHolder(text: string): LockHolder | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), token: `pid-${trimmed}` };
  try {
    const value = JSON.parse(trimmed) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && Number.isInteger(value.pid) && value.pid > 0 && typeof value.token === 'string' && /^[\w-]{1,64}$/.test(value.token)) {
      return {
        pid: value.pid,
        token: value.token,
        startTime: typeof value.startTime === 'string' ? value.startTime : undefined,
        bootId: typeof value.bootId === 'string' ? value.bootId : undefined,
        acquiredAt: typeof value.acquiredAt === 'string' ? value.acquiredAt : undefined,
      };
    }
  } catch {
    // unreadable: treated as stale below
  }
  return undefined;
}

/** True when the holder still runs: same boot, same PID, and that PID still the same process. */
export function holderAlive(holder: LockHolder): boolean {
  const currentBoot = bootId();
  if (holder.bootId && currentBoot && holder.bootId !== currentBoot) return false;
  if (!pidAlive(holder.pid)) return false;
  if (holder.startTime !== undefined) {
    const started = processStartTime(holder.pid);
    if (started !== undefined && started !== holder.startTime) return false;
  }
  return true;
}

function createExclusive(path: string, content: string): boolean {
  // Written whole under a private name, then linked: the lock never exists half-written, and
  // link() fails when the name is taken, atomically.
  const staging = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(staging, content, { flag: 'wx' });
  try {
    linkSync(staging, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(staging);
  }
}

/**
 * Tries once to take the lock. A stale lock is removed only by the process that wins the
 * takeover guard named after that lock's token: two processes racing for the same stale lock
 * cannot both remove it, and no one ever removes a live holder's lock.
 */
export function tryAcquire(home: string, now = new Date()): { acquired: LockHolder } | { heldBy: LockHolder } {
  mkdirSync(home, { recursive: true });
  const file = join(home, LOCK_NAME);
  const mine: LockHolder = { pid: process.pid, startTime: processStartTime(process.pid), bootId: bootId(), token: randomBytes(8).toString('hex'), acquiredAt: now.toISOString() };
  const content = JSON.stringify(mine);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(file, content)) return { acquired: mine };
    const text = readOptional(file);
    if (text === undefined) continue; // released meanwhile: try again
    const holder = parseHolder(text);
    if (holder && holderAlive(holder)) return { heldBy: holder };
    const staleToken = holder?.token ?? `unreadable-${Buffer.from(text).toString('hex').slice(0, 32)}`;
    const guard = `${file}.takeover-${staleToken}`;
    let won = false;
    try {
      writeFileSync(guard, content, { flag: 'wx' });
      won = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!won) {
      // Another process is taking this stale lock over: let it finish, then look again.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      continue;
    }
    // Only the guard holder removes a lock with this token, so the lock is still the stale one
    // unless it was released and taken afresh meanwhile.
    if (readOptional(file) === text) rmSync(file, { force: true });
    // The guard is left behind on purpose (a tiny file) until the lock is next held: removing it
    // now would let a slow racer that read the same stale lock take the guard again.
  }
  const text = readOptional(file);
  const holder = text === undefined ? undefined : parseHolder(text);
  if (holder) return { heldBy: holder };
  throw new HomeBusyError(`${file}: could not take the lock; remove it if no sieve runs on this home`);
}

/** Removes the lock only if it is still this acquisition's, and the takeover guards of locks long gone. */
export function release(home: string, holder: LockHolder): void {
  const file = join(home, LOCK_NAME);
  const text = readOptional(file);
  if (text !== undefined && parseHolder(text)?.token === holder.token) rmSync(file, { force: true });
}

function clearOldGuards(home: string, current: LockHolder): void {
  for (const name of readdirSync(home)) {
    if (name.startsWith(`${LOCK_NAME}.takeover-`) && name !== `${LOCK_NAME}.takeover-${current.token}`) rmSync(join(home, name), { force: true });
  }
}

/**
 * One scan or merge at a time per home: a nightly job that overruns into the next night's must
 * not share worktrees and runs with it. A lock left by a process that died (or before a reboot,
 * or whose PID now belongs to another process) is taken over.
 */
export async function withHomeLock<T>(home: string, work: () => Promise<T>): Promise<T> {
  const outcome = tryAcquire(home);
  if ('heldBy' in outcome) {
    throw new HomeBusyError(`another sieve scan (pid ${outcome.heldBy.pid}) is using ${home}; wait for it, or use another --home`);
  }
  // Guards of earlier takeovers are safe to remove while this process holds the lock: a racer
  // that still read an old lock finds the lock changed and backs off.
  clearOldGuards(home, outcome.acquired);
  try {
    return await work();
  } finally {
    release(home, outcome.acquired);
  }
}
