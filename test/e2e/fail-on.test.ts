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

  it('known exploited: imported from the KEV catalog, it crosses any threshold, and --fail-on kev fails on it alone', () => {
    const root = tempDir('sieve-fail-on-kev-');
    const app = join(root, 'app');
    mkdirSync(app);
    // salt 3000.1: PYSEC-2020-102 and -103 (CVE-2020-11651, CVE-2020-11652) are in CISA's catalog.
    writeFileSync(join(app, 'requirements.txt'), 'salt==3000.1\n');
    const config = join(root, 'scan-targets.json');
    writeFileSync(config, JSON.stringify({ targets: [{ name: 'app', path: app }] }));
    const kev = join(sharedDir, 'kev', 'known_exploited_vulnerabilities.json');
    const home = (name: string) => join(root, name);
    const scan = (name: string, severity: string) =>
      sieve(['scan', '--targets', config, '--osv-db', join(sharedDir, 'osv-db'), '--home', home(name), '--fail-on', severity], { cwd: root });

    // Without the catalog nothing is known exploited: salt's findings are not critical.
    expect(scan('plain', 'critical').code).toBe(0);
    const imported = sieve(['db', 'import-kev', kev, '--home', home('kev')], { cwd: root });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('1404 CVEs');
    expect(scan('kev', 'critical').code).toBe(1);
    // `sieve db import` recognises the catalog among its sources.
    expect(sieve(['db', 'import', kev, '--home', home('only-kev')], { cwd: root }).code).toBe(0);
    expect(scan('only-kev', 'kev').code).toBe(1);

    const listed = sieve(['findings', '--vuln', 'cve-2020-11651', '--home', home('kev')], { cwd: root });
    expect(listed.stdout.trim().split('\n').slice(1).map((line) => line.split('\t')[7])).toEqual(['known exploited (KEV 2021-11-03)']);
    expect(listed.stderr).toContain('cve-2020-11651: open in 1 target: app');
    const plan = sieve(['findings', '--remediation', '--home', home('kev')], { cwd: root });
    expect(plan.stdout).toMatch(/^PyPI\tupgrade salt to 3005\.2 \(closes \d+ findings in 1 repository\)/);
  });
});
