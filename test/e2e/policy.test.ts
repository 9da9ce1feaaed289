import { strToU8, zipSync } from 'fflate';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, sieve } from '../helpers/cli.js';
import { TestRepo, tempDir } from '../helpers/git.js';

function packageLock(packages: Array<[name: string, version: string]>): string {
  const entries: Record<string, unknown> = {
    '': { name: 'app', version: '1.0.0', dependencies: Object.fromEntries(packages) },
  };
  for (const [name, version] of packages) {
    entries[`node_modules/${name}`] = { version, resolved: `https://registry.invalid/${name}/-/${name}-${version}.tgz`, integrity: 'sha512-AAAA' };
  }
  return `${JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: entries }, null, 2)}\n`;
}

function osvRecord(id: string, pkg: string, aliases: string[], modified: string): object {
  return {
    schema_version: '1.6.0',
    id,
    modified,
    published: '2026-01-01T00:00:00Z',
    aliases,
    summary: `Prototype pollution in ${pkg}`,
    database_specific: { severity: 'HIGH', cwe_ids: ['CWE-1321'] },
    affected: [{ package: { ecosystem: 'npm', name: pkg }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }],
  };
}

/** osv.dev's download layout: `<dir>/npm/all.zip` holding one JSON file per record. */
function writeOsvDb(dir: string, records: object[]): string {
  mkdirSync(join(dir, 'npm'), { recursive: true });
  const files = Object.fromEntries(records.map((record) => [`${(record as { id: string }).id}.json`, strToU8(JSON.stringify(record))]));
  writeFileSync(join(dir, 'npm', 'all.zip'), zipSync(files));
  return dir;
}

interface NewItem {
  id: string;
  target: string;
  kind: string;
  newReason: string | null;
  vulnerability: { id: string; aliases: string[] } | null;
  rule: { id: string; tool: string } | null;
}
interface Listed {
  id: string;
  target: string;
  kind: string;
  vulnerability?: { id: string; aliases: string[] };
  rule?: { id: string };
  package?: { name: string };
  triage?: { status: string; reason: string; by: string; until?: string };
  suppression?: { rule: string; reason: string };
}
interface Summary {
  targets: Array<{ name: string; key: string; counts: Record<string, number> }>;
  policy?: { rules: number; unmatched: Array<{ rule: string }>; expired: Array<{ rule: string; until: string }> };
}

