/**
 * One judged finding: a triage decision made once reaches every output alike (findings, the
 * dashboard, the weekly diff, code-scanning SARIF, VEX, new.json and a webhook), before and after
 * its expiry; import-sarif applies rules like a scan; an edit on the line below a code finding
 * keeps its identity. Real CLI, real git repository, real SQLite, a webhook on 127.0.0.1.
 */
import { strToU8, zipSync } from 'fflate';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishedRunDir, sieve, sieveAsync } from '../helpers/cli.js';
import { TestRepo, tempDir } from '../helpers/git.js';
import { fakeServer, reply } from '../notify/fake-server.js';

const ADVISORY = 'GHSA-jd11-aaaa-bbbb';

function packageLock(name: string, version: string): string {
  const packages = {
    '': { name: 'app', version: '1.0.0', dependencies: { [name]: version } },
    [`node_modules/${name}`]: { version, resolved: `https://registry.invalid/${name}/-/${name}-${version}.tgz`, integrity: 'sha512-AAAA' },
  };
  return `${JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`;
}

function writeOsvDb(dir: string, withdrawn?: string): string {
  const record = {
    ...(withdrawn ? { withdrawn } : {}),
    schema_version: '1.6.0',
    id: ADVISORY,
    modified: '2026-10-01T00:00:00Z',
    published: '2026-01-01T00:00:00Z',
    aliases: ['CVE-2026-1111'],
    summary: 'Prototype pollution in judged-dep',
    database_specific: { severity: 'HIGH', cwe_ids: ['CWE-1321'] },
    affected: [{ package: { ecosystem: 'npm', name: 'judged-dep' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }],
  };
  mkdirSync(join(dir, 'npm'), { recursive: true });
  writeFileSync(join(dir, 'npm', 'all.zip'), zipSync({ [`${ADVISORY}.json`]: strToU8(JSON.stringify(record)) }));
  return dir;
}

/** A SARIF log without fingerprints: Sieve hashes the flagged lines from the checkout. */
function sarif(results: Array<{ rule: string; line: number }>): string {
  return JSON.stringify({
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'CodeQL', version: '2.19.0', rules: ['js/sql-injection', 'js/insecure-randomness'].map((id) => ({ id, properties: { 'security-severity': '5.0' } })) } },
        results: results.map(({ rule, line }) => ({ ruleId: rule, message: { text: `${rule} here` }, locations: [{ physicalLocation: { artifactLocation: { uri: 'src/app.js' }, region: { startLine: line } } }] })),
      },
    ],
  });
}

interface Listed {
  id: string;
  kind: string;
  state: string;
  closedReason?: string;
  newReason?: string;
  rule?: { id: string };
  vulnerability?: { id: string };
  suppression?: { rule: string; reason: string };
}

