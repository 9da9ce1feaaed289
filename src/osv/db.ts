import { existsSync, mkdirSync, openSync, readFileSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { SieveError, errorMessage } from '../model/errors.js';
import { writeFileAtomic } from '../model/write-file-atomic.js';
import { baseEcosystem, isSafeEcosystemName, normalizePackageName } from '../model/package-name.js';
import type { OsvProvenance } from '../model/records.js';
import { isEcosystem } from '../model/types.js';
import type { EcosystemImport, ImportReport, OsvEcosystemMeta, OsvIndex, OsvRecord } from './types.js';

/**
 * The offline OSV index: one file per ecosystem, `<osvDir>/<ecosystem>.jsonl`.
 *   line 1: metadata (OsvEcosystemMeta)
 *   line 2: { offsets: number[], names: { [normalisedName]: recordIndex[] } }
 *   then one compact record per line; `offsets` are the records' start positions in that body.
 * Loading reads the file and the two header lines; records are parsed only when a package asks.
 */

/** Bounds for untrusted archives: one record, one archive, one directory walk. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;
const MAX_ARCHIVE_BYTES = 2 * 1024 * 1024 * 1024;
/**
 * What one archive may unpack to, summed over its entries' sizes as the archive declares them
 * (fflate never inflates an entry past its declared size). One ecosystem's index is one string,
 * which V8 caps near 512 MiB anyway; a zip bomb of many capped entries stops here, before inflating.
 */
export const MAX_ARCHIVE_UNPACKED_BYTES = 512 * 1024 * 1024;
const MAX_WALK_DEPTH = 4;
const MAX_WALK_FILES = 2_000_000;
/** Key under which records without any affected package of a known ecosystem are reported. */
const UNKNOWN_ECOSYSTEM = '(unknown)';

const decoder = new TextDecoder('utf-8', { fatal: false });

/** A folder named after an OSV ecosystem (`npm/all.zip`) says what its records are about. */
function folderHint(dir: string): string | undefined {
  const name = path.basename(path.resolve(dir));
  return isEcosystem(name) ? name : undefined;
}

export function indexFileName(ecosystem: string): string {
  const base = baseEcosystem(ecosystem);
  if (!isSafeEcosystemName(base)) throw new SieveError('SIEVE_OSV', `"${base.slice(0, 80)}" is not an OSV ecosystem name`);
  return `${encodeURIComponent(base)}.jsonl`;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why a parsed JSON value is not an OSV record Sieve can use, or undefined when it is. */
export function recordProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (!isString(value.id) || value.id.trim() === '') return 'missing "id"';
  if (!isString(value.modified)) return 'missing "modified"';
  if (value.aliases !== undefined && !(Array.isArray(value.aliases) && value.aliases.every(isString))) {
    return '"aliases" is not a list of strings';
  }
  if (value.withdrawn !== undefined && !isString(value.withdrawn)) return '"withdrawn" is not a string';
  if (value.affected === undefined) return undefined;
  if (!Array.isArray(value.affected)) return '"affected" is not a list';
  for (const [i, entry] of value.affected.entries()) {
    const where = `affected[${i}]`;
    if (!isObject(entry)) return `${where} is not an object`;
    if (entry.package !== undefined) {
      if (!isObject(entry.package) || !isString(entry.package.ecosystem) || !isString(entry.package.name)) {
        return `${where}.package needs "ecosystem" and "name"`;
      }
      if (!isSafeEcosystemName(baseEcosystem(entry.package.ecosystem))) {
        return `${where}.package.ecosystem ${JSON.stringify(entry.package.ecosystem.slice(0, 80))} is not an OSV ecosystem name`;
      }
    }
    if (entry.versions !== undefined && !(Array.isArray(entry.versions) && entry.versions.every(isString))) {
      return `${where}.versions is not a list of strings`;
    }
    if (entry.ranges !== undefined) {
      if (!Array.isArray(entry.ranges)) return `${where}.ranges is not a list`;
      for (const [j, range] of entry.ranges.entries()) {
        if (!isObject(range) || !isString(range.type) || !Array.isArray(range.events)) {
          return `${where}.ranges[${j}] needs "type" and "events"`;
        }
        for (const event of range.events) {
          if (!isObject(event) || !Object.values(event).every(isString)) {
            return `${where}.ranges[${j}] has an event that is not an object of strings`;
          }
        }
      }
    }
  }
  return undefined;
}

/** The base ecosystems a record's affected packages name. */
function recordEcosystems(record: OsvRecord): Set<string> {
  const ecosystems = new Set<string>();
  for (const affected of record.affected ?? []) {
    if (affected.package) ecosystems.add(baseEcosystem(affected.package.ecosystem));
  }
  return ecosystems;
}

interface Collected {
  records: Map<string, OsvRecord>;
  sources: Set<string>;
  report: EcosystemImport;
}

class Collector {
  readonly byEcosystem = new Map<string, Collected>();

  private slot(ecosystem: string): Collected {
    let slot = this.byEcosystem.get(ecosystem);
    if (!slot) {
      slot = { records: new Map(), sources: new Set(), report: { records: 0, skipped: 0, errors: [] } };
      this.byEcosystem.set(ecosystem, slot);
    }
    return slot;
  }

  bad(hint: string | undefined, where: string, reason: string): void {
    const report = this.slot(hint ?? UNKNOWN_ECOSYSTEM).report;
    report.skipped += 1;
    report.errors.push(`${where}: ${reason}`);
  }

  add(text: string, where: string, source: string, hint: string | undefined): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.bad(hint, where, `invalid JSON (${errorMessage(error)})`);
      return;
    }
    const problem = recordProblem(value);
    if (problem) {
      this.bad(hint, where, problem);
      return;
    }
    const record = value as OsvRecord;
    let ecosystems = recordEcosystems(record);
    if (ecosystems.size === 0) {
      if (!hint) {
        this.bad(hint, where, 'no affected package names an ecosystem');
        return;
      }
      ecosystems = new Set([hint]);
    }
    for (const ecosystem of ecosystems) {
      const slot = this.slot(ecosystem);
      slot.sources.add(source);
      const previous = slot.records.get(record.id);
      // The same id from two sources: keep the newer record.
      if (!previous || previous.modified < record.modified) slot.records.set(record.id, record);
    }
  }
}

