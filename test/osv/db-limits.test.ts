import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { importOsv, indexFileName, loadOsvIndex, MAX_ARCHIVE_UNPACKED_BYTES } from '../../src/osv/db.js';
import { SieveError } from '../../src/model/errors.js';
import { bombZip } from '../helpers/zip.js';

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sieve-osv-limits-'));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const record = (id: string, ecosystem: string, name = 'left-pad') =>
  JSON.stringify({
    id,
    modified: '2024-05-01T00:00:00Z',
    affected: [{ package: { ecosystem, name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }],
  });

describe('sieve db import: bounded totals', () => {
  it('refuses a small zip whose entries unpack past the per-archive bound, before inflating any of it', async () => {
    const dir = tempDir();
    const zip = path.join(dir, 'npm', 'all.zip');
    const bytes = bombZip(40, 15 * 1024 * 1024);
    expect(bytes.length).toBeLessThan(1024 * 1024);
    mkdirSync(path.dirname(zip));
    writeFileSync(zip, bytes);
    const before = process.memoryUsage().rss;
    const report = await importOsv(path.join(dir, 'osv'), [zip]);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    expect(report.npm).toMatchObject({ records: 0, skipped: 1 });
    expect(report.npm!.errors).toEqual([
      `${zip}: archive unpacks to ${40 * 15 * 1024 * 1024} bytes, over the ${MAX_ARCHIVE_UNPACKED_BYTES}-byte limit per archive (MAX_ARCHIVE_UNPACKED_BYTES); nothing imported from it`,
    ]);
    // Nothing replaced: no index file was written for npm.
    expect(existsSync(path.join(dir, 'osv', 'npm.jsonl'))).toBe(false);
  });

  it('still imports an archive under the bound', async () => {
    const dir = tempDir();
    const zip = path.join(dir, 'all.zip');
    writeFileSync(zip, zipSync({ 'GHSA-1.json': strToU8(record('GHSA-1', 'npm')) }));
    const report = await importOsv(path.join(dir, 'osv'), [zip]);
    expect(report.npm).toEqual({ records: 1, skipped: 0, errors: [] });
  });
});

describe('OSV ecosystem names from records', () => {
  it.each(['..', '__proto__', 'npm/../../x', '../npm', 'constructor/x', '', ' npm', '\u202enpm'])('refuses a record whose ecosystem is %j', async (ecosystem) => {
    const dir = tempDir();
    const file = path.join(dir, 'record.json');
    writeFileSync(file, record('GHSA-evil', ecosystem));
    const osvDir = path.join(dir, 'osv');
    const report = await importOsv(osvDir, [file]);
    expect(Object.getPrototypeOf(report)).toBe(Object.prototype);
    expect(Object.keys(report)).toEqual(['(unknown)']);
    expect(report['(unknown)']!.errors[0]).toMatch(/affected\[0\]\.package\.ecosystem .* is not an OSV ecosystem name/);
    expect(existsSync(osvDir) ? readdirSync(osvDir) : []).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['osv', 'record.json']);
  });

  it('keeps real ecosystem names, suffixes included', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'record.json');
    writeFileSync(file, record('DSA-1', 'Debian:12', 'openssl'));
    const report = await importOsv(path.join(dir, 'osv'), [file]);
    expect(report.Debian).toEqual({ records: 1, skipped: 0, errors: [] });
    for (const name of ['crates.io', 'Red Hat', 'GitHub Actions', 'Ubuntu:Pro:18.04:LTS']) expect(() => indexFileName(name)).not.toThrow();
  });

  it('never turns an unsafe name into an index file name', () => {
    expect(() => indexFileName('..')).toThrow(SieveError);
    expect(() => indexFileName('__proto__')).toThrow(/not an OSV ecosystem name/);
    const index = loadOsvIndex(tempDir(), ['..', '__proto__']);
    expect(index.missing).toEqual(['..', '__proto__']);
  });
});
