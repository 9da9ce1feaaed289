import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withHomeLock } from '../../src/cli/home-lock.js';
import { ExitCode, HomeBusyError } from '../../src/model/errors.js';
import { tempDir } from '../helpers/git.js';

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
    // pid numbers above the kernel's pid_max are never in use.
    writeFileSync(join(home, 'scan.lock'), '4194305');
    await expect(withHomeLock(home, async () => 'ran')).resolves.toBe('ran');
    await expect(withHomeLock(home, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(existsSync(join(home, 'scan.lock'))).toBe(false);
  });
});
