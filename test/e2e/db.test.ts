import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedDir, sieveAsync } from '../helpers/cli.js';
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
