import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { SieveError } from '../model/errors.js';
import { baseEcosystem, normalizePackageName } from '../model/package-name.js';
import { purlFor } from '../model/purl.js';
import type { OsvProvenance } from '../model/records.js';
import { fromRegistry, isEcosystem, type Finding, type Package, type StageFailure } from '../model/types.js';
import { baseEnvironment, run, type RunResult } from '../exec/run.js';
import { indexRecordTexts, osvStatus, recordProblem } from './db.js';
import { findingsForMatch } from './match.js';
import { trustedMatch, type VulnerabilitySource } from './source.js';
import type { OsvRecord } from './types.js';

/** osv-scanner's JSON output (`--format json`), as much of it as Sieve reads. */
interface ScannerOutput {
  results?: Array<{
    source?: { path?: string; type?: string };
    packages?: Array<{
      package?: { name?: string; version?: string; ecosystem?: string };
      vulnerabilities?: unknown[];
      groups?: Array<{ ids?: string[] }>;
    }>;
  }>;
}

/** Exit codes osv-scanner documents: 0 nothing found, 1 vulnerabilities found, 128 no packages. */
const OK_EXIT_CODES = new Set([0, 1, 128]);

// Go module versions: Sieve keeps go.mod's `v1.2.3`, osv-scanner prints `1.2.3`.
const packageKey = (ecosystem: string, name: string, version: string, file: string): string =>
  `${ecosystem}\u0000${normalizePackageName(ecosystem, name)}\u0000${ecosystem === 'Go' ? version.replace(/^v/, '') : version}\u0000${file}`;

/**
 * Turns osv-scanner's JSON into findings; paths become relative to the checkout. Pure.
 * osv-scanner decides which advisories affect a package; where Sieve's own inventory read the same
 * package in the same file, its record (line, scope, direct, purl) is used, so the finding is the
 * one the offline index would give, with the same identity.
 */
export function parseOsvScannerOutput(
  text: string,
  checkoutDir: string,
  inventory: readonly Package[] = [],
): { findings: Finding[]; problems: string[]; provenance: OsvProvenance; readFiles: Set<string> } {
  let output: ScannerOutput;
  try {
    output = JSON.parse(text) as ScannerOutput;
  } catch (error) {
    throw new SieveError('SIEVE_OSV', `osv-scanner printed output that is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const known = new Map<string, Package>();
  for (const pkg of inventory) known.set(packageKey(pkg.ecosystem, pkg.name, pkg.version, pkg.location.path), pkg);
  const findings: Finding[] = [];
  const problems: string[] = [];
  const perEcosystem = new Map<string, Set<string>>();
  const readFiles = new Set<string>();
  for (const result of output.results ?? []) {
    const source = result.source?.path ?? '';
    const relative = path.isAbsolute(source) ? path.relative(checkoutDir, source) : source;
    const location = relative.split(path.sep).join('/');
    readFiles.add(location);
    for (const entry of result.packages ?? []) {
      const { name, version, ecosystem } = entry.package ?? {};
      if (!name || version === undefined || !ecosystem) continue;
      const base = baseEcosystem(ecosystem);
      if (!isEcosystem(base)) {
        problems.push(`osv-scanner reported ${ecosystem} ${name}@${version}, an ecosystem Sieve does not know`);
        continue;
      }
      const records: OsvRecord[] = [];
      for (const value of entry.vulnerabilities ?? []) {
        const problem = recordProblem(value);
        if (problem) problems.push(`osv-scanner: an advisory of ${name}@${version} is not an OSV record (${problem})`);
        else records.push(value as OsvRecord);
      }
      if (records.length === 0) continue;
      const ids = perEcosystem.get(base) ?? new Set<string>();
      perEcosystem.set(base, ids);
      for (const record of records) ids.add(record.id);
      const pkg: Package = known.get(packageKey(base, name, version, location)) ?? {
        ecosystem: base,
        name,
        version,
        purl: purlFor(base, name, version),
        direct: true,
        scope: 'runtime',
        location: { path: location, line: 1 },
      };
      findings.push(...findingsForMatch(trustedMatch(pkg, records)));
    }
  }
  const provenance: OsvProvenance = { source: 'osv-scanner', ecosystems: {} };
  for (const [ecosystem, ids] of perEcosystem) provenance.ecosystems[ecosystem] = { records: ids.size };
  return { findings, problems, provenance, readFiles };
}

/**
 * Lays Sieve's imported OSV data out the way osv-scanner v2 reads it offline:
 * `<dir>/osv-scalibr/<Ecosystem>/all.zip`, one `<id>.json` per record. Keyed by the data's
 * metadata, so it is written once per import and both matchers always see the same records.
 */
export function osvScannerDatabase(osvDir: string, cacheDir: string, ecosystems?: readonly string[]): string {
  const wanted = ecosystems === undefined ? undefined : new Set(ecosystems.map(baseEcosystem));
  // The key comes from each index's first line only; the records are read when the layout is missing.
  const metas = osvStatus(osvDir).filter((meta) => wanted === undefined || wanted.has(meta.ecosystem));
  const key = createHash('sha256')
    .update(JSON.stringify(metas.map((meta) => [meta.ecosystem, meta.records, meta.lastModified, meta.importedAt])))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(cacheDir, key);
  if (existsSync(path.join(dir, 'complete'))) return dir;
  const exported = metas.flatMap(({ ecosystem }) => {
    const data = indexRecordTexts(osvDir, ecosystem);
    return data === undefined ? [] : [{ ecosystem, data }];
  });
  const temp = `${dir}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  for (const { ecosystem, data } of exported) {
    const files: Record<string, Uint8Array> = {};
    for (const text of data.records) {
      const id = (JSON.parse(text) as { id: string }).id;
      files[`${id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`] = strToU8(text);
    }
    const folder = path.join(temp, 'osv-scalibr', ecosystem);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'all.zip'), zipSync(files, { level: 1 }));
  }
  writeFileSync(path.join(temp, 'complete'), '');
  rmSync(dir, { recursive: true, force: true });
  renameSync(temp, dir);
  return dir;
}

