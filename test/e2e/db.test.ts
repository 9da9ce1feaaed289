import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedDir, sieve, sieveAsync } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';

describe('sieve db update, import and status', () => {
  const zip = readFileSync(join(sharedDir, 'osv-db', 'npm', 'all.zip'));
  let failing = false;
  const seen: Array<{ url: string; ifNoneMatch?: string }> = [];
  const server = createServer((request, response) => {
    seen.push({ url: request.url ?? '', ifNoneMatch: request.headers['if-none-match'] as string | undefined });
    if (failing) {
      response.writeHead(500).end('broken');
      return;
    }
    if (request.url !== '/npm/all.zip') {
      response.writeHead(404).end();
      return;
    }
    if (request.headers['if-none-match'] === '"v1"') {
      response.writeHead(304).end();
      return;
    }
    response.writeHead(200, { etag: '"v1"', 'last-modified': 'Wed, 08 Apr 2026 21:26:49 GMT', 'content-length': String(zip.length) }).end(zip);
  });
  let base = '';
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => {
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    resolve();
  })));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads only when changed, and a failed download keeps the data in use', async () => {
    const home = join(tempDir(), 'home');
    const run = (...args: string[]) => sieveAsync([...args, '--home', home]);

    const first = await run('db', 'update', '--ecosystems', 'npm', '--db-url', base);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('npm\tupdated\t463 records');

    const second = await run('db', 'update', '--db-url', base);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('npm\tunchanged');
    expect(seen.at(-1)?.ifNoneMatch).toBe('"v1"');

    failing = true;
    const third = await run('db', 'update', '--ecosystems', 'npm', '--db-url', base);
    failing = false;
    expect(third.code).toBe(3);
    expect(third.stdout).toMatch(/npm\tfailed/);
    const status = await run('db', 'status', '--json');
    const rows = JSON.parse(status.stdout) as Array<{ ecosystem: string; records: number }>;
    expect(rows).toEqual([expect.objectContaining({ ecosystem: 'npm', records: 463 })]);

    const imported = await run('db', 'import', join(sharedDir, 'osv-db'));
    expect(imported.code, imported.stderr).toBe(0);
    const after = JSON.parse((await run('db', 'status', '--json')).stdout) as Array<{ ecosystem: string; records: number }>;
    expect(after.map((row) => `${row.ecosystem} ${row.records}`)).toEqual(['Go 4291', 'PyPI 2661', 'crates.io 1205', 'npm 463']);
  });
});

describe('sieve db import adds; --replace replaces', () => {
  it('importing one hand-written record after the full data keeps every record, and the next scan fixes nothing', () => {
    const root = tempDir('sieve-db-import-');
    const home = join(root, 'home');
    const app = join(root, 'app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package-lock.json'),
      JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app', dependencies: { lodash: '4.17.4', moment: '2.11.0' } }, 'node_modules/lodash': { version: '4.17.4' }, 'node_modules/moment': { version: '2.11.0' } } }),
    );
    const config = join(root, 'scan-targets.json');
    writeFileSync(config, JSON.stringify({ targets: [{ name: 'app', path: app }] }));
    const status = () => (JSON.parse(sieve(['db', 'status', '--json', '--home', home]).stdout) as Array<{ ecosystem: string; records: number }>).map((row) => `${row.ecosystem} ${row.records}`);
    const scan = (day: string) => {
      const result = sieve(['scan', '--targets', config, '--home', home], { cwd: root, env: { SIEVE_NOW: `${day}T03:00:00Z` } });
      expect(result.code, result.stderr).toBe(0);
      const runDir = /results in (\S+)/.exec(result.stdout)?.[1] as string;
      return (JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as { targets: Array<{ counts: Record<string, number> }> }).targets[0]!.counts;
    };

    expect(sieve(['db', 'import', join(sharedDir, 'osv-db'), '--home', home]).code).toBe(0);
    const full = ['Go 4291', 'PyPI 2661', 'crates.io 1205', 'npm 463'];
    expect(status()).toEqual(full);
    const first = scan('2026-11-02');
    expect(first.new).toBeGreaterThan(0);

    // A team's own advisory for a package the data already covers.
    const extra = join(root, 'extra');
    mkdirSync(extra);
    writeFileSync(
      join(extra, 'SIEVE-LOCAL-1.json'),
      JSON.stringify({
        id: 'SIEVE-LOCAL-1',
        modified: '2026-11-01T00:00:00Z',
        summary: 'internal advisory',
        affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.5' }] }] }],
      }),
    );
    const imported = sieve(['db', 'import', extra, '--home', home]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('npm\t1 records\t1 added\t0 updated');
    expect(status()).toEqual(['Go 4291', 'PyPI 2661', 'crates.io 1205', 'npm 464']);

    const second = scan('2026-11-03');
    expect(second).toMatchObject({ new: 1, fixed: 0, open: (first.open ?? 0) + 1 });

    // Replacing an ecosystem is asked for by name.
    expect(sieve(['db', 'import', '--replace', extra, '--home', home]).code).toBe(0);
    expect(status()).toEqual(['Go 4291', 'PyPI 2661', 'crates.io 1205', 'npm 1']);
  });
});
