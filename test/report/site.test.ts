import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { StoredFinding } from '../../src/model/records.js';
import { renderSite, targetSlugs } from '../../src/report/site/index.js';
import type { SiteModel } from '../../src/report/site/index.js';
import { humanAge, relativeHref, repoWebUrl } from '../../src/report/site/templates.js';
import { codeFinding, dependencyFinding, scanRecord } from './fixtures.js';
import { requireTool } from '../helpers/tools.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = requireTool('chromium') ?? '';
const WEB_COMMIT = '2222222222222222222222222222222222222222';
const API_COMMIT = 'abcdef0123456789abcdef0123456789abcdef01';
const XSS = '<script>alert(1)</script>';

function siteModel(): SiteModel {
  const webOpen: StoredFinding[] = [
    dependencyFinding(),
    dependencyFinding({ id: 'dep-2', severity: 'critical', score: 9.8, title: 'Remote code execution in loader', lastTransition: 'unchanged' }),
    codeFinding({ message: `innerHTML gets ${XSS}` }),
    codeFinding({ id: 'code-2', severity: 'low', title: 'Weak hash', lastTransition: 'reopened', rule: { id: 'weak-hash', tool: 'semgrep' } }),
    codeFinding({
      id: 'code-3',
      severity: 'high',
      title: 'Command injection" onmouseover="alert(2)',
      triage: { status: 'accepted-risk', reason: 'only in tests', by: 'sam', at: '2024-05-01T00:00:00Z' },
      // What the store judged of that decision: writers read the judgement, not the decision.
      suppression: { rule: 'triage', reason: 'only in tests' },
      rule: { id: 'cmd-injection', tool: 'semgrep', helpUri: 'javascript:alert(3)' },
    }),
  ];
  return {
    generatedAt: '2024-05-14T06:00:00Z',
    trend: [
      { at: '2024-05-01T02:00:00Z', open: 2 },
      { at: '2024-05-07T02:00:00Z', open: 7 },
      { at: '2024-05-10T02:00:00Z', open: 4 },
      { at: '2024-05-14T02:00:00Z', open: 6 },
    ],
    targets: [
      {
        name: 'web',
        repo: 'https://github.com/example-org/web.git',
        repoWebUrl: 'https://github.com/example-org/web',
        latest: scanRecord(),
        history: [
          scanRecord({ runId: 'run-2024-05-07', commit: '1111111111111111111111111111111111111111', startedAt: '2024-05-07T02:00:00Z', finishedAt: '2024-05-07T02:02:00Z' }),
          scanRecord(),
        ],
        open: webOpen,
        newThisWeek: 2,
        sbomFile: 'sbom/web.cdx.json',
      },
      {
        name: 'api',
        repo: 'git@github.com:example-org/api.git',
        latest: scanRecord({
          target: 'api',
          repo: 'git@github.com:example-org/api.git',
          commit: API_COMMIT,
          status: 'partial',
          startedAt: '2024-05-13T02:00:00Z',
          finishedAt: '2024-05-13T02:05:00Z',
          errors: [{ stage: 'analyzers', scope: { kind: 'code', tools: ['semgrep'] }, message: `timed out ${XSS}` }],
        }),
        history: [],
        open: [dependencyFinding({ id: 'api-1', target: 'api', severity: 'medium', score: 5.3 })],
        newThisWeek: 0,
      },
      {
        name: 'org/notebook image',
        latest: scanRecord({ target: 'org/notebook image', repo: undefined, commit: undefined, subject: 'notebook:2024.05', finishedAt: '2024-05-12T02:00:00Z' }),
        history: [],
        open: [],
        newThisWeek: 0,
      },
    ],
  };
}