/** How many bytes the `.json` entries of an archive declare, read from its directory without inflating. */
function unpackedSize(zip: Uint8Array): number {
  let total = 0;
  unzipSync(zip, {
    filter: (info) => {
      if (info.name.endsWith('.json') && info.originalSize <= MAX_RECORD_BYTES) total += Math.max(info.originalSize, info.size);
      return false;
    },
  });
  return total;
}

function readZip(file: string, collector: Collector, hint: string | undefined): void {
  const size = statSync(file).size;
  if (size > MAX_ARCHIVE_BYTES) {
    collector.bad(hint, file, `archive of ${size} bytes is over the ${MAX_ARCHIVE_BYTES}-byte limit`);
    return;
  }
  let entries: Record<string, Uint8Array>;
  const tooLarge: string[] = [];
  try {
    const zip = readFileSync(file);
    // The whole archive or nothing: importing part of one would drop the rest of its records.
    const unpacked = unpackedSize(zip);
    if (unpacked > MAX_ARCHIVE_UNPACKED_BYTES) {
      collector.bad(hint, file, `archive unpacks to ${unpacked} bytes, over the ${MAX_ARCHIVE_UNPACKED_BYTES}-byte limit per archive (MAX_ARCHIVE_UNPACKED_BYTES); nothing imported from it`);
      return;
    }
    entries = unzipSync(zip, {
      filter: (info) => {
        if (!info.name.endsWith('.json')) return false;
        if (info.originalSize > MAX_RECORD_BYTES) {
          tooLarge.push(info.name);
          return false;
        }
        return true;
      },
    });
  } catch (error) {
    collector.bad(hint, file, `unreadable ZIP archive (${errorMessage(error)})`);
    return;
  }
  for (const name of tooLarge) collector.bad(hint, `${file}!${name}`, `over the ${MAX_RECORD_BYTES}-byte record limit`);
  for (const name of Object.keys(entries).sort()) {
    collector.add(decoder.decode(entries[name]), `${file}!${name}`, file, hint);
  }
}

function readJsonFile(file: string, collector: Collector, hint: string | undefined): void {
  const size = statSync(file).size;
  if (size > MAX_RECORD_BYTES) {
    collector.bad(hint, file, `over the ${MAX_RECORD_BYTES}-byte record limit`);
    return;
  }
  collector.add(readFileSync(file, 'utf8'), file, file, hint);
}

/** A directory of `<Ecosystem>/all.zip` folders and/or loose records, walked to a bounded depth. */
function readDirectory(dir: string, collector: Collector, depth: number, budget: { files: number }): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (--budget.files < 0) throw new SieveError('SIEVE_INPUT_TOO_LARGE', `${dir}: more than ${MAX_WALK_FILES} files`);
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth < MAX_WALK_DEPTH) readDirectory(full, collector, depth + 1, budget);
    } else if (entry.isFile()) {
      const hint = folderHint(dir);
      if (entry.name.endsWith('.zip')) readZip(full, collector, hint);
      else if (entry.name.endsWith('.json')) readJsonFile(full, collector, hint);
    }
  }
}


