import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../model/errors.js';
import { baseEcosystem, isSafeEcosystemName } from '../model/package-name.js';
import { ecosystemMeta, importOsv } from './db.js';
import { fetchWithRetry, type RetryOptions } from './http.js';

/** Largest all.zip Sieve downloads. */
const MAX_DOWNLOAD_BYTES = 2 * 1024 * 1024 * 1024;

export interface EcosystemUpdate {
  ecosystem: string;
  status: 'updated' | 'unchanged' | 'failed';
  records?: number;
  /** Why it failed; the previously imported data stays in use. */
  error?: string;
}

export interface UpdateOptions extends RetryOptions {
  now?: Date;
}

/**
 * `sieve db update`: downloads `<baseUrl>/<Ecosystem>/all.zip` for each ecosystem, conditionally
 * on the validators stored with the last import (304 → unchanged). The archive goes to a
 * temporary file and is imported from there; the index file is replaced by rename only once the
 * import succeeded, so a failed download or a bad archive leaves the previous data in use.
 */
export async function updateOsv(
  osvDir: string,
  ecosystems: string[],
  baseUrl: string,
  options: UpdateOptions = {},
): Promise<EcosystemUpdate[]> {
  mkdirSync(osvDir, { recursive: true });
  const base = baseUrl.replace(/\/+$/, '');
  const updates: EcosystemUpdate[] = [];
  for (const ecosystem of [...new Set(ecosystems.map(baseEcosystem))]) {
    if (!isSafeEcosystemName(ecosystem)) {
      updates.push({ ecosystem, status: 'failed', error: `"${ecosystem.slice(0, 80)}" is not an OSV ecosystem name` });
      continue;
    }
    const url = `${base}/${encodeURIComponent(ecosystem)}/all.zip`;
    const meta = ecosystemMeta(osvDir, ecosystem);
    const headers: Record<string, string> = {};
    if (meta?.etag) headers['if-none-match'] = meta.etag;
    if (meta?.httpLastModified) headers['if-modified-since'] = meta.httpLastModified;
    const temp = mkdtempSync(path.join(osvDir, '.download-'));
    try {
      const response = await fetchWithRetry(url, { method: 'GET', headers }, options);
      if (response.status === 304) {
        await response.body?.cancel();
        updates.push({ ecosystem, status: 'unchanged', records: meta?.records });
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        updates.push({ ecosystem, status: 'failed', error: `GET ${url}: HTTP ${response.status}` });
        continue;
      }
      const length = Number(response.headers.get('content-length') ?? '0');
      if (length > MAX_DOWNLOAD_BYTES) throw new Error(`GET ${url}: ${length} bytes is over the ${MAX_DOWNLOAD_BYTES}-byte limit`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes.length > MAX_DOWNLOAD_BYTES) throw new Error(`GET ${url}: over the ${MAX_DOWNLOAD_BYTES}-byte limit`);
      // Named <Ecosystem>/all.zip so records without affected packages still land in it.
      const zip = path.join(temp, ecosystem, 'all.zip');
      mkdirSync(path.dirname(zip), { recursive: true });
      writeFileSync(zip, bytes);
      const etag = response.headers.get('etag') ?? undefined;
      const httpLastModified = response.headers.get('last-modified') ?? undefined;
      const report = await importOsv(osvDir, [zip], {
        now: options.now,
        sourceLabel: url,
        // A download is the ecosystem's whole data set: it replaces what was there.
        replace: true,
        extraMeta: { [ecosystem]: { ...(etag ? { etag } : {}), ...(httpLastModified ? { httpLastModified } : {}) } },
      });
      const imported = report[ecosystem];
      if (!imported || imported.records === 0) {
        const reasons = Object.values(report).flatMap((r) => r.errors);
        updates.push({ ecosystem, status: 'failed', error: `${url}: no usable records${reasons.length ? ` (${reasons[0]})` : ''}` });
        continue;
      }
      updates.push({ ecosystem, status: 'updated', records: imported.records });
    } catch (error) {
      updates.push({ ecosystem, status: 'failed', error: errorMessage(error) });
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }
  return updates;
}
