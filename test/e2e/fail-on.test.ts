import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDir, sieve } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';

describe('sieve scan --fail-on', () => {
  it('exits 1 only when a new finding is at least that severe, and only when it is new', () => {
    const root = tempDir('sieve-fail-on-');
    const app = join(root, 'app');
    mkdirSync(app);
    // lodash 4.17.4: NSWG-ECO-493 (medium, 5.7) and NSWG-ECO-368 (low).
    writeFileSync(
      join(app, 'package-lock.json'),
      JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app', dependencies: { lodash: '4.17.4' } }, 'node_modules/lodash': { version: '4.17.4' } } }),
    );
    const config = join(root, 'scan-targets.json');
    writeFileSync(config, JSON.stringify({ targets: [{ name: 'app', path: app }] }));
    const scan = (home: string, severity: string) =>
      sieve(['scan', '--targets', config, '--osv-db', join(sharedDir, 'osv-db'), '--home', join(root, home), '--fail-on', severity], { cwd: root });

    expect(scan('a', 'high').code).toBe(0);
    expect(scan('b', 'medium').code).toBe(1);
    // The same findings the next night are not new: the gate stays open.
    expect(scan('b', 'medium').code).toBe(0);
    const bad = scan('c', 'severe');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('severe');
  });
});
