/**
 * Sieve beside osv-scanner on the same OSV data. The bench makes four repositories from the
 * shared OSV records (real package names, versions taken from the records' own events and
 * lists, so some are affected and some are not): a 5,000-package npm lockfile, a requirements.txt,
 * a go.mod and a Cargo.lock. It scans them with Sieve's built CLI (offline index) and with the real
 * osv-scanner (offline, on the same data, as Sieve's osv-scanner source runs it), then compares
 * the (package, version, advisory) results both ways and prints both wall times.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { findTool } from '../test/helpers/tools.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const osvDb = resolve(root, '../shared/osv-db');
const NPM_PACKAGES = 5000;

interface OsvRecordLite {
  id: string;
  aliases?: string[];
  affected?: Array<{ package?: { name: string; ecosystem: string }; ranges?: Array<{ type: string; events: Array<{ [event: string]: string }> }>; versions?: string[] }>;
}

function records(ecosystem: string): OsvRecordLite[] {
  const entries = unzipSync(readFileSync(join(osvDb, ecosystem, 'all.zip')));
  return Object.values(entries).map((bytes) => JSON.parse(Buffer.from(bytes).toString('utf8')) as OsvRecordLite);
}

/** Up to three versions per package named in the records: an introduced, a fixed and a listed one. */
function candidates(list: OsvRecordLite[], ecosystem: string, valid: (version: string) => boolean): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const record of list) {
    for (const affected of record.affected ?? []) {
      const name = affected.package?.name;
      if (!name || affected.package?.ecosystem !== ecosystem) continue;
      const versions = found.get(name) ?? new Set<string>();
      found.set(name, versions);
      for (const range of affected.ranges ?? []) {
        if (range.type === 'GIT') continue;
        for (const event of range.events) {
          for (const value of [event.introduced, event.fixed]) if (value && value !== '0' && valid(value) && versions.size < 3) versions.add(value);
        }
      }
      const listed = affected.versions?.find(valid);
      if (listed && versions.size < 3) versions.add(listed);
    }
  }
  return found;
}

const semverLike = (version: string) => /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version);

function makeRepositories(dir: string): string[] {
  const made: string[] = [];
  const write = (name: string, file: string, text: string) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, file), text);
    made.push(join(dir, name));
  };

  // npm: one lockfile, first every (name, version) from the records, then filler packages.
  const packages: { [path: string]: unknown } = { '': { name: 'monorepo', version: '1.0.0' } };
  let count = 0;
  // Packages whose records give no usable version are left out.
  const withVersions = (found: Map<string, Set<string>>) => [...found].filter(([, versions]) => versions.size > 0);
  for (const [name, versions] of withVersions(candidates(records('npm'), 'npm', semverLike))) {
    [...versions].forEach((version, i) => {
      packages[i === 0 ? `node_modules/${name}` : `node_modules/dep-${count}/node_modules/${name}`] = { version };
      count += 1;
    });
  }
  for (let i = 0; count < NPM_PACKAGES; i++, count++) packages[`node_modules/filler-${i}`] = { version: `1.${i % 20}.0` };
  write('npm-monorepo', 'package-lock.json', JSON.stringify({ name: 'monorepo', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 1));

  // PyPI: one pinned line per package, at one version taken from its records.
  const pypi = withVersions(candidates(records('PyPI'), 'PyPI', (version) => /^\d+(\.\d+)*$/.test(version))).map(([name, versions]) => `${name}==${[...versions][0]}`);
  write('python-app', 'requirements.txt', `${pypi.join('\n')}\n`);

  // Go: one require per module.
  const go = withVersions(candidates(records('Go'), 'Go', semverLike))
    .filter(([name]) => name.includes('.') && name !== 'stdlib' && name !== 'toolchain')
    .map(([name, versions]) => `\t${name} v${[...versions][0]}`);
  write('go-service', 'go.mod', `module example.com/bench\n\ngo 1.22\n\nrequire (\n${go.join('\n')}\n)\n`);

  // crates.io: one package per crate.
  const crates = withVersions(candidates(records('crates.io'), 'crates.io', semverLike)).map(
    ([name, versions]) => `[[package]]\nname = "${name}"\nversion = "${[...versions][0]}"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n`,
  );
  write('rust-workspace', 'Cargo.lock', `version = 3\n\n${crates.join('\n')}`);
  return made;
}