/** Builds the index file's text for one ecosystem (records sorted by id, so output is stable). */
export function buildIndexText(meta: OsvEcosystemMeta, records: Iterable<OsvRecord>): string {
  const sorted = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ecosystem = meta.ecosystem;
  const names: Record<string, number[]> = Object.create(null) as Record<string, number[]>;
  const offsets: number[] = [];
  const lines: string[] = [];
  let offset = 0;
  for (const [i, record] of sorted.entries()) {
    const line = JSON.stringify(record);
    offsets.push(offset);
    offset += line.length + 1;
    lines.push(line);
    const seen = new Set<string>();
    for (const affected of record.affected ?? []) {
      if (!affected.package || baseEcosystem(affected.package.ecosystem) !== ecosystem) continue;
      const key = normalizePackageName(ecosystem, affected.package.name);
      if (seen.has(key)) continue;
      seen.add(key);
      (names[key] ??= []).push(i);
    }
  }
  return `${JSON.stringify(meta)}\n${JSON.stringify({ offsets, names })}\n${lines.join('\n')}\n`;
}

function newestModified(records: Iterable<OsvRecord>): string | undefined {
  let newest: string | undefined;
  for (const record of records) if (newest === undefined || record.modified > newest) newest = record.modified;
  return newest;
}

export interface ImportOptions {
  /** Clock for `importedAt` (SIEVE_NOW); defaults to now. */
  now?: Date;
  /** Recorded as the data's source instead of the file paths (e.g. the download URL). */
  sourceLabel?: string;
  /** Extra metadata per ecosystem (HTTP validators of a download). */
  extraMeta?: Record<string, Partial<OsvEcosystemMeta>>;
  /**
   * Replace each ecosystem's index with what the sources hold for it (a full download). Without
   * it, records are added to the index and update the ones with the same id: importing a few
   * hand-written records must never drop the rest of an ecosystem's data.
   */
  replace?: boolean;
}

/** Every record of an existing index file, to add imported records to. */
function existingRecords(file: string): OsvRecord[] {
  const loaded = loadEcosystem(file);
  const records: OsvRecord[] = [];
  for (let index = 0; index < loaded.offsets.length; index++) {
    const record = recordAt(loaded, index);
    if (record) records.push(record);
  }
  return records;
}

/**
 * Folds the existing index of `ecosystem` under the imported records: an imported record is added,
 * or updates the stored record of its id unless that one was modified later. Returns the counts,
 * or an error when the existing index cannot be read (then nothing is written for it).
 */
function addToExisting(file: string, slot: Collected): { added: number; updated: number } | { error: string } {
  let stored: OsvRecord[];
  try {
    stored = existingRecords(file);
  } catch (error) {
    return { error: `${file}: the existing index cannot be read (${errorMessage(error)}); import with --replace to rebuild it` };
  }
  const imported = slot.records;
  let updated = 0;
  let added = imported.size;
  const merged = new Map<string, OsvRecord>();
  for (const record of stored) merged.set(record.id, record);
  for (const [id, record] of imported) {
    const previous = merged.get(id);
    if (!previous) continue;
    added -= 1;
    if (previous.modified > record.modified) {
      imported.set(id, previous);
      slot.report.errors.push(`${id}: kept the stored record, modified ${previous.modified}, newer than the imported one (${record.modified})`);
    } else updated += 1;
  }
  for (const [id, record] of merged) if (!imported.has(id)) imported.set(id, record);
  return { added, updated };
}

/**
 * Imports OSV records from ZIP archives (`<Ecosystem>/all.zip`), directories of them, or loose
 * `*.json` records into the index of every ecosystem they contain: added to what is there, or
 * replacing it with `replace`. Bad records are
 * skipped and reported; they never stop the import.
 */
