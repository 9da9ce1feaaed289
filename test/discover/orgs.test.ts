import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config, OrgConfig } from '../../src/config/load.js';
import { nextLink, parseRepositoryPage } from '../../src/discover/github-org.js';
import { discoverTargets, selectRepositories } from '../../src/discover/orgs.js';
import type { Logger } from '../../src/model/logger.js';
import { tempDir } from '../helpers/git.js';
import { fakeServer, reply, type Seen } from '../notify/fake-server.js';

const logger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, progress: () => {} } as unknown as Logger;
const now = () => new Date('2026-11-02T03:00:00Z');

function repo(name: string, extra: Record<string, unknown> = {}) {
  return { name, full_name: `jupyterhub/${name}`, clone_url: `https://git.invalid/jupyterhub/${name}.git`, default_branch: 'main', archived: false, fork: false, ...extra };
}

function org(overrides: Partial<OrgConfig> = {}): OrgConfig {
  return {
    org: 'jupyterhub',
    include: [],
    exclude: [],
    includeArchived: false,
    includeForks: false,
    template: { analyzers: [], sarif: [], paths: [], exclude: ['docs/**'], skipEcosystems: [], includeTestFixtures: false, rules: [] },
    ...overrides,
  };
}

function config(orgs: OrgConfig[], targets: Config['targets'] = []): Config {
  return { file: '/x/scan-targets.json', targets, orgs, osv: { source: 'offline' } };
}

/** GitHub's documented listing: 2 repositories a page, `Link` headers with next and last. */
async function githubApi(pages: unknown[][], options: { fail?: boolean } = {}) {
  const server = await fakeServer((seen: Seen, res) => {
    if (options.fail) return reply(res, 502, { message: 'Bad Gateway' });
    const url = new URL(seen.url, 'http://127.0.0.1');
    if (url.pathname !== '/orgs/jupyterhub/repos') return reply(res, 404, { message: 'Not Found' });
    const page = Number(url.searchParams.get('page') ?? '1');
    const links: string[] = [];
    const at = (n: number) => `<${server.url}/orgs/jupyterhub/repos?type=all&per_page=100&page=${n}>`;
    if (page < pages.length) links.push(`${at(page + 1)}; rel="next"`, `${at(pages.length)}; rel="last"`);
    if (page > 1) links.push(`${at(1)}; rel="first"`, `${at(page - 1)}; rel="prev"`);
    reply(res, 200, pages[page - 1] ?? [], links.length ? { Link: links.join(', ') } : {});
  });
  servers.push(server);
  return server;
}
const servers: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('nextLink', () => {
  it.each([
    ['<https://api/x?page=2>; rel="next", <https://api/x?page=5>; rel="last"', 'https://api/x?page=2'],
    ['<https://api/x?page=1>; rel="prev", <https://api/x?page=3>; rel="next"', 'https://api/x?page=3'],
    ['<https://api/x?page=1>; rel="first", <https://api/x?page=1>; rel="prev"', undefined],
    ['<https://api/x?page=4>; rel=next', 'https://api/x?page=4'],
    [null, undefined],
  ])('%s', (header, expected) => {
    expect(nextLink(header)).toBe(expected);
  });
});

describe('parseRepositoryPage', () => {
  it('keeps the fields Sieve uses and reports entries it cannot use', () => {
    const parsed = parseRepositoryPage([repo('a', { archived: true }), { name: '../evil', clone_url: 'x' }, { name: 'no-url' }], 'u');
    expect(parsed.repositories).toEqual([{ name: 'a', cloneUrl: 'https://git.invalid/jupyterhub/a.git', defaultBranch: 'main', archived: true, fork: false }]);
    expect(parsed.problems).toHaveLength(2);
    expect(() => parseRepositoryPage({ message: 'Not Found' }, 'u')).toThrow(/expected a JSON array/);
  });
});

describe('selectRepositories', () => {
  const listing = parseRepositoryPage(
    [repo('jupyterhub'), repo('zero-to-jupyterhub-k8s'), repo('old', { archived: true }), repo('fork-of-x', { fork: true }), repo('docs-site')],
    'u',
  ).repositories;
  it('skips archived repositories and forks unless asked', () => {
    expect(selectRepositories(org(), listing).map((r) => r.name)).toEqual(['docs-site', 'jupyterhub', 'zero-to-jupyterhub-k8s']);
    expect(selectRepositories(org({ includeArchived: true, includeForks: true }), listing)).toHaveLength(5);
  });
  it('applies include and exclude name globs', () => {
    expect(selectRepositories(org({ include: ['*jupyterhub*'] }), listing).map((r) => r.name)).toEqual(['jupyterhub', 'zero-to-jupyterhub-k8s']);
    expect(selectRepositories(org({ exclude: ['docs-*', 'zero-*'] }), listing).map((r) => r.name)).toEqual(['jupyterhub']);
  });
});