describe('renderSite', () => {
  const files = renderSite(siteModel());

  it('writes an index and one page per target with safe file names', () => {
    expect([...files.keys()].sort()).toEqual(['index.html', 'search.html', 'targets/api.html', 'targets/org-notebook-image.html', 'targets/web.html']);
  });

  it('escapes every piece of text and never links javascript:', () => {
    for (const [name, content] of files) {
      expect(content, name).not.toContain(XSS);
      expect(content, name).not.toContain('javascript:');
      expect(content, name).not.toContain('onmouseover="');
    }
    expect(files.get('targets/web.html')).toContain('innerHTML gets &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(files.get('targets/api.html')).toContain('timed out &lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows bidirectional controls in paths instead of obeying them', () => {
    const model = JSON.parse(JSON.stringify(siteModel()).replaceAll('src/app view.js', 'src/\u202egnp.js')) as SiteModel;
    const page = renderSite(model).get('targets/web.html') ?? '';
    expect(page).toContain('src/[U+202E]gnp.js');
    expect(page).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });

  it('loads nothing from anywhere: no external scripts, styles, images or fonts', () => {
    for (const [name, content] of files) {
      expect(content, name).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
      expect(content, name).not.toMatch(/\bsrc=/i);
      expect(content, name).not.toMatch(/@import|url\(|@font-face/i);
      expect(content, name).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`);
    }
  });

  it('links commits to the repository web page and names the SBOM relatively', () => {
    const index = files.get('index.html') ?? '';
    expect(index).toContain(`<a class="mono" href="https://github.com/example-org/web/commit/${WEB_COMMIT}" title="${WEB_COMMIT}">222222222222</a>`);
    // An ssh URL has no web page: the commit shows, unlinked.
    expect(index).toContain(`<code title="${API_COMMIT}">abcdef012345</code>`);
    expect(index).toContain('<time datetime="2024-05-14T02:03:00Z">2024-05-14T02:03:00Z</time> <span class="muted">(3 hours ago)</span>');
    expect(files.get('targets/web.html')).toContain('<a href="../sbom/web.cdx.json" download>');
  });

  it('gives colliding target names distinct slugs', () => {
    const slugs = targetSlugs(['a/b', 'a-b', 'A-B', '../etc', '']);
    // Safe names first, in code-point order: 'A-B' keeps its name, 'a-b' differs only in case.
    expect(slugs.get('A-B')).toBe('A-B');
    expect(slugs.get('a-b')).toMatch(/^a-b-[0-9a-f]{8}$/);
    expect(slugs.get('a/b')).toMatch(/^a-b-[0-9a-f]{8}$/);
    expect(slugs.get('a/b')).not.toBe(slugs.get('a-b'));
    expect(slugs.get('../etc')).toBe('etc');
    expect(slugs.get('')).toBe('target');
    expect(new Set(slugs.values()).size).toBe(5);
  });

  it('reads ages, repo pages and relative links', () => {
    expect(humanAge('2024-05-12T06:00:00Z', '2024-05-14T06:00:00Z')).toBe('2 days ago');
    expect(humanAge('2024-05-14T05:59:30Z', '2024-05-14T06:00:00Z')).toBe('just now');
    expect(repoWebUrl({ repo: 'https://user:tok@github.com/o/r.git' })).toBe('https://github.com/o/r');
    expect(repoWebUrl({ repo: '../local/checkout' })).toBeUndefined();
    expect(relativeHref('javascript:alert(1)', '../')).toBeUndefined();
    expect(relativeHref('/etc/passwd', '../')).toBeUndefined();
    expect(relativeHref('sbom/a b.json', '../')).toBe('../sbom/a%20b.json');
  });
});

const haveBrowser = existsSync(CHROMIUM);
describe.skipIf(!haveBrowser && !process.env.CI)('dashboard in headless Chromium', () => {
  it('shows every target, filters findings and renders hostile text as text', async () => {
    const { chromium } = await import('playwright-core');
    const dir = await mkdtemp(path.join(tmpdir(), 'sieve-site-'));
    const profile = await mkdtemp(path.join(tmpdir(), 'sieve-chromium-'));
    const artifacts = path.join(repoRoot, 'artifacts');
    await mkdir(artifacts, { recursive: true });
    const model = siteModel();
    for (const [name, content] of renderSite(model)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), content);
    }
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    try {
      const page = await context.newPage();
      const dialogs: string[] = [];
      const requests: string[] = [];
      const consoleErrors: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      page.on('request', (request) => {
        if (!request.url().startsWith('file://')) requests.push(request.url());
      });
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });

      await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
      const rows = page.locator('#targets tbody tr');
      expect(await rows.count()).toBe(3);
      const web = rows.filter({ hasText: 'web' });
      expect(await web.locator('a.mono').textContent()).toBe('222222222222');
      expect(await web.locator('time').getAttribute('datetime')).toBe('2024-05-14T02:03:00Z');
      expect(await web.locator('td').nth(0).innerText()).toBe('2024-05-14T02:03:00Z (3 hours ago)');
      const api = rows.filter({ hasText: 'api' });
      expect(await api.locator('code').textContent()).toBe('abcdef012345');
      expect(await api.locator('.status').textContent()).toBe('partial');
      expect(await api.locator('time').getAttribute('datetime')).toBe('2024-05-13T02:05:00Z');
      const image = rows.filter({ hasText: 'notebook image' });
      expect(await image.locator('td').nth(1).innerText()).toBe('notebook:2024.05');
      expect(await page.locator('svg.chart polyline').count()).toBe(1);
      await page.screenshot({ path: path.join(artifacts, 'dashboard.png'), fullPage: true });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: path.join(artifacts, 'dashboard-dark.png'), fullPage: true });
      await page.emulateMedia({ colorScheme: 'light' });

      await web.locator('th a').click();
      await page.waitForURL(/targets\/web\.html$/);
      const findings = page.locator('#findings tbody tr');
      const visible = (): Promise<number> => findings.evaluateAll((trs) => trs.filter((tr) => !(tr as unknown as { hidden: boolean }).hidden).length);
      expect(await findings.count()).toBe(5);
      expect(await visible()).toBe(5);
      expect(await page.locator('#shown').textContent()).toBe('5 of 5 findings shown');
      await page.getByLabel('Kind', { exact: true }).selectOption('code');
      expect(await visible()).toBe(3);
      await page.getByLabel('Severity', { exact: true }).selectOption('medium');
      expect(await visible()).toBe(1);
      await page.getByLabel('Severity', { exact: true }).selectOption('');
      await page.getByLabel('State', { exact: true }).selectOption('suppressed');
      expect(await visible()).toBe(1);
      expect(await findings.filter({ visible: true }).getAttribute('data-id')).toBe('code-3');
      await page.getByLabel('Kind', { exact: true }).selectOption('');
      await page.getByLabel('State', { exact: true }).selectOption('');
      await page.getByLabel('Search', { exact: true }).fill('remote CODE');
      expect(await visible()).toBe(1);
      await page.getByLabel('Search', { exact: true }).fill('');
      expect(await page.locator('#shown').textContent()).toBe('5 of 5 findings shown');

      // The hostile message is on the page as text, and no script ran from it.
      expect(await page.locator('#findings').innerText()).toContain(XSS);
      expect(await page.locator('#findings script').count()).toBe(0);
      expect(await page.locator('a[href="../sbom/web.cdx.json"]').count()).toBe(1);
      expect(await page.locator('#history tbody tr').count()).toBe(2);
      await page.screenshot({ path: path.join(artifacts, 'dashboard-target.png'), fullPage: true });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: path.join(artifacts, 'dashboard-target-dark.png'), fullPage: true });

      await page.goto(pathToFileURL(path.join(dir, 'targets/api.html')).href);
      expect(await page.locator('ul.errors').innerText()).toContain(`timed out ${XSS}`);

      expect(dialogs).toEqual([]);
      expect(requests).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
      await rm(dir, { recursive: true, force: true });
      await rm(profile, { recursive: true, force: true });
    }
  });
});