type Triple = string;
const triple = (ecosystem: string, name: string, version: string, id: string): Triple =>
  `${ecosystem} ${ecosystem === 'PyPI' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name}@${ecosystem === 'Go' ? version.replace(/^v/, '') : version} ${id}`;

export async function bench(): Promise<void> {
  const scanner = findTool('osv-scanner', [join(root, '.tools/bin/osv-scanner')]);
  if (!scanner) {
    console.log('osv-scanner not found (run scripts/install-test-tools.sh): skipped');
    return;
  }
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'sieve-bench-osv-scanner-'));
  try {
    const repos = makeRepositories(join(dir, 'repos'));
    const home = join(dir, 'home');
    const sieveBin = join(root, 'bin/sieve.js');
    execFileSync(process.execPath, [sieveBin, 'db', 'import', osvDb, '--home', home], { stdio: 'ignore' });

    // Sieve: the whole CLI, offline index, every repository a target.
    const config = join(dir, 'scan-targets.json');
    writeFileSync(config, JSON.stringify({ targets: repos.map((path) => ({ name: path.split('/').pop(), path })) }));
    // An empty rules folder: every finding counts, none is cut by the repository's own rules.
    mkdirSync(join(dir, 'no-rules'));
    let started = performance.now();
    const scan = spawnSync(process.execPath, [sieveBin, 'scan', '--targets', config, '--home', home, '--rules', join(dir, 'no-rules'), '--json'], { encoding: 'utf8' });
    const sieveSeconds = (performance.now() - started) / 1000;
    const runDir = scan.stderr.split('\n').filter((line) => line.includes('"scan finished"')).map((line) => (JSON.parse(line) as { runDir: string }).runDir)[0];
    if (!runDir) throw new Error(`sieve scan failed: ${scan.stderr.slice(-2000)}`);
    const findings = JSON.parse(execFileSync(process.execPath, [sieveBin, 'findings', '--home', home, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 30 })) as Array<{
      package?: { ecosystem: string; name: string; version: string };
      vulnerability?: { id: string; aliases?: string[] };
    }>;

    // osv-scanner: offline, on the same data, laid out as Sieve's osv-scanner source lays it out.
    const { osvScannerDatabase } = await import('../src/osv/osv-scanner.js');
    const database = osvScannerDatabase(join(home, 'osv'), join(home, 'cache', 'osv-scanner'));
    started = performance.now();
    const scanned = spawnSync(scanner, ['scan', 'source', '--offline', '--no-call-analysis=all', '--all-vulns', '--format', 'json', '--verbosity', 'error', ...repos.flatMap((repo) => ['-r', repo])], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      env: { ...process.env, OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY: database },
    });
    const scannerSeconds = (performance.now() - started) / 1000;
    const output = JSON.parse(scanned.stdout) as {
      results: Array<{ packages: Array<{ package: { name: string; version: string; ecosystem: string }; vulnerabilities?: Array<{ id: string; aliases?: string[] }> }> }>;
    };

    // Every record by id, to say why a result is on one side only.
    const byId = new Map<string, OsvRecordLite>();
    for (const ecosystem of ['npm', 'PyPI', 'Go', 'crates.io']) for (const record of records(ecosystem)) byId.set(record.id, record);
    const gitRangeMiss = (id: string, version: string) => {
      const record = byId.get(id);
      const affected = record?.affected ?? [];
      return affected.some((entry) => entry.ranges?.some((range) => range.type === 'GIT')) && !affected.some((entry) => entry.versions?.includes(version));
    };

    // osv-scanner: one result per (package, version, advisory).
    const fromScanner: Array<{ pkg: string; version: string; id: string }> = [];
    for (const result of output.results ?? []) {
      for (const entry of result.packages) {
        for (const vulnerability of entry.vulnerabilities ?? []) {
          fromScanner.push({ pkg: triple(entry.package.ecosystem, entry.package.name, '', ''), version: entry.package.version.replace(/^v/, ''), id: vulnerability.id });
        }
      }
    }
    // Sieve: one finding per (package, lockfile, alias group); the group covers each of its ids.
    const sieveIds = new Map<string, Set<string>>();
    const sieveVersions = new Map<string, Set<string>>();
    for (const finding of findings) {
      if (!finding.package || !finding.vulnerability) continue;
      const pkg = triple(finding.package.ecosystem, finding.package.name, '', '');
      const ids = sieveIds.get(pkg) ?? new Set<string>();
      sieveIds.set(pkg, ids);
      for (const id of [finding.vulnerability.id, ...(finding.vulnerability.aliases ?? [])]) ids.add(id);
      (sieveVersions.get(pkg) ?? sieveVersions.set(pkg, new Set()).get(pkg)!).add(finding.package.version.replace(/^v/, ''));
    }
    const scannerOnly = fromScanner.filter((entry) => !sieveIds.get(entry.pkg)?.has(entry.id));
    const scannerIds = new Map<string, Set<string>>();
    for (const entry of fromScanner) (scannerIds.get(entry.pkg) ?? scannerIds.set(entry.pkg, new Set()).get(entry.pkg)!).add(entry.id);
    const sieveOnly = findings.filter((finding) => {
      if (!finding.package || !finding.vulnerability) return false;
      const ids = scannerIds.get(triple(finding.package.ecosystem, finding.package.name, '', ''));
      return ![finding.vulnerability.id, ...(finding.vulnerability.aliases ?? [])].some((id) => ids?.has(id));
    });
    // A package at two versions in one lockfile, both affected by one advisory, is one Sieve finding.
    const secondVersions = fromScanner.filter((entry) => sieveIds.get(entry.pkg)?.has(entry.id) && !sieveVersions.get(entry.pkg)?.has(entry.version)).length;
    const stdlib = sieveOnly.filter((finding) => finding.package?.name === 'stdlib');
    const gitRange = sieveOnly.filter((finding) => finding.package?.name !== 'stdlib' && gitRangeMiss(finding.vulnerability?.id ?? '', finding.package?.version ?? ''));
    // osv-scanner's offline matcher does not find a record for a Go module path with capital letters.
    const goCapitals = sieveOnly.filter((finding) => finding.package?.ecosystem === 'Go' && finding.package.name !== 'stdlib' && /[A-Z]/.test(finding.package.name) && !gitRange.includes(finding));
    const unexplained = sieveOnly.filter((finding) => !stdlib.includes(finding) && !gitRange.includes(finding) && !goCapitals.includes(finding));

    const pct = (part: number, whole: number) => (whole === 0 ? '100.0' : ((100 * part) / whole).toFixed(1));
    console.log(`repositories: ${repos.map((repo) => repo.split('/').pop()).join(', ')}`);
    console.log(`osv-scanner results (package, version, advisory): ${fromScanner.length}; Sieve reports ${fromScanner.length - scannerOnly.length} (${pct(fromScanner.length - scannerOnly.length, fromScanner.length)}%)`);
    console.log(`  of these, ${secondVersions} are a second version of a package in the same lockfile: one Sieve finding per package, lockfile and advisory`);
    console.log(`Sieve findings (package, lockfile, alias group): ${findings.length}; osv-scanner reports ${findings.length - sieveOnly.length} (${pct(findings.length - sieveOnly.length, findings.length)}%)`);
    console.log(`Sieve only: ${sieveOnly.length}: ${stdlib.length} Go standard library (osv-scanner reads no stdlib from go.mod), ${gitRange.length} records with a GIT range whose versions list does not spell the version (osv-scanner compares only that list, as strings), ${goCapitals.length} Go modules whose path has capital letters (osv-scanner's offline matcher misses them), ${unexplained.length} unexplained`);
    for (const finding of unexplained.slice(0, 10)) console.log(`  unexplained: ${finding.package?.ecosystem} ${finding.package?.name}@${finding.package?.version} ${finding.vulnerability?.id}`);
    for (const entry of scannerOnly.slice(0, 10)) console.log(`  osv-scanner only: ${entry.pkg.trim()} ${entry.version} ${entry.id}`);
    console.log(`wall time: Sieve ${sieveSeconds.toFixed(2)} s (whole CLI: inventory, matching, store, outputs); osv-scanner ${scannerSeconds.toFixed(2)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