describe('discoverTargets', () => {
  it('follows Link pagination with the token, and names targets <org>/<repo> at the default branch', async () => {
    const api = await githubApi([[repo('a'), repo('b', { archived: true })], [repo('c', { fork: true }), repo('d', { default_branch: 'trunk' })], [repo('e')]]);
    const home = tempDir();
    const found = await discoverTargets(config([org()]), { home, apiUrl: api.url, token: 'secret-token', now, logger });
    expect(found.errors).toEqual([]);
    expect(found.warnings).toEqual([]);
    expect(found.targets.map((t) => [t.name, t.key, t.kind, t.ref, t.repo])).toEqual([
      ['jupyterhub/a', 'jupyterhub/a', 'repo', 'main', 'https://git.invalid/jupyterhub/a.git'],
      ['jupyterhub/d', 'jupyterhub/d', 'repo', 'trunk', 'https://git.invalid/jupyterhub/d.git'],
      ['jupyterhub/e', 'jupyterhub/e', 'repo', 'main', 'https://git.invalid/jupyterhub/e.git'],
    ]);
    expect(found.targets[0]?.exclude).toEqual(['docs/**']);
    expect(api.seen.map((seen) => new URL(seen.url, 'http://x').searchParams.get('page'))).toEqual([null, '2', '3']);
    expect(api.seen.every((seen) => seen.headers.authorization === 'Bearer secret-token')).toBe(true);
    expect(api.seen[0]?.headers.accept).toBe('application/vnd.github+json');
    expect(existsSync(join(home, 'cache', 'orgs', 'jupyterhub.json'))).toBe(true);
  });

  it('falls back to the last listing that worked, with a warning; without one it is an error', async () => {
    const home = tempDir();
    const good = await githubApi([[repo('a'), repo('b')]]);
    await discoverTargets(config([org()]), { home, apiUrl: good.url, now, logger });
    const broken = await githubApi([], { fail: true });
    const found = await discoverTargets(config([org()]), { home, apiUrl: broken.url, now, logger });
    expect(found.targets.map((t) => t.name)).toEqual(['jupyterhub/a', 'jupyterhub/b']);
    expect(found.warnings.join('\n')).toMatch(/^org jupyterhub: listing failed \(GET .* HTTP 502\); using the listing of 2026-11-02T03:00:00.000Z$/);
    expect(found.errors).toEqual([]);

    const fresh = await discoverTargets(config([org()]), { home: tempDir(), apiUrl: broken.url, now, logger });
    expect(fresh.targets).toEqual([]);
    expect(fresh.errors.join('\n')).toMatch(/no earlier listing; its repositories are not scanned/);
  }, 60_000);

  it('never sends the token to another origin a Link header points at', async () => {
    const other = await fakeServer((_seen, res) => reply(res, 200, [repo('z')]));
    servers.push(other);
    const api = await fakeServer((_seen, res) => reply(res, 200, [repo('a')], { Link: `<${other.url}/page2>; rel="next"` }));
    servers.push(api);
    const found = await discoverTargets(config([org()]), { home: tempDir(), apiUrl: api.url, token: 't0k', now, logger });
    expect(found.targets.map((t) => t.name)).toEqual(['jupyterhub/a', 'jupyterhub/z']);
    expect(api.seen[0]?.headers.authorization).toBe('Bearer t0k');
    expect(other.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('keeps a repository the file names itself, and leaves out unsafe clone URLs', async () => {
    const api = await githubApi([[repo('a'), repo('b', { clone_url: 'ext::sh -c touch% /tmp/pwned' }), repo('c', { default_branch: '--upload-pack=x' })]]);
    const own = { name: 'hub', key: 'hub', kind: 'repo' as const, repo: 'https://git.invalid/JupyterHub/a', analyzers: [], sarif: [], paths: [], exclude: [], skipEcosystems: [], includeTestFixtures: false, rules: [] };
    const found = await discoverTargets(config([org()], [own]), { home: tempDir(), apiUrl: api.url, now, logger });
    expect(found.targets.map((t) => t.name)).toEqual(['hub']);
    expect(found.warnings).toHaveLength(2);
  });

  it('uses the stored listing and no network with --offline', async () => {
    const home = tempDir();
    const api = await githubApi([[repo('a')]]);
    await discoverTargets(config([org()]), { home, apiUrl: api.url, now, logger });
    const found = await discoverTargets(config([org()]), { home, apiUrl: api.url, offline: true, now, logger });
    expect(found.targets.map((t) => t.name)).toEqual(['jupyterhub/a']);
    expect(api.seen).toHaveLength(1);
  });
});
