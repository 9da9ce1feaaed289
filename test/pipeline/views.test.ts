/**
 * What the security team reads on Monday, built from a real store: a month of scans of five
 * targets with real OSV records (Go golang.org/x/crypto, PyPI salt) and CISA's KEV catalog, then
 * the dashboard and the weekly diff rendered and read in headless Chromium on a desktop and a phone.
 */
import { strFromU8, unzipSync } from 'fflate';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ecosystem, Finding, Package } from '../../src/model/types.js';
import { findingsForMatch, matchPackage } from '../../src/osv/match.js';
import type { OsvRecord } from '../../src/osv/types.js';
import { importKevFile } from '../../src/pipeline/known-exploited.js';
import { judgedFindings, hasVulnerability, remediationPlan, siteModel, weeklyDiff } from '../../src/pipeline/views.js';
import { diffFormats } from '../../src/report/export.js';
import { renderSite } from '../../src/report/site/index.js';
import { Store } from '../../src/store/store.js';
import { sharedDir } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';
import { requireTool } from '../helpers/tools.js';

const NOW = new Date('2026-11-30T06:00:00.000Z');
const SINCE = new Date('2026-11-23T06:00:00.000Z');

function recordsOf(ecosystem: string, names: string[]): OsvRecord[] {
  const files = unzipSync(readFileSync(join(sharedDir, 'osv-db', ecosystem, 'all.zip')));
  return Object.values(files)
    .map((bytes) => JSON.parse(strFromU8(bytes)) as OsvRecord)
    .filter((record) => (record.affected ?? []).some((affected) => names.includes(affected.package?.name.toLowerCase() ?? '')));
}

function dependencyFindings(records: OsvRecord[], ecosystem: Ecosystem, name: string, version: string, lockfile: string): Finding[] {
  const pkg: Package = { ecosystem, name, version, purl: `pkg:${ecosystem === 'Go' ? 'golang' : 'pypi'}/${name}@${version}`, direct: true, scope: 'runtime', location: { path: lockfile, line: 3 } };
  return findingsForMatch(matchPackage(pkg, records));
}

function codeFinding(rule: string, path: string): Finding {
  return { kind: 'code', source: 'semgrep', severity: 'medium', title: `${rule} in ${path}`, location: { path, startLine: 4 }, cwes: ['CWE-78'], rule: { id: rule, tool: 'semgrep' } };
}