describe('one judged finding across every output', () => {
  const root = tempDir('sieve-judged-');
  const home = join(root, 'home');
  const config = join(root, 'scan-targets.json');
  const rulesDir = join(root, 'rules');
  const app = new TestRepo(root, 'app');
  let osvDb = '';
  let hook: Awaited<ReturnType<typeof fakeServer>>;
  const delivered: string[][] = [];

  const run = (args: string[], now: string) => sieve([...args, '--home', home], { cwd: root, env: { SIEVE_NOW: now, SIEVE_USER: 'alice' } });
  const findings = (now: string, extra: string[] = []) => JSON.parse(run(['findings', '--format', 'json', ...extra], now).stdout) as Listed[];

  async function scan(now: string) {
    const result = await sieveAsync(['scan', '--targets', config, '--rules', rulesDir, '--osv-db', osvDb, '--home', home, '--json'], { cwd: root, env: { SIEVE_NOW: now } });
    const runDir = finishedRunDir(result.stderr);
    const newItems = existsSync(join(runDir, 'new.json')) ? (JSON.parse(readFileSync(join(runDir, 'new.json'), 'utf8')) as Listed[]) : [];
    const codeScanning = JSON.parse(readFileSync(join(runDir, 'targets', 'app', 'code-scanning.sarif'), 'utf8')) as {
      runs: Array<{ results: Array<{ properties: Record<string, string>; suppressions?: Array<{ status: string; justification: string }> }> }>;
    };
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as {
      targets: Array<{ status: string; counts: Record<string, number>; errors: string[]; warnings: string[] }>;
    };
    const target = summary.targets[0]!;
    return { ...result, newItems, codeScanning, status: target.status, counts: target.counts, errors: target.errors, warnings: target.warnings };
  }

  /** Everything each output says of one finding at a time. */
  function outputs(id: string, now: string, since: string) {
    const site = join(root, `site-${now.slice(0, 10)}`);
    expect(run(['report', '-o', site], now).code).toBe(0);
    const index = readFileSync(join(site, 'index.html'), 'utf8');
    const targetPage = readFileSync(join(site, 'targets', 'app.html'), 'utf8');
    const diff = JSON.parse(run(['export', '--since', since, '--format', 'json'], now).stdout) as {
      totals: Record<string, number>;
      rows: Array<{ id: string; transition: string; reason: string }>;
    };
    const vex = JSON.parse(run(['vex', 'export'], now).stdout) as { vulnerabilities?: Array<{ id: string }> };
    return {
      suppressedListed: findings(now, ['--state', 'suppressed']).map((finding) => finding.id).includes(id),
      openHighOnDashboard: Number(/<span class="big">(\d+)<\/span> open high/.exec(index)?.[1]),
      dashboardState: new RegExp(`data-state="([a-z]+)" data-id="${id}"`).exec(targetPage)?.[1],
      diffRows: diff.rows.filter((row) => row.id === id).map((row) => `${row.transition} ${row.reason}`),
      diffTotals: { open: diff.totals.open, suppressed: diff.totals.suppressed },
      vex: (vex.vulnerabilities ?? []).map((vulnerability) => vulnerability.id),
    };
  }

  beforeAll(async () => {
    hook = await fakeServer((seen, res) => {
      delivered.push((JSON.parse(seen.body) as { findings: Array<{ id: string }> }).findings.map((finding) => finding.id));
      reply(res, 200, {});
    });
    osvDb = writeOsvDb(join(root, 'osv'));
    mkdirSync(rulesDir, { recursive: true });
    writeFileSync(join(rulesDir, 'policy.yaml'), ['rules:', '  - id: randomness-is-fine-here', '    action: ignore', '    reason: tokens are not secrets here', '    match: { rule: js/insecure-randomness }', ''].join('\n'));
    writeFileSync(config, JSON.stringify({ notify: { webhooks: [{ url: `${hook.url}/hook`, format: 'json' }] }, targets: [{ name: 'app', repo: app.url, sarif: ['ci/*.sarif'] }] }));
    app.write({
      'package-lock.json': packageLock('judged-dep', '1.0.0'),
      // The flagged line is short, so GitHub's line hash spans the lines below it.
      'src/app.js': ['const db = require("./db");', 'module.exports = (q) =>', '  db.query(q);', '', ''].join('\n'),
      'ci/codeql.sarif': sarif([{ rule: 'js/sql-injection', line: 3 }]),
    });
    app.commit('initial');
  });
  afterAll(async () => hook?.close());

  let dependencyId = '';
  let codeId = '';

  it('day 1: the first scan alerts on both findings, in new.json and to the webhook', async () => {
    const first = await scan('2026-11-01T03:00:00Z');
    expect(first.code).toBe(0);
    expect(first.newItems.map((item) => item.vulnerability?.id ?? item.rule?.id).sort()).toEqual([ADVISORY, 'js/sql-injection']);
    dependencyId = first.newItems.find((item) => item.kind === 'dependency')!.id;
    codeId = first.newItems.find((item) => item.kind === 'code')!.id;
    expect(delivered.map((ids) => [...ids].sort())).toEqual([[dependencyId, codeId].sort()]);
  });

  it('a change on the line below a code finding keeps its identity', async () => {
    app.write({ 'src/app.js': ['const db = require("./db");', 'module.exports = (q) =>', '  db.query(q);', '// appended below the flagged line', 'module.exports.extra = true;', ''].join('\n') });
    app.commit('edit below the flagged line');
    const second = await scan('2026-11-01T09:00:00Z');
    expect(second.code).toBe(0);
    expect(second.newItems).toEqual([]);
    expect(second.counts).toMatchObject({ new: 0, fixed: 0, unchanged: 2 });
    expect(findings('2026-11-01T09:00:00Z', ['--state', 'open']).map((finding) => finding.id).sort()).toEqual([dependencyId, codeId].sort());
  });

  it('one triage decision reaches every output while it holds, and none once it expires', async () => {
    const triage = run(['triage', dependencyId, '--status', 'accepted-risk', '--reason', 'not reachable from our code', '--until', '2026-11-05'], '2026-11-02T12:00:00Z');
    expect(triage.code).toBe(0);

    // While it holds: a scan does not alert, and every output shows it suppressed.
    const during = await scan('2026-11-03T03:00:00Z');
    expect(during.newItems).toEqual([]);
    expect(during.counts).toMatchObject({ suppressed: 1, open: 2 });
    const duringResult = during.codeScanning.runs.flatMap((entry) => entry.results).find((result) => result.properties['sieve/id'] === dependencyId);
    expect(duringResult?.suppressions).toEqual([expect.objectContaining({ status: 'accepted', justification: 'not reachable from our code' })]);
    expect(outputs(dependencyId, '2026-11-04T00:00:00Z', '2026-10-25')).toEqual({
      suppressedListed: true,
      openHighOnDashboard: 0,
      dashboardState: 'suppressed',
      diffRows: [],
      diffTotals: { open: 1, suppressed: 1 },
      vex: [ADVISORY],
    });
    expect(delivered).toHaveLength(1);

    // Read after its expiry, before any scan: every output already says it is open again.
    expect(outputs(dependencyId, '2026-11-06T00:00:00Z', '2026-11-04')).toMatchObject({ suppressedListed: false, openHighOnDashboard: 1, vex: [] });

    // The first scan after it expired alerts once, in new.json and to the webhook.
    const after = await scan('2026-11-06T03:00:00Z');
    expect(after.newItems.map((item) => `${item.id} ${item.newReason}`)).toEqual([`${dependencyId} triage-expired`]);
    expect(delivered.at(-1)).toEqual([dependencyId]);
    const afterResult = after.codeScanning.runs.flatMap((entry) => entry.results).find((result) => result.properties['sieve/id'] === dependencyId);
    expect(afterResult?.suppressions).toBeUndefined();
    expect(outputs(dependencyId, '2026-11-06T04:00:00Z', '2026-11-04')).toEqual({
      suppressedListed: false,
      openHighOnDashboard: 1,
      // It alerted again in the dashboard's window (the last 7 days): its row says so, as the tile counts it.
      dashboardState: 'reopened',
      diffRows: ['reopened triage-expired'],
      diffTotals: { open: 2, suppressed: 0 },
      vex: [],
    });
    const again = await scan('2026-11-07T03:00:00Z');
    expect(again.newItems).toEqual([]);
    expect(delivered).toHaveLength(2);
  });

  it('import-sarif takes the same path: rules apply, new.json holds what alerts, code-scanning SARIF is written', () => {
    const file = join(root, 'ci-results.sarif');
    writeFileSync(file, sarif([{ rule: 'js/sql-injection', line: 3 }, { rule: 'js/insecure-randomness', line: 2 }]));
    const result = run(['import-sarif', '--target', 'ci-app', '--commit', 'abcdef1', '--rules', rulesDir, '--json', file], '2026-11-08T00:00:00Z');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('no --checkout');
    const runDir = /results in (\S+)/.exec(result.stdout)?.[1] ?? '';
    const newItems = JSON.parse(readFileSync(join(runDir, 'new.json'), 'utf8')) as Listed[];
    expect(newItems.map((item) => item.rule?.id)).toEqual(['js/sql-injection']);
    const listed = findings('2026-11-08T00:00:00Z').filter((finding) => finding.rule && finding.id !== codeId);
    expect(listed.find((finding) => finding.rule?.id === 'js/insecure-randomness')?.suppression).toEqual({ rule: 'randomness-is-fine-here', reason: 'tokens are not secrets here' });
    const log = JSON.parse(readFileSync(join(runDir, 'targets', 'ci-app', 'code-scanning.sarif'), 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string; suppressions?: unknown[] }> }> };
    expect(log.runs.flatMap((entry) => entry.results).map((entry) => `${entry.ruleId} ${entry.suppressions ? 'suppressed' : 'open'}`).sort()).toEqual([
      'js/insecure-randomness suppressed',
      'js/sql-injection open',
    ]);
  });

  it('an advisory withdrawn from the data closes its finding as withdrawn, not fixed, and the weekly diff shows it apart', async () => {
    writeOsvDb(join(root, 'osv'), '2026-11-08T00:00:00Z');
    const result = await scan('2026-11-09T03:00:00Z');
    expect(result.code).toBe(0);
    expect(result.counts).toMatchObject({ fixed: 0, withdrawn: 1 });
    expect(findings('2026-11-09T04:00:00Z').find((finding) => finding.id === dependencyId)).toMatchObject({ state: 'fixed', closedReason: 'withdrawn' });
    const diff = JSON.parse(run(['export', '--since', '2026-11-09', '--format', 'json'], '2026-11-09T04:00:00Z').stdout) as { totals: Record<string, number>; rows: Array<{ id: string; transition: string }> };
    expect(diff.rows.filter((row) => row.id === dependencyId).map((row) => row.transition)).toEqual(['withdrawn']);
    expect(diff.totals).toMatchObject({ fixed: 0, withdrawn: 1 });
  });

  it('a tool whose output is missing keeps its findings open, and the summary says why', async () => {
    app.remove('ci/codeql.sarif');
    app.commit('CI artifact not published this time');
    const result = await scan('2026-11-10T03:00:00Z');
    // Issue 13: a configured sarif glob that matches nothing is a failed read, so the target is partial (exit 3).
    expect(result.code).toBe(3);
    expect(result.status).toBe('partial');
    expect(result.counts).toMatchObject({ fixed: 0, open: 1 });
    expect(result.errors).toContain('sarif: "ci/*.sarif" (sarif) matched no file in the checkout; code findings stay as they were');
    expect(findings('2026-11-10T04:00:00Z', ['--target', 'app', '--state', 'open']).map((finding) => finding.id)).toEqual([codeId]);
  });
});