describe('policy rules and triage over real scans (sieve scan, triage, vex)', () => {
  const root = tempDir('sieve-policy-');
  const home = join(root, 'home');
  const config = join(root, 'scan-targets.json');
  const rulesDir = join(root, 'rules');
  const app = new TestRepo(root, 'app');
  const advisoryA = 'GHSA-pa11-aaaa-bbbb';
  const advisoryB = 'GHSA-pb22-cccc-dddd';
  let osvV1 = '';
  let osvV2 = '';
  let osvDb = '';

  function writeConfig(name: string): void {
    writeFileSync(
      config,
      JSON.stringify({
        targets: [
          {
            name,
            id: 'app-key',
            repo: app.url,
            sarif: ['ci/*.sarif'],
            // Per-target rule: of the code findings, only injection-class ones alert.
            rules: [{ id: 'code-injection-only', action: 'alert-only-on', match: { kind: 'code' }, when: { category: 'injection' } }],
          },
        ],
      }),
    );
  }

  function scan(day: string, extra: string[] = []) {
    const result = sieve(['scan', '--targets', config, '--rules', rulesDir, '--osv-db', osvDb, '--home', home, '--json', ...extra], {
      cwd: root,
      env: { SIEVE_NOW: `2026-11-${day}T03:00:00Z` },
    });
    const finished = result.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; runDir?: string })
      .find((entry) => entry.msg === 'scan finished');
    const runDir = finished?.runDir ?? '';
    const read = <T>(file: string): T | undefined => (runDir && existsSync(join(runDir, file)) ? (JSON.parse(readFileSync(join(runDir, file), 'utf8')) as T) : undefined);
    return { ...result, newFindings: read<NewItem[]>('new.json') ?? [], summary: read<Summary>('summary.json') };
  }

  const findings = (): Listed[] => JSON.parse(sieve(['findings', '--home', home, '--format', 'json'], { cwd: root }).stdout) as Listed[];
  const byPackage = (name: string) => findings().find((finding) => finding.package?.name === name);
  const byRule = (id: string) => findings().find((finding) => finding.rule?.id === id);
  const describeNew = (items: NewItem[]) => items.map((item) => `${item.vulnerability?.id ?? item.rule?.id} ${item.newReason}`).sort();

  beforeAll(() => {
    osvV1 = writeOsvDb(join(root, 'osv-v1'), [osvRecord(advisoryA, 'vuln-a', [], '2026-10-01T00:00:00Z'), osvRecord(advisoryB, 'vuln-b', ['CVE-2026-2222'], '2026-10-01T00:00:00Z')]);
    // The newer database: the GHSA of vuln-a has gained a CVE alias and a later `modified`.
    osvV2 = writeOsvDb(join(root, 'osv-v2'), [
      osvRecord(advisoryA, 'vuln-a', ['CVE-2026-1111'], '2026-11-04T00:00:00Z'),
      osvRecord(advisoryB, 'vuln-b', ['CVE-2026-2222'], '2026-10-01T00:00:00Z'),
    ]);
    osvDb = osvV1;
    app.write({
      'package-lock.json': packageLock([
        ['vuln-a', '1.0.0'],
        ['vuln-b', '1.0.0'],
        ['safe-c', '3.0.0'],
      ]),
      'src/app.js': readFileSync(join(repoRoot, 'fixtures/policy/app.js'), 'utf8'),
      'src/run.js': readFileSync(join(repoRoot, 'fixtures/policy/run.js'), 'utf8'),
      'ci/codeql.sarif': readFileSync(join(repoRoot, 'fixtures/policy/codeql.sarif'), 'utf8'),
    });
    app.commit('initial');
    writeConfig('app');
    mkdirSync(rulesDir, { recursive: true });
    writeFileSync(
      join(rulesDir, 'policy.yaml'),
      [
        'rules:',
        '  - id: ignore-b-by-cve',
        '    action: ignore',
        '    reason: vuln-b is only reached from the build script',
        '    match: { vulnerability: CVE-2026-2222 }',
        '  - id: ignore-a-until',
        '    action: ignore',
        '    reason: upgrade of vuln-a scheduled',
        '    until: 2026-11-10',
        '    match: { package: "pkg:npm/vuln-a", ecosystem: npm }',
        '  - id: matches-nothing',
        '    action: set-severity',
        '    severity: low',
        '    match: { package: "pkg:pypi/django" }',
        '',
      ].join('\n'),
    );
  });

  it('a rule file with mistakes fails the run before anything is scanned (exit 2), naming file, path and line', () => {
    const badDir = join(root, 'bad-rules');
    mkdirSync(badDir, { recursive: true });
    const bad = join(badDir, 'bad.yaml');
    writeFileSync(
      bad,
      ['rules:', '  - action: ignore', '    reason: x', '    until: 2026-02-30', '    match:', '      pathh: "src/**"', '  - action: ignore', '    match: { path: "src/{a,b" }', ''].join('\n'),
    );
    const result = sieve(['scan', '--targets', config, '--rules', badDir, '--osv-db', osvDb, '--home', home], { cwd: root, env: { SIEVE_NOW: '2026-11-01T00:00:00Z' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(bad);
    expect(result.stderr).toContain('rules[0].match (line 6): unknown key "pathh"');
    expect(result.stderr).toContain('rules[1] (line 7): missing required key "reason"');
    expect(existsSync(join(home, 'runs'))).toBe(false);
  });

  it('1. ignores silence findings (also by a CVE alias of a GHSA), and only injection-class code findings alert', () => {
    const result = scan('02');
    expect(result.stderr).not.toContain('"level":"error"');
    expect(result.code).toBe(0);
    expect(describeNew(result.newFindings)).toEqual(['js/command-line-injection new-target', 'js/sql-injection new-target']);
    expect(result.summary?.targets[0]?.counts).toMatchObject({ new: 6, suppressed: 4, open: 6 });
    const b = byPackage('vuln-b');
    expect(b?.vulnerability?.id).toBe(advisoryB);
    expect(b?.suppression).toEqual({ rule: 'ignore-b-by-cve', reason: 'vuln-b is only reached from the build script' });
    expect(byRule('js/reflected-xss')?.suppression?.rule).toBe('code-injection-only');
    expect(result.summary?.policy?.rules).toBe(4);
    expect(result.summary?.policy?.unmatched.map((entry) => entry.rule)).toEqual(['matches-nothing']);
    expect(result.summary?.policy?.expired).toEqual([]);
  });

  it('2. an OSV update that adds a CVE alias to the GHSA creates nothing new', () => {
    const before = byPackage('vuln-a');
    osvDb = osvV2;
    const result = scan('05');
    expect(result.code).toBe(0);
    expect(result.newFindings).toEqual([]);
    // Only the OSV data changed: the stored inventory is matched again (its two dependency
    // findings are seen unchanged); the code findings are kept as they were, not seen again.
    expect(result.summary?.targets[0]).toMatchObject({ status: 'ok', counts: { new: 0, unchanged: 2, fixed: 0, open: 6 } });
    const after = byPackage('vuln-a');
    expect(after?.id).toBe(before?.id);
    expect(after?.vulnerability).toMatchObject({ id: advisoryA, aliases: ['CVE-2026-1111'] });
  });

  it('3. triage survives 10 later scans; the ignore alerts again exactly once, the day after its until', () => {
    const sqli = byRule('js/sql-injection');
    const triage = sieve(['triage', sqli!.id, '--status', 'accepted-risk', '--reason', 'input is an enum upstream', '--until', '2026-11-20', '--home', home], {
      cwd: root,
      env: { SIEVE_NOW: '2026-11-05T12:00:00Z', SIEVE_USER: 'alice' },
    });
    expect(triage.code).toBe(0);
    const alerts: Record<string, string[]> = {};
    for (let day = 6; day <= 15; day += 1) {
      const result = scan(String(day).padStart(2, '0'));
      expect(result.code).toBe(0);
      alerts[day] = describeNew(result.newFindings);
      if (day === 11) expect(result.summary?.policy?.expired.map((entry) => `${entry.rule} ${entry.until}`)).toEqual(['ignore-a-until 2026-11-10']);
    }
    expect(alerts).toEqual({
      6: [],
      7: [],
      8: [],
      9: [],
      10: [],
      11: [`${advisoryA} triage-expired`],
      12: [],
      13: [],
      14: [],
      15: [],
    });
    expect(byRule('js/sql-injection')?.triage).toMatchObject({ status: 'accepted-risk', reason: 'input is an enum upstream', by: 'alice', until: '2026-11-20' });
    const table = sieve(['findings', '--home', home], { cwd: root }).stdout;
    expect(table).toContain('accepted-risk until 2026-11-20 (alice)');
  });

  it('4. a triage decision alerts again exactly once when its until passes', () => {
    expect(describeNew(scan('20').newFindings)).toEqual([]);
    expect(describeNew(scan('21').newFindings)).toEqual(['js/sql-injection triage-expired']);
    expect(describeNew(scan('22').newFindings)).toEqual([]);
  });

  it('5. a target renamed with an explicit id keeps its history and its triage', () => {
    const a = byPackage('vuln-a')!;
    const decided = sieve(['triage', a.id, '--status', 'false-positive', '--reason', 'vuln-a code path is never loaded', '--justification', 'code_not_reachable', '--by', 'bob', '--home', home], {
      cwd: root,
      env: { SIEVE_NOW: '2026-11-22T12:00:00Z' },
    });
    expect(decided.code).toBe(0);
    writeConfig('application');
    const result = scan('23');
    expect(result.code).toBe(0);
    expect(result.newFindings).toEqual([]);
    // A new display name is not a change of what is scanned: the target is skipped, under its key.
    expect(result.summary?.targets[0]).toMatchObject({ name: 'application', key: 'app-key', status: 'skipped', counts: { new: 0, open: 6 } });
    expect(byPackage('vuln-a')).toMatchObject({ id: a.id, target: 'app-key', triage: { status: 'false-positive', by: 'bob' } });
    const history = JSON.parse(sieve(['triage', a.id, '--history', '--home', home, '--json'], { cwd: root }).stdout) as Array<{ status: string; by: string }>;
    expect(history.map((entry) => `${entry.status} ${entry.by}`)).toEqual(['false-positive bob']);
  });

  it('6. vex export writes the decisions as CycloneDX VEX; vex import records them across targets', () => {
    const out = join(root, 'decisions.cdx.json');
    const exported = sieve(['vex', 'export', '-o', out, '--home', home], { cwd: root, env: { SIEVE_NOW: '2026-11-23T12:00:00Z' } });
    expect(exported.code).toBe(0);
    const vex = JSON.parse(readFileSync(out, 'utf8')) as {
      specVersion: string;
      vulnerabilities: Array<{ id: string; analysis: { state: string; justification?: string }; affects: Array<{ ref: string }> }>;
    };
    expect(vex.specVersion).toBe('1.6');
    expect(vex.vulnerabilities.map((entry) => [entry.id, entry.analysis.state, entry.analysis.justification, entry.affects.map((affect) => affect.ref)])).toEqual([
      [advisoryA, 'not_affected', 'code_not_reachable', ['pkg:npm/vuln-a@1.0.0']],
    ]);

    const openVex = join(root, 'upstream.openvex.json');
    writeFileSync(
      openVex,
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        statements: [{ vulnerability: { name: 'CVE-2026-2222' }, products: [{ '@id': 'pkg:npm/vuln-b@1.0.0' }], status: 'not_affected', justification: 'vulnerable_code_not_present' }],
      }),
    );
    const imported = sieve(['vex', 'import', openVex, '--home', home, '--by', 'upstream'], { cwd: root, env: { SIEVE_NOW: '2026-11-23T12:00:00Z' } });
    expect(imported.code).toBe(0);
    expect(byPackage('vuln-b')?.triage).toMatchObject({ status: 'false-positive', by: 'upstream', scope: 'fleet' });
  });

  it('runs were written only by the scans that ran', () => {
    expect(readdirSync(join(home, 'runs'))).toHaveLength(16);
  });
});