export async function importOsv(osvDir: string, sources: string[], options: ImportOptions = {}): Promise<ImportReport> {
  const collector = new Collector();
  const budget = { files: MAX_WALK_FILES };
  for (const source of sources) {
    let stat;
    try {
      stat = statSync(source);
    } catch {
      collector.bad(undefined, source, 'no such file or directory');
      continue;
    }
    if (stat.isDirectory()) readDirectory(source, collector, 0, budget);
    else if (source.endsWith('.zip')) readZip(source, collector, folderHint(path.dirname(source)));
    else readJsonFile(source, collector, undefined);
  }

  mkdirSync(osvDir, { recursive: true });
  const importedAt = (options.now ?? new Date()).toISOString();
  const report: ImportReport = {};
  for (const [ecosystem, slot] of [...collector.byEcosystem].sort(([a], [b]) => (a < b ? -1 : 1))) {
    slot.report.records = slot.records.size;
    report[ecosystem] = slot.report;
    if (ecosystem === UNKNOWN_ECOSYSTEM || slot.records.size === 0) continue;
    const file = path.join(osvDir, indexFileName(ecosystem));
    if (!options.replace && existsSync(file)) {
      const change = addToExisting(file, slot);
      if ('error' in change) {
        slot.report.errors.push(change.error);
        slot.report.records = 0;
        continue;
      }
      slot.report.added = change.added;
      slot.report.updated = change.updated;
      slot.report.total = slot.records.size;
    }
    const meta: OsvEcosystemMeta = {
      ecosystem,
      records: slot.records.size,
      lastModified: newestModified(slot.records.values()),
      importedAt,
      source: options.sourceLabel ?? [...slot.sources].sort().join(', '),
      ...options.extraMeta?.[ecosystem],
    };
    if (!options.replace && existsSync(file)) {
      // The data's source is now the earlier one plus these files.
      const earlier = readIndexMeta(file)?.source;
      if (earlier && !options.sourceLabel) meta.source = [...new Set([...earlier.split(', '), ...slot.sources])].sort().join(', ');
    }
    writeFileAtomic(file, buildIndexText(meta, slot.records.values()));
  }
  return report;
}

/** Reads only the first line (the metadata) of an index file. */
export function readIndexMeta(file: string): OsvEcosystemMeta | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const chunks: Buffer[] = [];
    const chunk = Buffer.alloc(64 * 1024);
    for (let position = 0; position < 16 * 1024 * 1024; ) {
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read === 0) break;
      const newline = chunk.subarray(0, read).indexOf(10);
      if (newline >= 0) {
        chunks.push(Buffer.from(chunk.subarray(0, newline)));
        break;
      }
      chunks.push(Buffer.from(chunk.subarray(0, read)));
      position += read;
    }
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return isObject(value) && isString(value.ecosystem) ? (value as unknown as OsvEcosystemMeta) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

interface LoadedEcosystem {
  meta: OsvEcosystemMeta;
  body: string;
  offsets: number[];
  names: Record<string, number[]>;
  /** Records parsed so far, by position (sparse). */
  parsed: Array<OsvRecord | undefined>;
}

/**
 * Loaded index files, kept while the file on disk is the same one (inode, size, change times).
 * A scan loads the index once per target; reusing the load keeps the records parsed and matched
 * for the previous targets (and the matcher's per-record caches with them) instead of reading
 * and parsing everything again. An import replaces the file by a rename, which changes the inode.
 */
const loadedFiles = new Map<string, { stamp: string; loaded: LoadedEcosystem }>();
/** Different index folders kept at once (one ecosystem file each); the least recently used goes. */
const MAX_LOADED_FILES = 32;

function fileStamp(file: string): string | undefined {
  try {
    const stat = statSync(file, { bigint: true });
    return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  } catch {
    return undefined;
  }
}

function loadEcosystemCached(file: string): LoadedEcosystem {
  const key = path.resolve(file);
  const stamp = fileStamp(key);
  const kept = loadedFiles.get(key);
  loadedFiles.delete(key);
  if (kept && stamp !== undefined && kept.stamp === stamp) {
    loadedFiles.set(key, kept);
    return kept.loaded;
  }
  const loaded = loadEcosystem(file);
  // Stamped before reading: a file replaced meanwhile gets a new stamp and is read again next time.
  if (stamp !== undefined) {
    loadedFiles.set(key, { stamp, loaded });
    if (loadedFiles.size > MAX_LOADED_FILES) loadedFiles.delete(loadedFiles.keys().next().value!);
  }
  return loaded;
}

function loadEcosystem(file: string): LoadedEcosystem {
  const text = readFileSync(file, 'utf8');
  const first = text.indexOf('\n');
  const second = first < 0 ? -1 : text.indexOf('\n', first + 1);
  if (second < 0) throw new Error('truncated header');
  const meta = JSON.parse(text.slice(0, first)) as OsvEcosystemMeta;
  const header = JSON.parse(text.slice(first + 1, second)) as { offsets?: unknown; names?: unknown };
  if (!Array.isArray(header.offsets) || !isObject(header.names)) throw new Error('bad header');
  return {
    meta,
    body: text.slice(second + 1),
    offsets: header.offsets as number[],
    names: Object.assign(Object.create(null) as Record<string, number[]>, header.names as Record<string, number[]>),
    parsed: new Array<OsvRecord | undefined>((header.offsets as number[]).length),
  };
}

