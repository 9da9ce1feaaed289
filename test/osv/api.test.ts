import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queryOsvApi } from '../../src/osv/api.js';
import type { OsvRecord } from '../../src/osv/types.js';
import { pkg } from './helpers.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server | undefined;
const temps: string[] = [];

async function serve(handler: Handler): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const vuln = (id: string, fixed: string, aliases: string[] = []): OsvRecord => ({
  id,
  modified: '2024-01-01T00:00:00Z',
  aliases,
  summary: `summary of ${id}`,
  affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed }] }] }],
});
const VULNS: Record<string, OsvRecord> = {
  'GHSA-aaaa': vuln('GHSA-aaaa', '4.17.12', ['CVE-2019-1']),
  'GHSA-bbbb': vuln('GHSA-bbbb', '4.17.21'),
  'CVE-2019-1': vuln('CVE-2019-1', '4.17.12', ['GHSA-aaaa']),
};

const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
};

describe('queryOsvApi', () => {
  it('follows next_page_token per query, retries a 429, hydrates each id once and caches it', async () => {
    const calls: string[] = [];
    let throttled = false;
    const base = await serve((req, body, res) => {
      calls.push(`${req.method} ${req.url}`);
      if (req.url === '/v1/querybatch') {
        if (!throttled) {
          throttled = true;
          return json(res, 429, {}, { 'retry-after': '0' });
        }
        const queries = (JSON.parse(body) as { queries: Array<{ package: { name: string }; page_token?: string }> }).queries;
        return json(res, 200, {
          results: queries.map((query) =>
            query.package.name !== 'lodash'
              ? {}
              : query.page_token === 'p2'
                ? { vulns: [{ id: 'GHSA-bbbb', modified: '2024-01-01T00:00:00Z' }, { id: 'CVE-2019-1', modified: '2024-01-01T00:00:00Z' }] }
                : { vulns: [{ id: 'GHSA-aaaa', modified: '2024-01-01T00:00:00Z' }], next_page_token: 'p2' },
          ),
        });
      }
      const id = decodeURIComponent(req.url!.replace('/v1/vulns/', ''));
      return VULNS[id] ? json(res, 200, VULNS[id]) : json(res, 404, {});
    });
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'sieve-osv-api-'));
    temps.push(cacheDir);
    const packages = [pkg('npm', 'lodash', '4.17.11'), pkg('npm', 'left-pad', '1.0.0')];
    const result = await queryOsvApi(packages, { baseUrl: base, cacheDir, baseDelayMs: 1 });
    expect(result.findings.map((f) => [f.vulnerability?.id, f.vulnerability?.aliases, f.vulnerability?.fixedVersions])).toEqual([
      ['CVE-2019-1', ['GHSA-aaaa'], ['4.17.12']],
      ['GHSA-bbbb', [], ['4.17.21']],
    ]);
    expect(result.provenance).toEqual({ source: 'api', ecosystems: { npm: { records: 3, lastModified: '2024-01-01T00:00:00Z' } } });
    expect(calls.filter((call) => call.startsWith('POST'))).toHaveLength(3);
    expect(calls.filter((call) => call.startsWith('GET')).sort()).toEqual([
      'GET /v1/vulns/CVE-2019-1',
      'GET /v1/vulns/GHSA-aaaa',
      'GET /v1/vulns/GHSA-bbbb',
    ]);
    expect(readdirSync(cacheDir).sort()).toEqual(['CVE-2019-1.json', 'GHSA-aaaa.json', 'GHSA-bbbb.json']);

    calls.length = 0;
    await queryOsvApi(packages, { baseUrl: base, cacheDir, baseDelayMs: 1 });
    expect(calls.filter((call) => call.startsWith('GET'))).toEqual([]);
  });

  it('sends at most 1,000 queries per batch', async () => {
    const sizes: number[] = [];
    const base = await serve((_req, body, res) => {
      const queries = (JSON.parse(body) as { queries: unknown[] }).queries;
      sizes.push(queries.length);
      json(res, 200, { results: queries.map(() => ({})) });
    });
    const packages = Array.from({ length: 2500 }, (_, i) => pkg('npm', `p${i}`, '1.0.0'));
    const result = await queryOsvApi(packages, { baseUrl: base });
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(result.findings).toEqual([]);
  });

  it('a 500 that persists fails the lookup', async () => {
    let attempts = 0;
    const base = await serve((_req, _body, res) => {
      attempts += 1;
      json(res, 500, { error: 'boom' });
    });
    await expect(queryOsvApi([pkg('npm', 'lodash', '4.17.11')], { baseUrl: base, retries: 2, baseDelayMs: 1 })).rejects.toThrow(
      /POST http:\/\/127\.0\.0\.1:\d+\/v1\/querybatch failed after 3 attempts: HTTP 500/,
    );
    expect(attempts).toBe(3);
  });
});
