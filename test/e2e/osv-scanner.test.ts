import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { finishedRunDir, repoRoot, sharedDir, sieve } from '../helpers/cli.js';
import { TestRepo, tempDir } from '../helpers/git.js';
import { requireTool } from '../helpers/tools.js';

const osvScanner = requireTool('osv-scanner');
const withScanner = osvScanner !== undefined ? describe : describe.skip;

interface StoredFinding {
  id: string;
  state: string;
  package?: { ecosystem: string; name: string; version: string };
  location: { path: string };
  vulnerability?: { id: string; aliases: string[] };
}

/**
 * The same repository scanned twice, into two homes: once matched by Sieve's offline index, once
 * by the real osv-scanner on the same imported data. Both must give the same findings with the
 * same identities, apart from the documented differences (docs/finding-identity.md).
 */
withScanner('osv-scanner as the vulnerability source, against the offline index', () => {
  const root = tempDir('sieve-osv-scanner-');
  const repo = new TestRepo(root, 'multi');
  const homes = { offline: join(root, 'home-offline'), scanner: join(root, 'home-scanner') };
  const env = { PATH: `${join(osvScanner ?? '', '..')}:${process.env.PATH ?? ''}` };

  function scan(source: 'offline' | 'osv-scanner', day: number) {
    const home = source === 'offline' ? homes.offline : homes.scanner;
    const config = join(root, `${source}.json`);
    writeFileSync(config, JSON.stringify({ osv: { source }, targets: [{ name: 'multi', repo: repo.url }] }));
    const result = sieve(['scan', '--targets', config, '--home', home, '--osv-db', join(home, 'osv'), '--json'], {
      cwd: root,
      env: { ...env, SIEVE_NOW: `2026-11-${String(day).padStart(2, '0')}T03:00:00Z` },
    });
    const summary = JSON.parse(readFileSync(join(finishedRunDir(result.stderr), 'summary.json'), 'utf8')) as {
      targets: Array<{ status: string; errors: string[]; counts: Record<string, number> }>;
    };
    const open = JSON.parse(sieve(['findings', '--home', home, '--state', 'open', '--format', 'json'], { cwd: root }).stdout) as StoredFinding[];
    return { result, target: summary.targets[0]!, open };
  }
  const key = (finding: StoredFinding) =>
    `${finding.id} ${finding.package?.ecosystem} ${finding.package?.name}@${finding.package?.version} ${finding.location.path} ${finding.vulnerability?.id}`;

  beforeAll(() => {
    cpSync(join(repoRoot, 'fixtures/multi-ecosystem'), repo.work, { recursive: true });
    repo.commit('lockfiles of four ecosystems');
    for (const home of Object.values(homes)) {
      const imported = sieve(['db', 'import', join(sharedDir, 'osv-db'), '--home', home], { cwd: root });
      expect(imported.code, imported.stderr).toBe(0);
    }
  });

  it('finds the same advisories with the same identities, apart from the documented differences', () => {
    const offline = scan('offline', 1);
    const scanner = scan('osv-scanner', 1);
    expect(offline.target.errors).toEqual([]);
    expect(scanner.target.errors).toEqual([]);
    expect(scanner.target.status).toBe('ok');

    const fromScanner = new Set(scanner.open.map(key));
    const fromIndex = new Set(offline.open.map(key));
    const onlyScanner = [...fromScanner].filter((entry) => !fromIndex.has(entry));
    const onlyIndex = offline.open.filter((finding) => !fromScanner.has(key(finding)));
    // Everything osv-scanner reports, Sieve's index reports too, under the same finding id.
    expect(onlyScanner).toEqual([]);
    // Sieve reports the Go standard library named by go.mod's `go` line; osv-scanner's go.mod reader does not.
    const stdlib = onlyIndex.filter((finding) => finding.package?.name === 'stdlib');
    expect(stdlib.length).toBeGreaterThan(0);
    // osv-scanner compares a record with a GIT range by its `versions` list alone, as exact strings:
    // django 2.2.0 is not spelled "2.2" there, though PEP 440 makes them one version.
    const rest = onlyIndex.filter((finding) => finding.package?.name !== 'stdlib').map(key);
    expect(rest).toEqual([expect.stringMatching(/ PyPI django@2\.2\.0 requirements\.txt PYSEC-2020-35$/)]);
    expect(fromScanner.size).toBeGreaterThan(60);
  });

  it('a second night with osv-scanner finds nothing new and fixes nothing', () => {
    const again = scan('osv-scanner', 2);
    expect(again.target.counts).toMatchObject({ new: 0, fixed: 0 });
    expect(again.target.counts.unchanged).toBeGreaterThan(60);
  });
});
