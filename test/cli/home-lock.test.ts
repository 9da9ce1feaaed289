import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bootId, processStartTime, release, tryAcquire, withHomeLock } from '../../src/cli/home-lock.js';
import { ExitCode, HomeBusyError } from '../../src/model/errors.js';
import { tempDir } from '../helpers/git.js';

const here = dirname(fileURLToPath(import.meta.url));
// pid numbers above the kernel's pid_max are never in use.
const DEAD_PID = 4194305;

function race(home: string, startAt: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'lock-racer.ts'), home, String(startAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out.trim()));
  });
}

describe('withHomeLock', () => {
  it('lets one scan at a time use a home, and releases the lock afterwards', async () => {
    const home = tempDir();
    const inner = withHomeLock(home, async () => {
      expect(existsSync(join(home, 'scan.lock'))).toBe(true);
      // Its own exit code (4), not "usage" (2): the command line was fine, the home was busy.
      const second = withHomeLock(home, async () => 'second');
      await expect(second).rejects.toThrow(HomeBusyError);
      await expect(second).rejects.toMatchObject({ exitCode: ExitCode.busy });
      return 'first';
    });
    await expect(inner).resolves.toBe('first');
    expect(existsSync(join(home, 'scan.lock'))).toBe(false);
  });

  it('takes over a lock left by a process that is gone, and releases it after a failure', async () => {
    const home = tempDir();
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'scan.lock'), String(DEAD_PID));
    await expect(withHomeLock(home, async () => 'ran')).resolves.toBe('ran');
    await expect(withHomeLock(home, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(existsSync(join(home, 'scan.lock'))).toBe(false);
  });

  it('records the start time and boot id beside the PID', () => {
    const home = tempDir();
    const outcome = tryAcquire(home);
    expect('acquired' in outcome).toBe(true);
    const written = JSON.parse(readFileSync(join(home, 'scan.lock'), 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({ pid: process.pid, startTime: processStartTime(process.pid), bootId: bootId() });
  });

  it('sees through PID reuse: a live PID whose process started at another time does not hold the lock', () => {
    const home = tempDir();
    // Our parent is alive, but it is not the process that wrote this lock.
    writeFileSync(join(home, 'scan.lock'), JSON.stringify({ pid: process.ppid, startTime: '1', bootId: bootId(), token: 'reused' }));
    expect('acquired' in tryAcquire(home)).toBe(true);
  });

  it('takes over a lock written before a reboot, and respects a live holder', () => {
    const before = tempDir();
    writeFileSync(join(before, 'scan.lock'), JSON.stringify({ pid: process.ppid, startTime: processStartTime(process.ppid), bootId: 'another-boot', token: 'old' }));
    expect('acquired' in tryAcquire(before)).toBe(true);

    const live = tempDir();
    writeFileSync(join(live, 'scan.lock'), JSON.stringify({ pid: process.ppid, startTime: processStartTime(process.ppid), bootId: bootId(), token: 'live' }));
    const outcome = tryAcquire(live);
    expect('heldBy' in outcome && outcome.heldBy.token).toBe('live');
  });

  it('release removes only its own lock', () => {
    const home = tempDir();
    const outcome = tryAcquire(home);
    if (!('acquired' in outcome)) throw new Error('not acquired');
    const other = JSON.stringify({ pid: process.ppid, startTime: processStartTime(process.ppid), bootId: bootId(), token: 'someone-else' });
    writeFileSync(join(home, 'scan.lock'), other);
    release(home, outcome.acquired);
    expect(readFileSync(join(home, 'scan.lock'), 'utf8')).toBe(other);
  });

  it('gives a stale lock to exactly one of several processes racing for it', async () => {
    for (let round = 0; round < 3; round++) {
      const home = tempDir();
      writeFileSync(join(home, 'scan.lock'), JSON.stringify({ pid: DEAD_PID, startTime: '1', bootId: bootId(), token: `stale${round}` }));
      // Far enough ahead that every process has started and waits at the line.
      const startAt = Date.now() + 3000;
      const results = await Promise.all(Array.from({ length: 5 }, () => race(home, startAt)));
      expect(results.filter((result) => result === 'won')).toHaveLength(1);
      expect(results.filter((result) => result === 'lost')).toHaveLength(4);
    }
  }, 60_000);
});