function recordAt(loaded: LoadedEcosystem, index: number): OsvRecord | undefined {
  const cached = loaded.parsed[index];
  if (cached) return cached;
  const start = loaded.offsets[index];
  if (start === undefined) return undefined;
  const end = loaded.body.indexOf('\n', start);
  const record = JSON.parse(loaded.body.slice(start, end < 0 ? undefined : end)) as OsvRecord;
  loaded.parsed[index] = record;
  return record;
}

/**
 * Loads the index of the ecosystems asked for (suffixes such as `Debian:12` select `Debian`).
 * Ecosystems without data are listed in `missing` so the caller can say so.
 */
export function loadOsvIndex(osvDir: string, ecosystems: Iterable<string>): OsvIndex {
  const loaded = new Map<string, LoadedEcosystem>();
  const missing: string[] = [];
  const damaged: string[] = [];
  const problems: string[] = [];
  for (const ecosystem of new Set([...ecosystems].map(baseEcosystem))) {
    if (!isSafeEcosystemName(ecosystem)) {
      missing.push(ecosystem);
      continue;
    }
    const file = path.join(osvDir, indexFileName(ecosystem));
    if (!existsSync(file)) {
      missing.push(ecosystem);
      continue;
    }
    try {
      loaded.set(ecosystem, loadEcosystemCached(file));
    } catch (error) {
      missing.push(ecosystem);
      damaged.push(ecosystem);
      problems.push(`${file}: damaged OSV index (${errorMessage(error)}); run sieve db update or sieve db import again`);
    }
  }
  return {
    ecosystems: [...loaded.keys()].sort(),
    missing: missing.sort(),
    damaged: damaged.sort(),
    problems,
    records(ecosystem: string, name: string): OsvRecord[] {
      const base = baseEcosystem(ecosystem);
      const data = loaded.get(base);
      if (!data) return [];
      const indexes = data.names[normalizePackageName(base, name)];
      if (!indexes) return [];
      const records: OsvRecord[] = [];
      for (const index of indexes) {
        const record = recordAt(data, index);
        if (record) records.push(record);
      }
      return records;
    },
    names(ecosystem: string): string[] {
      const data = loaded.get(baseEcosystem(ecosystem));
      return data ? Object.keys(data.names).sort() : [];
    },
    provenance(): OsvProvenance {
      const result: OsvProvenance = { source: 'offline', ecosystems: {} };
      for (const [ecosystem, data] of loaded) {
        result.ecosystems[ecosystem] = {
          records: data.meta.records,
          lastModified: data.meta.lastModified,
          importedAt: data.meta.importedAt,
        };
      }
      return result;
    },
  };
}

/** What `sieve db status` shows: one row per imported ecosystem. */
export function osvStatus(
  osvDir: string,
): Array<{ ecosystem: string; records: number; lastModified?: string; importedAt?: string; source?: string }> {
  let files: string[];
  try {
    files = readdirSync(osvDir).filter((name) => name.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const rows = [];
  for (const name of files.sort()) {
    const meta = readIndexMeta(path.join(osvDir, name));
    if (!meta) continue;
    rows.push({
      ecosystem: meta.ecosystem,
      records: meta.records,
      lastModified: meta.lastModified,
      importedAt: meta.importedAt,
      source: meta.source,
    });
  }
  return rows.sort((a, b) => (a.ecosystem < b.ecosystem ? -1 : a.ecosystem > b.ecosystem ? 1 : 0));
}

/** The stored metadata of one ecosystem, if imported. */
export function ecosystemMeta(osvDir: string, ecosystem: string): OsvEcosystemMeta | undefined {
  if (!isSafeEcosystemName(baseEcosystem(ecosystem))) return undefined;
  return readIndexMeta(path.join(osvDir, indexFileName(ecosystem)));
}

/**
 * Every record of one ecosystem's index, as the JSON text of each (one per line after the two
 * header lines). For handing the same data to another matcher (osv-scanner's offline database).
 */
export function indexRecordTexts(osvDir: string, ecosystem: string): { meta: OsvEcosystemMeta; records: string[] } | undefined {
  const file = path.join(osvDir, indexFileName(ecosystem));
  if (!existsSync(file)) return undefined;
  const loaded = loadEcosystemCached(file);
  const records: string[] = [];
  for (const start of loaded.offsets) {
    const end = loaded.body.indexOf('\n', start);
    records.push(loaded.body.slice(start, end < 0 ? undefined : end));
  }
  return { meta: loaded.meta, records };
}
