import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOsvIndex, osvStatus } from '../../src/osv/db.js';
import { updateOsv } from '../../src/osv/update.js';

let server: Server | undefined;
const temps: string[] = [];
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const zipOf = (...ids: string[]): Uint8Array =>
  zipSync(
    Object.fromEntries(
      ids.map((id) => [
        `${id}.json`,
        strToU8(JSON.stringify({ id, modified: '2024-04-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, versions: ['1.0.0'] }] })),
      ]),
    ),
  );

describe('updateOsv', () => {
  it('downloads, then sends validators and keeps the data on 304; a failed download keeps the previous data', async () => {
    const seen: Array<{ url?: string; ifNoneMatch?: string; ifModifiedSince?: string }> = [];
    let mode: 'ok' | 'error' | 'junk' = 'ok';
    server = createServer((req, res) => {
      seen.push({ url: req.url, ifNoneMatch: req.headers['if-none-match'], ifModifiedSince: req.headers['if-modified-since'] });
      if (req.url !== '/npm/all.zip') return res.writeHead(404).end();
      if (mode === 'error') return res.writeHead(503).end();
      if (mode === 'junk') return res.writeHead(200, { etag: '"v2"' }).end('not a zip');
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end();
      res.writeHead(200, { etag: '"v1"', 'last-modified': 'Mon, 01 Apr 2024 00:00:00 GMT' }).end(zipOf('A-1', 'A-2'));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const osvDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'sieve-osv-update-')), 'osv');
    temps.push(path.dirname(osvDir));

    const first = await updateOsv(osvDir, ['npm', 'PyPI'], base, { retries: 0, now: new Date('2025-01-01T00:00:00Z') });
    expect(first).toEqual([
      { ecosystem: 'npm', status: 'updated', records: 2 },
      { ecosystem: 'PyPI', status: 'failed', error: `GET ${base}/PyPI/all.zip: HTTP 404` },
    ]);
    expect(osvStatus(osvDir)).toEqual([
      { ecosystem: 'npm', records: 2, lastModified: '2024-04-01T00:00:00Z', importedAt: '2025-01-01T00:00:00.000Z', source: `${base}/npm/all.zip` },
    ]);

    const second = await updateOsv(osvDir, ['npm'], base, { retries: 0 });
    expect(second).toEqual([{ ecosystem: 'npm', status: 'unchanged', records: 2 }]);
    expect(seen.at(-1)).toEqual({ url: '/npm/all.zip', ifNoneMatch: '"v1"', ifModifiedSince: 'Mon, 01 Apr 2024 00:00:00 GMT' });

    mode = 'error';
    const third = await updateOsv(osvDir, ['npm'], base, { retries: 1, baseDelayMs: 1 });
    expect(third[0]?.status).toBe('failed');
    expect(third[0]?.error).toMatch(/failed after 2 attempts: HTTP 503/);
    mode = 'junk';
    expect((await updateOsv(osvDir, ['npm'], base, { retries: 0 }))[0]?.status).toBe('failed');

    // The data of the first download is still in use, and no temporary files are left.
    expect(loadOsvIndex(osvDir, ['npm']).records('npm', 'lodash').map((r) => r.id)).toEqual(['A-1', 'A-2']);
    expect(readdirSync(osvDir)).toEqual(['npm.jsonl']);
  });
});
