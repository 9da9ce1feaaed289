import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { HomeBusyError } from '../model/errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One scan or merge at a time per home: a nightly job that overruns into the next night's must
 * not share worktrees and runs with it. A lock left by a process that died is taken over.
 */
export async function withHomeLock<T>(home: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(home, { recursive: true });
  const file = join(home, 'scan.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new HomeBusyError(`another sieve scan (pid ${holder}) is using ${home}; wait for it, or use another --home`);
      }
      rmSync(file, { force: true });
    }
  }
  try {
    return await work();
  } finally {
    rmSync(file, { force: true });
  }
}
