import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, sharedDir, sieve, sieveAsync } from '../helpers/cli.js';
import { TestRepo, git, tempDir } from '../helpers/git.js';
import { requireTool } from '../helpers/tools.js';

function packageLock(packages: Array<[string, string]>): string {
  const entries: Record<string, unknown> = { '': { name: 'app', dependencies: Object.fromEntries(packages) } };
  for (const [name, version] of packages) entries[`node_modules/${name}`] = { version };
  return `${JSON.stringify({ name: 'app', lockfileVersion: 3, packages: entries }, null, 2)}\n`;
}

/** A SARIF log from "CI" whose message carries markup that must render as text. */
const ciSarif = JSON.stringify({
  version: '2.1.0',
  runs: [
    {
      tool: { driver: { name: 'CodeQL', version: '2.19.0', rules: [{ id: 'js/xss', properties: { tags: ['security', 'external/cwe/cwe-079'], 'security-severity': '6.1' } }] } },
      results: [
        {
          ruleId: 'js/xss',
          message: { text: 'Cross-site scripting: <script>alert(1)</script> reaches the page' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'web/page.js' }, region: { startLine: 2 } } }],
          partialFingerprints: { primaryLocationLineHash: 'abcdef0123456789:1' },
        },
      ],
    },
  ],
});

interface Recorded {
  method: string;
  url: string;
  body: string;
}

/** GitHub's code-scanning and issues endpoints plus a webhook that fails once, on 127.0.0.1. */
function fakeServices(): Promise<{ server: Server; base: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  let hookCalls = 0;
  let issue = 0;
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: request.method ?? '', url: request.url ?? '', body });
      const json = (status: number, value: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(value));
      };
      if (request.url === '/hook') {
        hookCalls += 1;
        return hookCalls === 1 ? json(500, { error: 'down for maintenance' }) : json(200, { ok: true });
      }
      if (request.method === 'POST' && request.url === '/repos/org/app/issues') {
        issue += 1;
        return json(201, { number: issue, html_url: `https://github.invalid/org/app/issues/${issue}` });
      }
      if (request.method === 'POST' && request.url === '/repos/org/app/code-scanning/sarifs') return json(202, { id: 'sarif-1', url: 'x' });
      if (request.method === 'GET' && request.url === '/repos/org/app/code-scanning/sarifs/sarif-1') return json(200, { processing_status: 'complete' });
      json(404, { message: 'Not Found' });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    resolve({ server, base: `http://127.0.0.1:${address.port}`, requests });
  }));
}