describe('the Monday views from a real store', () => {
  const home = tempDir('sieve-views-');
  const site = join(home, 'site');
  const shots = join('/tmp', 'sieve-i15-screens');
  let store: Store;
  let crypto: OsvRecord[];
  let salt: OsvRecord[];

  function scan(day: string, target: string, findings: Finding[]): void {
    const at = `2026-11-${day}T02:00:00.000Z`;
    const runId = `run-${day}-${target}`;
    store.beginRun(runId, at);
    store.recordTarget(
      {
        runId,
        target: { name: target, key: target },
        at,
        startedAt: at,
        commit: `${day}${target}`.padEnd(40, '0').replace(/[^0-9a-f]/g, 'a'),
        repo: `https://github.com/example-org/${target}.git`,
        findings: findings.map((finding) => ({ finding })),
        failures: [],
        // semgrep's output was read: its findings that are gone are fixed.
        tools: ['semgrep'],
      },
      undefined,
    );
    // The shared npm data's newest record is from 2020: the dashboard must say the data is stale.
    store.finishRun(runId, at, { source: 'offline', ecosystems: { Go: { records: 4200, lastModified: '2026-11-29T00:00:00Z' }, npm: { records: 3000, lastModified: '2020-06-01T00:00:00Z' } } });
  }

  beforeAll(() => {
    store = Store.open(join(home, 'sieve.db'));
    importKevFile(store, join(sharedDir, 'kev', 'known_exploited_vulnerabilities.json'), '2026-11-01T00:00:00.000Z');
    crypto = recordsOf('Go', ['golang.org/x/crypto']);
    salt = recordsOf('PyPI', ['salt']);
    const xcrypto = (version: string) => dependencyFindings(crypto, 'Go', 'golang.org/x/crypto', version, 'go.mod');
    // Before the window: everyone is scanned; "old" never again.
    scan('10', 'hub', xcrypto('v0.40.0'));
    scan('10', 'lab', [...xcrypto('v0.44.0'), codeFinding('cmd-injection', 'tools/run.py')]);
    scan('10', 'proxy', xcrypto('v0.51.0'));
    scan('10', 'old', [codeFinding('weak-hash', 'lib/hash.py')]);
    scan('20', 'proxy', []);
    // In the window: salt (known exploited) appears in hub, lab fixes its code finding, proxy's crypto comes back.
    scan('25', 'hub', [...xcrypto('v0.40.0'), ...dependencyFindings(salt, 'PyPI', 'salt', '3000.1', 'requirements.txt')]);
    scan('26', 'lab', xcrypto('v0.44.0'));
    scan('27', 'proxy', xcrypto('v0.51.0'));
    scan('29', 'hub', [...xcrypto('v0.40.0'), ...dependencyFindings(salt, 'PyPI', 'salt', '3000.1', 'requirements.txt')]);
    scan('29', 'lab', xcrypto('v0.44.0'));
    scan('29', 'proxy', xcrypto('v0.51.0'));
    // "broken" was fine once and failed last night.
    scan('10', 'broken', [codeFinding('eval', 'app.js')]);
    store.beginRun('run-29-broken', '2026-11-29T02:00:00.000Z');
    store.recordTarget(
      {
        runId: 'run-29-broken',
        target: { name: 'broken', key: 'broken' },
        at: '2026-11-29T02:00:00.000Z',
        startedAt: '2026-11-29T02:00:00.000Z',
        findings: [],
        failures: [],
        fatal: { stage: 'checkout', scope: { kind: 'target' }, message: 'could not clone' },
      },
      undefined,
    );
    const model = siteModel(store, { now: NOW, since: SINCE, staleAfterHours: 36, osvMaxAgeDays: 14 });
    for (const [path, content] of renderSite(model)) {
      mkdirSync(dirname(join(site, path)), { recursive: true });
      writeFileSync(join(site, path), content);
    }
    const diff = weeklyDiff(store, { since: SINCE.toISOString(), until: NOW.toISOString() });
    writeFileSync(join(site, 'weekly.html'), diffFormats.html(diff));
  });
  afterAll(() => store.close());

  it('marks known-exploited findings by any alias and counts "new" one way everywhere', () => {
    const findings = judgedFindings(store, {}, NOW.toISOString());
    const kev = findings.filter((finding) => finding.knownExploited);
    expect(kev.length).toBeGreaterThan(0);
    expect(kev.every((finding) => finding.package?.name === 'salt')).toBe(true);
    expect(findings.some((finding) => hasVulnerability(finding, 'cve-2020-11651'))).toBe(true);

    const model = siteModel(store, { now: NOW, since: SINCE, staleAfterHours: 36, osvMaxAgeDays: 14 });
    const alerting = (model.changes ?? []).filter((event) => event.transition !== 'fixed').length;
    expect(model.targets.reduce((sum, target) => sum + target.newThisWeek, 0)).toBe(alerting);
    const diff = weeklyDiff(store, { since: SINCE.toISOString(), until: NOW.toISOString() });
    expect(diff.totals.new + diff.totals.reopened).toBe(alerting);
    expect(diff.rows[0]?.knownExploited).not.toBe('');
  });

  it('plans the fleet upgrade from the stored ranges: known exploited first', () => {
    const plan = remediationPlan(judgedFindings(store, {}, NOW.toISOString()));
    expect(plan[0]).toMatchObject({ name: 'salt', version: '3005.2', targets: ['hub'] });
    expect(plan[0]!.knownExploited).toBeGreaterThan(0);
    // The matcher agrees: at that version, none of the advisories with a fix is left.
    const fixable = new Set(plan[0]!.advisories);
    expect(dependencyFindings(salt, 'PyPI', 'salt', '3005.2', 'requirements.txt').filter((finding) => fixable.has(finding.vulnerability!.id))).toEqual([]);
    expect(plan[1]).toMatchObject({ name: 'golang.org/x/crypto', version: 'v0.52.0', targets: ['hub', 'lab', 'proxy'], unfixed: ['GO-2026-5932'] });
  });

  const chromiumPath = requireTool('chromium');
  const browser = chromiumPath !== undefined ? it : it.skip;

  browser('reads in Chromium on a desktop and at 390 px: order, upgrades, KEV badge, fleet search, no sideways scroll', async () => {
    const { chromium } = await import('playwright-core');
    mkdirSync(shots, { recursive: true });
    const launched = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const requests: string[] = [];
    const errors: string[] = [];
    try {
      for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
        const label = viewport.width === 390 ? 'phone' : 'desktop';
        const page = await launched.newPage({ viewport });
        page.on('request', (request) => {
          if (!request.url().startsWith('file://')) requests.push(request.url());
        });
        page.on('pageerror', (error) => errors.push(error.message));
        const open = async (file: string, query = '') => {
          await page.goto(pathToFileURL(join(site, file)).href + query);
          return page;
        };
        const noSidewaysScroll = async () => expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);

        await open('index.html');
        // The front page, most important first: the stale-data warning, then what changed, upgrades, targets.
        const order = await page.evaluate<number[]>(
          "['osv-warning', 'changes', 'upgrade', 'targets-heading', 'trend'].map((id) => document.getElementById(id)?.getBoundingClientRect().top ?? -1)",
        );
        expect(order.every((top, i) => top >= 0 && (i === 0 || top > order[i - 1]!))).toBe(true);
        expect(await page.locator('#osv-warning').innerText()).toContain('npm');
        const appeared = page.locator('#appeared tbody tr');
        expect(await appeared.first().getAttribute('data-kev')).toBe('1');
        expect(await appeared.first().locator('.kev').isVisible()).toBe(true);
        const severities = await appeared.evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-kev') ?? '0', row.getAttribute('data-severity')]));
        const rank = { critical: 4, high: 3, medium: 2, low: 1, unknown: 0 } as Record<string, number>;
        for (let i = 1; i < severities.length; i += 1) {
          const [kevA, sevA] = severities[i - 1]!;
          const [kevB, sevB] = severities[i]!;
          expect(kevA! > kevB! || (kevA === kevB && rank[sevA!]! >= rank[sevB!]!), JSON.stringify(severities)).toBe(true);
        }
        expect(await page.locator('#came-back tbody').innerText()).toContain('proxy');
        expect(await page.locator('#fixed tbody').innerText()).toContain('lab');
        const upgrades = await page.locator('#upgrades li').allInnerTexts();
        expect(upgrades[0]).toMatch(/known exploited.*upgrade salt to 3005\.2 \(closes \d+ findings in 1 repository\)/s);
        expect(upgrades[1]).toMatch(/upgrade golang\.org\/x\/crypto to v0\.52\.0 \(closes \d+ findings in 3 repositories\); no fixed version of golang\.org\/x\/crypto yet for GO-2026-5932/);
        const ranked = await page.locator('#targets tbody tr').evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-target'), row.getAttribute('data-attention') ?? '']));
        expect(ranked).toEqual([['broken', 'failed'], ['old', 'stale'], ['hub', ''], ['lab', ''], ['proxy', '']]);
        // Counts that agree: the card, the tables and the targets' column say the same.
        const newCard = Number((await page.locator('.cards li', { hasText: 'new since' }).innerText()).match(/\d+/)?.[0]);
        const listed = (await appeared.count()) + (await page.locator('#came-back tbody tr').count());
        expect(newCard).toBe(listed);
        expect(await page.locator('body').innerText()).toContain('New means alerting: new or reopened, and not suppressed');
        await noSidewaysScroll();
        await page.screenshot({ path: join(shots, `front-${label}.png`), fullPage: true });

        await page.locator('#targets a', { hasText: 'hub' }).click();
        await page.waitForURL(/targets\/hub\.html$/);
        expect(await page.locator('#target-upgrades li').first().innerText()).toMatch(/upgrade salt to 3005\.2 \(closes \d+ findings\)$/);
        const firstRow = page.locator('#findings tbody tr').first();
        expect(await firstRow.locator('.kev').innerText()).toContain('known exploited');
        expect(await firstRow.innerText()).toContain('salt');
        await noSidewaysScroll();
        await page.screenshot({ path: join(shots, `target-${label}.png`), fullPage: true });

        await open('search.html', '?q=CVE-2020-11651');
        expect(await page.locator('#search-status').innerText()).toBe('1 finding in 1 repository');
        await page.locator('#q').fill('GO-2026-5932');
        expect(await page.locator('#search-status').innerText()).toBe('3 findings in 3 repositories');
        expect(await page.locator('#search-results a').allInnerTexts()).toEqual(['hub', 'lab', 'proxy']);
        await noSidewaysScroll();
        await page.screenshot({ path: join(shots, `search-${label}.png`), fullPage: true });

        await open('weekly.html');
        expect(await page.locator('#new + .table-wrap tbody tr').first().getAttribute('data-kev')).toBe('1');
        await noSidewaysScroll();
        await page.screenshot({ path: join(shots, `weekly-${label}.png`), fullPage: true });
        await page.close();
      }
      // The weekly diff at its widest: nothing overflows, not even inside a table.
      const wide = await launched.newPage({ viewport: { width: 1400, height: 900 } });
      await wide.goto(pathToFileURL(join(site, 'weekly.html')).href);
      expect(await wide.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1400);
      expect(await wide.locator('.table-wrap').evaluateAll((wraps) => wraps.filter((wrap) => wrap.scrollWidth > wrap.clientWidth).length)).toBe(0);
      await wide.screenshot({ path: join(shots, 'weekly-1400.png'), fullPage: true });
    } finally {
      await launched.close();
    }
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });
});