export interface OsvScannerOptions {
  /** Sieve's imported OSV data, handed to osv-scanner as its offline database. */
  osvDir: string;
  /** Where the offline database for osv-scanner is kept (`<home>/cache/osv-scanner`). */
  cacheDir: string;
  /** Program to run; `osv-scanner` found on PATH by default. */
  binary?: string;
  timeoutMs?: number;
}

/**
 * Runs the real osv-scanner, offline, over the checkout: `osv-scanner scan source --offline
 * --format json -r <checkoutDir>`, with Sieve's own OSV data as its local database. Nothing is
 * fetched: `--offline` also turns off transitive resolution of manifests, and call analysis is
 * off because it would build the untrusted repository.
 */
export function osvScannerSource(options: OsvScannerOptions): VulnerabilitySource {
  const binary = options.binary ?? process.env.SIEVE_OSV_SCANNER ?? 'osv-scanner';
  // Laid out once per run: every target of the run matches against the same data.
  let database: string | undefined;
  return {
    kind: 'osv-scanner',
    async lookup(packages, context) {
      if (!context.checkoutDir) throw new SieveError('SIEVE_OSV', 'osv-scanner needs a checkout directory');
      database ??= osvScannerDatabase(options.osvDir, options.cacheDir);
      const result: RunResult = await run(
        binary,
        // --all-packages: every file osv-scanner read is in its output, vulnerable or not.
        ['scan', 'source', '--offline', '--no-call-analysis=all', '--all-vulns', '--all-packages', '--format', 'json', '--verbosity', 'error', '-r', context.checkoutDir],
        {
          timeoutMs: options.timeoutMs ?? 10 * 60_000,
          env: baseEnvironment({ OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY: database, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' }),
        },
      );
      if (result.failedToStart) throw new SieveError('SIEVE_EXEC', `${binary} not found on PATH (or could not be started)`);
      if (result.timedOut) throw new SieveError('SIEVE_EXEC', `${binary} timed out`);
      if (result.exitCode === undefined || !OK_EXIT_CODES.has(result.exitCode)) {
        const stderr = result.stderr.trim().split('\n').slice(-5).join('\n');
        throw new SieveError('SIEVE_EXEC', `${binary} exited with code ${result.exitCode}${stderr ? `: ${stderr}` : ''}`);
      }
      const parsed =
        result.exitCode === 128 && result.stdout.trim() === ''
          ? { findings: [], problems: [], provenance: { source: 'osv-scanner' as const, ecosystems: {} }, readFiles: new Set<string>() }
          : parseOsvScannerOutput(result.stdout, context.checkoutDir, packages);
      // A lockfile Sieve read and osv-scanner did not (a format it does not know) was not checked:
      // its findings stay as they were, never fixed for want of a result.
      const unread = [...new Set(packages.filter(fromRegistry).map((pkg) => pkg.location.path))].filter((file) => !parsed.readFiles.has(file)).sort();
      const keepOpen = unread.map((lockfile): StageFailure => ({
        stage: 'osv',
        scope: { kind: 'dependencies', lockfile },
        message: `osv-scanner did not read ${lockfile}: its findings stay as they were`,
      }));
      return { findings: parsed.findings, problems: parsed.problems, provenance: parsed.provenance, keepOpen };
    },
  };
}
