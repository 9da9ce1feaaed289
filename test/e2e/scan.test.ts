import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sieve, sharedDir } from '../helpers/cli.js';
import { TestRepo, tempDir } from '../helpers/git.js';

/** A v3 package-lock.json naming the given packages at the root of node_modules. */
function packageLock(packages: Array<[name: string, version: string]>): string {
  const entries: Record<string, unknown> = {
    '': { name: 'app', version: '1.0.0', dependencies: Object.fromEntries(packages.map(([name, version]) => [name, version])) },
  };
  for (const [name, version] of packages) {
    entries[`node_modules/${name}`] = { version, resolved: `https://registry.invalid/${name}/-/${name}-${version}.tgz`, integrity: 'sha512-AAAA' };
  }
  return `${JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: entries }, null, 2)}\n`;
}

interface NewItem {
  id: string;
  target: string;
  commit: string;
  kind: string;
  severity: string;
  vulnerability?: { id: string; aliases: string[] };
  package?: { name: string; version: string; purl: string };
  location?: { path: string; startLine?: number };
  newReason?: string;
}

interface Summary {
  runId: string;
  osv?: { source: string };
  targets: Array<{ name: string; commit?: string; status: string; errors: string[]; scannedAt: string; counts: Record<string, number> }>;
}

describe('sieve scan end to end over real git repositories', () => {
  const root = tempDir('sieve-e2e-');
  const home = join(root, 'home');
  const config = join(root, 'scan-targets.json');
  const app = new TestRepo(root, 'app');
  const lib = new TestRepo(root, 'lib');
  let lastRun = '';

  function scan(env: Record<string, string> = {}, extra: string[] = []) {
    const result = sieve(['scan', '--targets', config, '--osv-db', join(sharedDir, 'osv-db'), '--home', home, '--json', ...extra], { cwd: root, env: { SIEVE_NOW: env.SIEVE_NOW ?? '2026-11-02T03:00:00Z' } });
    const runDirs = result.stderr
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; runDir?: string })
      .filter((entry) => entry.msg === 'scan finished');
    lastRun = runDirs.at(-1)?.runDir ?? '';
    const read = <T>(name: string): T => JSON.parse(readFileSync(join(lastRun, name), 'utf8')) as T;
    return { ...result, newFindings: existsSync(join(lastRun, 'new.json')) ? read<NewItem[]>('new.json') : [], summary: existsSync(join(lastRun, 'summary.json')) ? read<Summary>('summary.json') : undefined };
  }
  const target = (summary: Summary | undefined, name: string) => summary?.targets.find((entry) => entry.name === name);

  beforeAll(() => {
    app.write({
      'package-lock.json': packageLock([
        ['moment', '2.11.0'],
        ['ms', '2.1.3'],
        ['qs', '6.11.0'],
        ['semver', '4.3.0'],
      ]),
      'README.md': '# app\n',
    });
    app.commit('initial');
    lib.write({ 'package-lock.json': packageLock([['lodash', '4.17.4']]) });
    lib.commit('initial');
    writeFileSync(
      config,
      JSON.stringify({
        $schema: './scan-targets.schema.json',
        targets: [
          { name: 'app', repo: app.url, ref: 'main' },
          { name: 'lib', repo: lib.url },
        ],
      }),
    );
  });

  it('1. first scan reports the vulnerable packages as new and lists every package in the SBOM', () => {
    const result = scan();
    expect(result.stderr).not.toContain('"level":"error"');
    expect(result.code).toBe(0);
    const appNew = result.newFindings.filter((finding) => finding.target === 'app');
    expect(appNew.map((finding) => `${finding.package?.name}@${finding.package?.version} ${finding.vulnerability?.id}`).sort()).toEqual([
      'moment@2.11.0 NSWG-ECO-55',
      'semver@4.3.0 NSWG-ECO-31',
    ]);
    const semverFinding = appNew.find((finding) => finding.package?.name === 'semver');
    expect(semverFinding?.vulnerability?.aliases).toEqual(['CVE-2015-8855']);
    expect(semverFinding?.location?.path).toBe('package-lock.json');
    expect(semverFinding?.newReason).toBe('new-target');
    const libNew = result.newFindings.filter((finding) => finding.target === 'lib').map((finding) => finding.vulnerability?.id).sort();
    expect(libNew).toEqual(['NSWG-ECO-368', 'NSWG-ECO-493']);

    const summary = result.summary as Summary;
    const commit = target(summary, 'app')?.commit;
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(target(summary, 'app')).toMatchObject({ status: 'ok', scannedAt: '2026-11-02T03:00:00.000Z', counts: { new: 2, unchanged: 0, fixed: 0, open: 2 } });
    expect(summary.osv?.source).toBe('offline');

    const sbom = JSON.parse(readFileSync(join(lastRun, 'targets/app/sbom.cdx.json'), 'utf8')) as {
      specVersion: string;
      metadata: { component: { name: string; version?: string } };
      components: Array<{ purl: string }>;
      dependencies: unknown[];
    };
    expect(sbom.specVersion).toBe('1.6');
    expect(sbom.components.map((component) => component.purl).sort()).toEqual([
      'pkg:npm/moment@2.11.0',
      'pkg:npm/ms@2.1.3',
      'pkg:npm/qs@6.11.0',
      'pkg:npm/semver@4.3.0',
    ]);
    expect(JSON.stringify(sbom.metadata)).toContain(commit);
    expect(sbom.dependencies.length).toBeGreaterThan(0);
    expect(readFileSync(join(lastRun, 'new.md'), 'utf8')).toContain('NSWG-ECO-31');
  });

  it('2. a second scan of the same commits reports nothing new', () => {
    // Nothing changed since the complete first scan: the target is skipped, its findings kept.
    const result = scan();
    expect(result.code).toBe(0);
    expect(result.newFindings).toEqual([]);
    expect(target(result.summary, 'app')).toMatchObject({ status: 'skipped', counts: { new: 0, unchanged: 0, fixed: 0, reopened: 0, open: 2 } });
    // Scanned in full anyway, the same commit yields the same findings, unchanged.
    const forced = scan({}, ['--force']);
    expect(forced.code).toBe(0);
    expect(forced.newFindings).toEqual([]);
    expect(target(forced.summary, 'app')?.counts).toMatchObject({ new: 0, unchanged: 2, fixed: 0, reopened: 0, open: 2 });
  });

  it('3. a bump to a version that is still vulnerable is not new', () => {
    app.write({ 'package-lock.json': packageLock([['moment', '2.11.0'], ['ms', '2.1.3'], ['qs', '6.11.0'], ['semver', '4.3.1']]) });
    app.commit('bump semver to 4.3.1');
    const result = scan();
    expect(result.newFindings).toEqual([]);
    expect(target(result.summary, 'app')?.counts).toMatchObject({ new: 0, unchanged: 2, fixed: 0 });
  });

  it('4. lockfile lines that move without package changes are not new', () => {
    app.write({ 'package-lock.json': packageLock([['semver', '4.3.1'], ['qs', '6.11.0'], ['ms', '2.1.3'], ['moment', '2.11.0']]) });
    app.commit('reorder the lockfile');
    const result = scan();
    expect(result.newFindings).toEqual([]);
    expect(target(result.summary, 'app')?.counts).toMatchObject({ new: 0, unchanged: 2, fixed: 0 });
  });

  it('5. an upgrade to a fixed version counts the finding fixed', () => {
    app.write({ 'package-lock.json': packageLock([['semver', '4.3.1'], ['qs', '6.11.0'], ['ms', '2.1.3'], ['moment', '2.11.2']]) });
    app.commit('upgrade moment');
    const result = scan();
    expect(result.newFindings).toEqual([]);
    expect(target(result.summary, 'app')?.counts).toMatchObject({ new: 0, unchanged: 1, fixed: 1, open: 1 });
    const fixed = sieve(['findings', '--home', home, '--state', 'fixed', '--format', 'json'], { cwd: root });
    const fixedFindings = JSON.parse(fixed.stdout) as Array<{ vulnerability: { id: string } }>;
    expect(fixedFindings.map((finding) => finding.vulnerability.id)).toEqual(['NSWG-ECO-55']);
  });

  it('6. reintroducing the vulnerable version reopens the finding and alerts again', () => {
    app.write({ 'package-lock.json': packageLock([['semver', '4.3.1'], ['qs', '6.11.0'], ['ms', '2.1.3'], ['moment', '2.11.0']]) });
    app.commit('downgrade moment');
    const result = scan();
    expect(result.newFindings.map((finding) => `${finding.vulnerability?.id} ${finding.newReason}`)).toEqual(['NSWG-ECO-55 reopened']);
    expect(target(result.summary, 'app')?.counts).toMatchObject({ new: 0, reopened: 1, unchanged: 1, open: 2 });
  });

  it('7. a repository that cannot be fetched fails its target (exit 3), the other is scanned, nothing is fixed', () => {
    renameSync(lib.bare, `${lib.bare}.gone`);
    app.write({ 'package-lock.json': packageLock([['semver', '4.3.1'], ['qs', '6.11.0'], ['ms', '0.7.0'], ['moment', '2.11.0']]) });
    app.commit('ms 0.7.0');
    try {
      const result = scan();
      expect(result.code).toBe(3);
      expect(target(result.summary, 'lib')).toMatchObject({ status: 'failed', counts: { fixed: 0, open: 2 } });
      expect(target(result.summary, 'lib')?.errors.join('\n')).toMatch(/checkout: git/);
      expect(result.newFindings.map((finding) => `${finding.target} ${finding.vulnerability?.id}`)).toEqual(['app NSWG-ECO-46']);
      const open = JSON.parse(sieve(['findings', '--home', home, '--target', 'lib', '--state', 'open', '--format', 'json'], { cwd: root }).stdout) as unknown[];
      expect(open).toHaveLength(2);
    } finally {
      renameSync(`${lib.bare}.gone`, lib.bare);
    }
  });

  it('8. a malformed lockfile gives a clear error for its target and breaks nothing else', () => {
    app.write({ 'package-lock.json': '{ "lockfileVersion": 3, "packages": { "node_modules/semver": { "version": "4.3.1" ' });
    app.commit('truncate the lockfile');
    const result = scan();
    expect(result.code).toBe(3);
    const appSummary = target(result.summary, 'app');
    expect(appSummary?.status).toBe('partial');
    expect(appSummary?.errors.join('\n')).toContain('package-lock.json');
    expect(appSummary?.counts).toMatchObject({ fixed: 0, open: 3 });
    expect(target(result.summary, 'lib')).toMatchObject({ status: 'ok', counts: { unchanged: 2, fixed: 0 } });
    expect(result.newFindings).toEqual([]);
  });

  it('9. --offline scans from the cached mirrors without fetching', () => {
    renameSync(lib.bare, `${lib.bare}.gone`);
    try {
      // --force: an unchanged target would be skipped; this is about reading the cached mirror.
      const result = sieve(['scan', '--targets', config, '--osv-db', join(sharedDir, 'osv-db'), '--home', home, '--offline', '--force', '--only', 'lib'], { cwd: root });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^lib\tok\t[0-9a-f]{12}\tnew 0 reopened 0 fixed 0 open 2/m);
      const fresh = join(root, 'fresh-home');
      const cold = sieve(['scan', '--targets', config, '--osv-db', join(sharedDir, 'osv-db'), '--home', fresh, '--offline', '--only', 'lib'], { cwd: root });
      expect(cold.code).toBe(3);
      expect(cold.stdout).toContain('--offline forbids fetching it');
    } finally {
      renameSync(`${lib.bare}.gone`, lib.bare);
    }
  });

  it('rejects a bad configuration with the file, the JSON path and what was expected (exit 2)', () => {
    const bad = join(root, 'bad-targets.json');
    writeFileSync(bad, JSON.stringify({ targets: [{ name: 'x', repo: 'ext::sh -c touch% /tmp/pwned' }, { name: 'y', repoo: 'z' }] }));
    const result = sieve(['scan', '--targets', bad, '--home', home], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(bad);
    expect(result.stderr).toContain('targets[1]: unknown key "repoo"');
    const ext = join(root, 'ext-targets.json');
    writeFileSync(ext, JSON.stringify({ targets: [{ name: 'x', repo: 'ext::sh -c touch% /tmp/pwned' }] }));
    const extResult = sieve(['scan', '--targets', ext, '--home', home], { cwd: root });
    expect(extResult.code).toBe(2);
    expect(extResult.stderr).toContain('targets[0].repo');
    expect(extResult.stderr).toContain('ext::');
  });
});
