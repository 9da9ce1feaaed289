import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import { SieveError } from '../model/errors.js';
import { baseEcosystem } from '../model/package-name.js';
import type { OsvProvenance } from '../model/records.js';
import type { Finding, Package } from '../model/types.js';
import { fromRegistry } from '../model/types.js';
import { recordProblem } from './db.js';
import { writeFileAtomic } from '../model/write-file-atomic.js';
import { fetchWithRetry, type RetryOptions } from './http.js';
import { findingsForMatch } from './match.js';
import { trustedMatch, type VulnerabilitySource } from './source.js';
import type { OsvRecord } from './types.js';

/** The public OSV API; callers may point Sieve elsewhere (a mirror, a test server). */
export const DEFAULT_OSV_API_BASE = 'https://api.osv.dev';

/** The API accepts at most this many queries per querybatch call. */
const BATCH_SIZE = 1000;
/** Bound on pagination so a misbehaving server cannot keep Sieve looping. */
const MAX_PAGES = 100;
const HYDRATE_CONCURRENCY = 8;

export interface ApiOptions extends RetryOptions {
  baseUrl?: string;
  /** Directory for hydrated records, reused while their `modified` is unchanged. */
  cacheDir?: string;
}

interface BatchQuery {
  package: { ecosystem: string; name: string };
  version: string;
  page_token?: string;
}

interface BatchResponse {
  results?: Array<{ vulns?: Array<{ id: string; modified?: string }>; next_page_token?: string }>;
}

async function postJson(url: string, body: unknown, options: ApiOptions): Promise<unknown> {
  const response = await fetchWithRetry(
    url,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    options,
  );
  if (!response.ok) throw new SieveError('SIEVE_NETWORK', `POST ${url}: HTTP ${response.status}`);
  return response.json();
}

/** Asks querybatch about every package, following each query's next_page_token. */
async function queryAll(packages: Package[], options: ApiOptions, base: string): Promise<Map<number, Map<string, string | undefined>>> {
  const found = new Map<number, Map<string, string | undefined>>();
  let pending: Array<{ index: number; query: BatchQuery }> = packages.map((pkg, index) => ({
    index,
    query: { package: { ecosystem: pkg.ecosystem, name: pkg.name }, version: pkg.version },
  }));
  for (let page = 0; pending.length > 0; page++) {
    if (page >= MAX_PAGES) throw new SieveError('SIEVE_NETWORK', `${base}/v1/querybatch: more than ${MAX_PAGES} pages`);
    const next: typeof pending = [];
    for (let start = 0; start < pending.length; start += BATCH_SIZE) {
      const chunk = pending.slice(start, start + BATCH_SIZE);
      const response = (await postJson(`${base}/v1/querybatch`, { queries: chunk.map((item) => item.query) }, options)) as BatchResponse;
      const results = response.results ?? [];
      if (results.length !== chunk.length) {
        throw new SieveError('SIEVE_NETWORK', `${base}/v1/querybatch: ${results.length} results for ${chunk.length} queries`);
      }
      results.forEach((result, i) => {
        const item = chunk[i]!;
        let ids = found.get(item.index);
        if (!ids) found.set(item.index, (ids = new Map()));
        for (const vuln of result.vulns ?? []) ids.set(vuln.id, vuln.modified);
        if (result.next_page_token) next.push({ index: item.index, query: { ...item.query, page_token: result.next_page_token } });
      });
    }
    pending = next;
  }
  return found;
}

/** GET /v1/vulns/{id}, through the cache when the cached copy is as new as querybatch says. */
async function hydrate(id: string, modified: string | undefined, options: ApiOptions, base: string): Promise<OsvRecord> {
  const cacheFile = options.cacheDir ? path.join(options.cacheDir, `${encodeURIComponent(id)}.json`) : undefined;
  if (cacheFile) {
    try {
      const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as OsvRecord;
      if (!recordProblem(cached) && (modified === undefined || cached.modified >= modified)) return cached;
    } catch {
      // not cached yet, or unreadable: fetch it
    }
  }
  const url = `${base}/v1/vulns/${encodeURIComponent(id)}`;
  const response = await fetchWithRetry(url, { method: 'GET' }, options);
  if (!response.ok) throw new SieveError('SIEVE_NETWORK', `GET ${url}: HTTP ${response.status}`);
  const record = (await response.json()) as unknown;
  const problem = recordProblem(record);
  if (problem) throw new SieveError('SIEVE_OSV', `GET ${url}: not an OSV record (${problem})`);
  if (cacheFile) {
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileAtomic(cacheFile, JSON.stringify(record));
  }
  return record as OsvRecord;
}

/**
 * Looks packages up with the OSV API: querybatch (≤1,000 queries a call, every page), then each
 * returned id in full. Any request that still fails after its retries fails the whole lookup.
 */
export async function queryOsvApi(
  packages: Package[],
  options: ApiOptions = {},
): Promise<{ findings: Finding[]; problems: string[]; provenance: OsvProvenance }> {
  const base = (options.baseUrl ?? DEFAULT_OSV_API_BASE).replace(/\/+$/, '');
  const fromRegistries = packages.filter(fromRegistry);
  const pinned = fromRegistries.filter((pkg) => pkg.version !== '' && !pkg.unpinned);
  const problems: string[] = [];
  if (pinned.length < fromRegistries.length) {
    problems.push(`${fromRegistries.length - pinned.length} packages without a pinned version not looked up in OSV`);
  }
  const found = await queryAll(pinned, options, base);
  const newest = new Map<string, string | undefined>();
  for (const ids of found.values()) for (const [id, modified] of ids) if (!newest.has(id) || (modified ?? '') > (newest.get(id) ?? '')) newest.set(id, modified);

  const limit = pLimit(HYDRATE_CONCURRENCY);
  const records = new Map<string, OsvRecord>();
  await Promise.all(
    [...newest].map(([id, modified]) =>
      limit(async () => {
        records.set(id, await hydrate(id, modified, options, base));
      }),
    ),
  );

  const findings: Finding[] = [];
  const provenance: OsvProvenance = { source: 'api', ecosystems: {} };
  const perEcosystem = new Map<string, Set<string>>();
  for (const [index, ids] of found) {
    const pkg = pinned[index]!;
    const pkgRecords = [...ids.keys()].map((id) => records.get(id)!).filter((record) => !record.withdrawn);
    const ecosystem = baseEcosystem(pkg.ecosystem);
    if (!perEcosystem.has(ecosystem)) perEcosystem.set(ecosystem, new Set());
    for (const record of pkgRecords) perEcosystem.get(ecosystem)!.add(record.id);
    if (pkgRecords.length > 0) findings.push(...findingsForMatch(trustedMatch(pkg, pkgRecords)));
  }
  for (const pkg of pinned) if (!perEcosystem.has(baseEcosystem(pkg.ecosystem))) perEcosystem.set(baseEcosystem(pkg.ecosystem), new Set());
  for (const [ecosystem, ids] of perEcosystem) {
    const modified = [...ids].map((id) => records.get(id)!.modified).sort().at(-1);
    provenance.ecosystems[ecosystem] = { records: ids.size, ...(modified ? { lastModified: modified } : {}) };
  }
  return { findings, problems, provenance };
}

export function apiSource(options: ApiOptions = {}): VulnerabilitySource {
  return { kind: 'api', lookup: (packages) => queryOsvApi(packages, options) };
}
