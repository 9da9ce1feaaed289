import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedDir, sieveAsync } from '../helpers/cli.js';
import { TestRepo, tempDir } from '../helpers/git.js';
import { fakeServer, reply } from '../notify/fake-server.js';

function lock(name: string, version: string): string {
  return JSON.stringify({ name: 'x', lockfileVersion: 3, packages: { '': { name: 'x', dependencies: { [name]: version } }, [`node_modules/${name}`]: { version } } });
}

interface Summary {
  targets: Array<{ name: string; repo: string; ref: string; status: string; commit: string }>;
  warnings?: string[];
  errors?: string[];
}

function runDir(stderr: string): string {
  const line = stderr.split('\n').filter((entry) => entry.includes('"scan finished"')).at(-1) ?? '{}';
  return (JSON.parse(line) as { runDir: string }).runDir;
}

describe('an organisation as a target', () => {
  const root = tempDir('sieve-org-');
  const repos = ['hub', 'spawner', 'old', 'fork'].map((name, index) =>
    new TestRepo(root, name).write({ 'package-lock.json': lock(['semver', 'moment', 'lodash', 'ms'][index]!, ['4.3.0', '2.11.0', '4.17.4', '0.7.0'][index]!) }),
  );
  let up = true;
  let server: Awaited<ReturnType<typeof fakeServer>>;
  const config = join(root, 'scan-targets.json');
  const home = join(root, 'home');
  const env = () => ({ GITHUB_API_URL: server.url, GITHUB_TOKEN: 'test-token' });

  beforeAll(async () => {
    for (const repo of repos) repo.commit('lockfile');
    // GitHub's "List organization repositories", one repository a page to exercise Link pagination.
    const listing = repos.map((repo, index) => ({
      name: ['hub', 'spawner', 'old', 'fork'][index],
      clone_url: repo.url,
      default_branch: 'main',
      archived: index === 2,
      fork: index === 3,
    }));
    server = await fakeServer((seen, res) => {
      if (!up) return reply(res, 503, { message: 'unavailable' });
      const page = Number(new URL(seen.url, server.url).searchParams.get('page') ?? '1');
      const next: Record<string, string> = page < listing.length ? { Link: `<${server.url}/orgs/jupyterhub/repos?per_page=1&page=${page + 1}>; rel="next"` } : {};
      reply(res, 200, [listing[page - 1]], next);
    });
    writeFileSync(config, JSON.stringify({ targets: [{ org: 'jupyterhub', exclude: ['spawn*'], includeArchived: true }] }));
  });
  afterAll(() => server.close());

  it('scans every listed repository that the entry selects, at its default branch', async () => {
    const result = await sieveAsync(['scan', '--targets', config, '--osv-db', join(sharedDir, 'osv-db'), '--home', home, '--json'], { cwd: root, env: env() });
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(runDir(result.stderr), 'summary.json'), 'utf8')) as Summary;
    expect(summary.targets.map((target) => [target.name, target.status, target.ref])).toEqual([
      ['jupyterhub/hub', 'ok', 'refs/heads/main'],
      ['jupyterhub/old', 'ok', 'refs/heads/main'],
    ]);
    expect(server.seen.map((seen) => seen.headers.authorization)).toEqual(['Bearer test-token', 'Bearer test-token', 'Bearer test-token', 'Bearer test-token']);
    const newFindings = JSON.parse(readFileSync(join(runDir(result.stderr), 'new.json'), 'utf8')) as Array<{ target: string }>;
    expect([...new Set(newFindings.map((finding) => finding.target))]).toEqual(['jupyterhub/hub', 'jupyterhub/old']);
  });

  it('falls back to the last listing when the API fails, and says so in the summary', async () => {
    up = false;
    const result = await sieveAsync(['scan', '--targets', config, '--osv-db', join(sharedDir, 'osv-db'), '--home', home, '--json'], { cwd: root, env: env() });
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(runDir(result.stderr), 'summary.json'), 'utf8')) as Summary;
    expect(summary.targets.map((target) => target.name)).toEqual(['jupyterhub/hub', 'jupyterhub/old']);
    expect(summary.warnings?.join('\n')).toMatch(/org jupyterhub: listing failed .*HTTP 503.*; using the listing of /);
    const fresh = await sieveAsync(['scan', '--targets', config, '--osv-db', join(sharedDir, 'osv-db'), '--home', join(root, 'fresh'), '--json'], { cwd: root, env: env() });
    expect(fresh.code).toBe(3);
    expect(JSON.parse(readFileSync(join(runDir(fresh.stderr), 'summary.json'), 'utf8'))).toMatchObject({ targets: [], errors: [expect.stringMatching(/no earlier listing/)] });
  }, 120_000);
});