describe('what users see: notifications, weekly diff, upload and the dashboard', () => {
  const root = tempDir('sieve-outputs-');
  const home = join(root, 'home');
  const config = join(root, 'scan-targets.json');
  const repo = new TestRepo(root, 'app');
  let services: Awaited<ReturnType<typeof fakeServices>>;
  const runs: string[] = [];

  async function scan(day: string) {
    const result = await sieveAsync(['scan', '--targets', config, '--home', home, '--osv-db', join(sharedDir, 'osv-db'), '--json'], {
      cwd: root,
      env: { SIEVE_NOW: `${day}T03:00:00Z`, GITHUB_TOKEN: 'test-token' },
    });
    const runDir = result.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; runDir?: string })
      .find((entry) => entry.msg === 'scan finished')?.runDir;
    expect(runDir, result.stderr).toBeDefined();
    runs.push(runDir as string);
    return JSON.parse(readFileSync(join(runDir as string, 'summary.json'), 'utf8')) as {
      notifications?: Array<{ channel: string; sent: number; pending: number; error?: string }>;
      targets: Array<{ counts: Record<string, number>; commit: string }>;
    };
  }

  beforeAll(async () => {
    services = await fakeServices();
    repo.write({ 'package-lock.json': packageLock([['moment', '2.11.0'], ['semver', '4.3.0']]), 'web/page.js': 'const q = location.hash;\ndocument.write(q);\n', 'ci/codeql.sarif': ciSarif });
    repo.commit('initial');
    writeFileSync(
      config,
      JSON.stringify({
        notify: { webhooks: [{ url: `${services.base}/hook`, format: 'json' }], githubIssues: { repo: 'org/app', apiUrl: services.base } },
        targets: [{ name: 'app', repo: repo.url, sarif: ['ci/*.sarif'] }],
      }),
    );
  });
  afterAll(() => services.server.close());

  it('notifies what is new; a failed delivery is kept and sent on the next run; no issue is filed twice', async () => {
    const first = await scan('2026-11-02');
    const hook = first.notifications?.find((entry) => entry.channel.startsWith('webhook:'));
    const issues = first.notifications?.find((entry) => entry.channel === 'issues:org/app');
    expect(hook).toMatchObject({ sent: 0, pending: 3 });
    expect(hook?.error).toMatch(/500/);
    expect(issues).toMatchObject({ sent: 3, pending: 0 });
    expect(hook?.channel).not.toContain('127.0.0.1');

    // Day 6: moment is upgraded; the webhook is back and gets the three pending findings.
    repo.write({ 'package-lock.json': packageLock([['moment', '2.11.2'], ['semver', '4.3.0']]) });
    repo.commit('upgrade moment');
    const second = await scan('2026-11-06');
    const delivered = services.requests.filter((request) => request.url === '/hook').at(-1);
    const digest = JSON.parse(delivered?.body ?? '{}') as { findings?: Array<{ id: string }> };
    // The moment finding was fixed before it could be delivered: two remain to tell.
    expect(digest.findings).toHaveLength(2);
    expect(second.notifications?.find((entry) => entry.channel.startsWith('webhook:'))).toMatchObject({ sent: 2, pending: 0 });
    expect(services.requests.filter((request) => request.url === '/repos/org/app/issues')).toHaveLength(3);
  });

  it('exports the weekly diff over two weeks of scans', async () => {
    repo.write({ 'package-lock.json': packageLock([['lodash', '4.17.4'], ['moment', '2.11.2'], ['semver', '4.3.0']]) });
    repo.commit('add lodash');
    await scan('2026-11-10');
    repo.write({ 'package-lock.json': packageLock([['lodash', '4.17.4'], ['moment', '2.11.0'], ['semver', '4.3.0']]) });
    repo.commit('moment back');
    await scan('2026-11-16');
    // Both lodash advisories are filed once; the reopened moment finding already has its issue.
    expect(services.requests.filter((request) => request.url === '/repos/org/app/issues')).toHaveLength(5);

    const lastWeek = sieve(['export', '--since', '7d', '--format', 'json', '--home', home], { cwd: root, env: { SIEVE_NOW: '2026-11-16T12:00:00Z' } });
    expect(lastWeek.code, lastWeek.stderr).toBe(0);
    const model = JSON.parse(lastWeek.stdout) as { totals: Record<string, number>; rows: Array<{ transition: string; vulnerability: string; at: string; package: string }> };
    expect(model.rows.map((row) => `${row.at.slice(0, 10)} ${row.transition} ${row.vulnerability}`)).toEqual([
      '2026-11-10 new NSWG-ECO-493',
      '2026-11-10 new NSWG-ECO-368',
      '2026-11-16 reopened NSWG-ECO-55',
    ]);
    expect(model.totals).toEqual({ new: 2, reopened: 1, fixed: 0, withdrawn: 0, open: 5, suppressed: 0, knownExploited: 0 });

    const twoWeeks = sieve(['export', '--since', '2026-11-01', '--until', '2026-11-15', '--format', 'csv', '--home', home], { cwd: root, env: { SIEVE_NOW: '2026-11-16T12:00:00Z' } });
    const lines = twoWeeks.stdout.trim().split('\n');
    const header = lines[0]?.split(',') ?? [];
    const column = (name: string) => header.indexOf(name);
    expect(column('transition')).toBeGreaterThanOrEqual(0);
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows.map((cells) => `${cells[column('transition')]} ${cells[column('vulnerability_or_rule')]}`)).toEqual([
      'new codeql/js/xss',
      'new NSWG-ECO-31',
      'new NSWG-ECO-55',
      'new NSWG-ECO-493',
      'new NSWG-ECO-368',
      'fixed NSWG-ECO-55',
    ]);
    const md = sieve(['export', '--since', '7d', '--format', 'md', '--home', home], { cwd: root, env: { SIEVE_NOW: '2026-11-16T12:00:00Z' } });
    expect(md.stdout).toContain('NSWG-ECO-55');
    const html = sieve(['export', '--since', '7d', '--format', 'html', '--home', home], { cwd: root, env: { SIEVE_NOW: '2026-11-16T12:00:00Z' } });
    expect(html.stdout).toContain('<table');
    expect(html.stdout).not.toContain('<script>alert(1)</script>');
  });

  it('uploads the latest code-scanning SARIF gzip+base64 and waits for processing', async () => {
    const result = await sieveAsync(['upload', '--target', 'app', '--api-url', services.base, '--repo', 'org/app', '--home', home], { cwd: root, env: { GITHUB_TOKEN: 'test-token' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('sarif-1\tcomplete');
    const posted = services.requests.find((request) => request.url === '/repos/org/app/code-scanning/sarifs');
    const body = JSON.parse(posted?.body ?? '{}') as { sarif: string; commit_sha: string; ref: string };
    const uploaded = gunzipSync(Buffer.from(body.sarif, 'base64')).toString('utf8');
    expect(uploaded).toBe(readFileSync(join(runs.at(-1) as string, 'targets/app/code-scanning.sarif'), 'utf8'));
    expect(body.commit_sha).toMatch(/^[0-9a-f]{40}$/);
    expect(body.ref).toBe('refs/heads/main');

    const noToken = await sieveAsync(['upload', '--target', 'app', '--api-url', services.base, '--repo', 'org/app', '--home', home], { cwd: root, env: { GITHUB_TOKEN: '' } });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('GITHUB_TOKEN');
  });

  it('a target without ref is scanned at its default branch (master), and summary.json, the store and the upload name it', async () => {
    const legacy = new TestRepo(root, 'legacy');
    legacy.write({ 'package-lock.json': packageLock([['semver', '4.3.0']]) });
    legacy.commit('on main');
    // The remote's default branch is master, one commit ahead of a stale main.
    git(legacy.bare, 'symbolic-ref', 'HEAD', 'refs/heads/master');
    legacy.write({ 'package-lock.json': packageLock([['moment', '2.11.0']]) });
    git(legacy.work, 'add', '-A');
    git(legacy.work, 'commit', '--quiet', '-m', 'on master');
    git(legacy.work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/master');
    const master = git(legacy.work, 'rev-parse', 'HEAD');
    const legacyHome = join(root, 'legacy-home');
    const legacyConfig = join(root, 'legacy-targets.json');
    writeFileSync(legacyConfig, JSON.stringify({ targets: [{ name: 'legacy', repo: legacy.url }] }));

    const scanned = await sieveAsync(['scan', '--targets', legacyConfig, '--home', legacyHome, '--osv-db', join(sharedDir, 'osv-db')], { cwd: root });
    expect(scanned.code, scanned.stderr).toBe(0);
    const runDir = /results in (\S+)/.exec(scanned.stdout)?.[1] as string;
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as { targets: Array<{ ref: string | null; commit: string }> };
    expect(summary.targets[0]).toMatchObject({ ref: 'refs/heads/master', commit: master });
    const stored = JSON.parse(sieve(['findings', '--format', 'json', '--home', legacyHome], { cwd: root }).stdout) as Array<{ package?: { name: string } }>;
    expect(stored.map((finding) => finding.package?.name)).toContain('moment');

    const before = services.requests.length;
    const uploaded = await sieveAsync(['upload', '--target', 'legacy', '--api-url', services.base, '--repo', 'org/app', '--home', legacyHome], { cwd: root, env: { GITHUB_TOKEN: 'test-token' } });
    expect(uploaded.code, uploaded.stderr).toBe(0);
    const posted = services.requests.slice(before).find((request) => request.url === '/repos/org/app/code-scanning/sarifs');
    expect(JSON.parse(posted?.body ?? '{}')).toMatchObject({ ref: 'refs/heads/master', commit_sha: master });
  });

  const chromiumPath = requireTool('chromium');
  const browser = chromiumPath !== undefined ? it : it.skip;
  browser('renders the dashboard with scan times and commits; markup in findings stays text', async () => {
    const site = join(root, 'site');
    const report = sieve(['report', '-o', site, '--home', home], { cwd: root, env: { SIEVE_NOW: '2026-11-16T12:00:00Z' } });
    expect(report.code, report.stderr).toBe(0);
    const commit = JSON.parse(readFileSync(join(runs.at(-1) as string, 'summary.json'), 'utf8')).targets[0].commit as string;
    const launched = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await launched.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(pathToFileURL(join(site, 'index.html')).href);
      const overview = await page.locator('#targets tbody').innerText();
      expect(overview).toContain('app');
      expect(overview).toContain(commit.slice(0, 7));
      expect(overview).toContain('2026-11-16');
      await page.locator('#targets a', { hasText: 'app' }).first().click();
      await page.waitForSelector('#findings');
      expect(await page.locator('#findings').innerText()).toContain('<script>alert(1)</script>');
      expect(dialogs).toEqual([]);
      await page.selectOption('#f-kind', 'code');
      const visible = await page.locator('#findings tbody tr:visible').count();
      expect(visible).toBe(1);
      mkdirSync(join(repoRoot, 'artifacts'), { recursive: true });
      await page.screenshot({ path: join(repoRoot, 'artifacts', 'cli-dashboard-target.png'), fullPage: true });
      await page.goto(pathToFileURL(join(site, 'index.html')).href);
      await page.screenshot({ path: join(repoRoot, 'artifacts', 'cli-dashboard.png'), fullPage: true });
    } finally {
      await launched.close();
    }
  });
});
