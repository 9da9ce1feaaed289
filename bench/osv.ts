import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { purlFor } from '../src/model/purl.js';
import type { Ecosystem, Package } from '../src/model/types.js';
import { importOsv, loadOsvIndex } from '../src/osv/db.js';
import { matchPackages } from '../src/osv/match.js';
import type { OsvIndex } from '../src/osv/types.js';

/**
 * OSV matching of 10,000 packages (goal: under 500 ms on the 2-core machine), in two cases:
 * - realistic: a lockfile where about 2% of the packages are vulnerable: names from real
 *   advisories (some at an affected version, more at a version past the fix) among synthetic
 *   clean names, with name@version pairs repeated as workspaces repeat them;
 * - worst: every package named after an advisory, at a version read from its events.
 * Each is matched "cold" (the first match after the index was loaded for the first time, so the
 * records the packages' names select are parsed and prepared during the match), "warm" (the same
 * again), and
 * "next target" (loading the index again and matching, as a scan does for its next target).
 * Each case reads its own copy of the index files, so the first case does not warm the second;
 * what the whole process keeps (compiled code, parsed version strings, CVSS scores per vector)
 * is warm for the second case.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ECOSYSTEMS: Ecosystem[] = ['npm', 'PyPI', 'Go', 'crates.io'];
const COUNT = 10_000;

interface Candidate {
  ecosystem: Ecosystem;
  name: string;
  /** A version inside an affected range (or listed), when one could be read. */
  affected?: string;
  /** The last fixed version of the name's ranges: usually unaffected. */
  fixed?: string;
  /** The first event version, as the original worst case took it. */
  any: string;
}

function candidatesFrom(index: OsvIndex): Candidate[] {
  const candidates: Candidate[] = [];
  for (const ecosystem of ECOSYSTEMS) {
    for (const name of index.names(ecosystem)) {
      const events = index
        .records(ecosystem, name)
        .flatMap((record) => record.affected ?? [])
        .flatMap((affected) => affected.ranges ?? [])
        .flatMap((range) => range.events);
      const listed = index
        .records(ecosystem, name)
        .flatMap((record) => record.affected ?? [])
        .flatMap((affected) => affected.versions ?? [])[0];
      const introduced = events.map((event) => event.introduced).find((v) => v && v !== '0');
      const fixed = events.map((event) => event.fixed).filter((v): v is string => !!v);
      candidates.push({
        ecosystem,
        name,
        affected: listed ?? introduced,
        fixed: fixed.at(-1),
        any: events.map((event) => event.fixed ?? event.introduced).find((v) => v && v !== '0') ?? '1.0.0',
      });
    }
  }
  return candidates;
}

function makePackage(ecosystem: Ecosystem, name: string, written: string, line: number): Package {
  const version = ecosystem === 'Go' && /^\d/.test(written) ? `v${written}` : written;
  return {
    ecosystem,
    name,
    version,
    purl: purlFor(ecosystem, name, version),
    direct: line % 3 === 0,
    scope: line % 4 === 0 ? 'dev' : 'runtime',
    location: { path: 'lockfile', line },
  };
}

/** Every package named after an advisory, cycling through all names (the original bench). */
function worstCase(candidates: Candidate[]): Package[] {
  const packages: Package[] = [];
  for (let i = 0; packages.length < COUNT; i++) {
    const candidate = candidates[i % candidates.length]!;
    packages.push(makePackage(candidate.ecosystem, candidate.name, candidate.any, i + 1));
  }
  return packages;
}

/** A deterministic generator, so that every run measures the same lockfile. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const CLEAN_NAME: Record<string, (i: number) => string> = {
  npm: (i) => (i % 5 === 0 ? `@acme/clean-${i}` : `clean-package-${i}`),
  PyPI: (i) => `clean_python_${i}`,
  Go: (i) => `example.com/clean/module${i}`,
  'crates.io': (i) => `clean-crate-${i}`,
};

/**
 * Of the packages that are not repeats: advisory names at an affected version, and advisory names
 * at their last fixed version (some of which other advisories still affect). Tuned so that about
 * 2% of all packages come out vulnerable.
 */
const AFFECTED_SHARE = 0.012;
const FIXED_SHARE = 0.05;

/**
 * 10,000 packages shaped like a monorepo's lockfiles: npm 60%, PyPI 20%, Go 15%, crates.io 5%;
 * about a third of them repeat a name@version seen before; a few per cent are advisory names;
 * the rest are clean names.
 */
function realisticCase(candidates: Candidate[]): Package[] {
  const next = random(42);
  const byEcosystem = new Map<Ecosystem, Candidate[]>();
  for (const candidate of candidates) {
    const list = byEcosystem.get(candidate.ecosystem) ?? [];
    list.push(candidate);
    byEcosystem.set(candidate.ecosystem, list);
  }
  const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)]!;
  const ecosystemAt = (): Ecosystem => {
    const roll = next();
    return roll < 0.6 ? 'npm' : roll < 0.8 ? 'PyPI' : roll < 0.95 ? 'Go' : 'crates.io';
  };
  const packages: Package[] = [];
  for (let line = 1; packages.length < COUNT; line++) {
    const roll = next();
    if (packages.length > 0 && roll < 0.33) {
      const again = pick(packages);
      packages.push({ ...again, direct: line % 3 === 0, location: { path: 'lockfile', line } });
      continue;
    }
    const ecosystem = ecosystemAt();
    const known = byEcosystem.get(ecosystem) ?? [];
    const kind = next();
    if (kind < AFFECTED_SHARE) {
      const candidate = pick(known.filter((c) => c.affected !== undefined));
      packages.push(makePackage(ecosystem, candidate.name, candidate.affected!, line));
    } else if (kind < AFFECTED_SHARE + FIXED_SHARE) {
      const candidate = pick(known.filter((c) => c.fixed !== undefined));
      packages.push(makePackage(ecosystem, candidate.name, candidate.fixed!, line));
    } else {
      const id = Math.floor(next() * 50_000);
      const version = `${id % 7}.${id % 13}.${id % 5}`;
      packages.push(makePackage(ecosystem, CLEAN_NAME[ecosystem]!(id), version, line));
    }
  }
  return packages;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const peakRss = (): string => `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`;

/** Wall time and the process's CPU time (all threads, garbage collector included): the machine is shared. */
function timed<T>(work: () => T): [T, string] {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = work();
  const wall = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return [result, `${wall.toFixed(0)} ms (CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms)`];
}

function measure(label: string, packages: Package[], osvDir: string): void {
  const rssBefore = process.memoryUsage().rss;
  const loadStarted = performance.now();
  const index = loadOsvIndex(osvDir, ECOSYSTEMS);
  const loadMs = performance.now() - loadStarted;
  const [result, cold] = timed(() => matchPackages(packages, index));
  const [, warm] = timed(() => matchPackages(packages, index));
  const [, next] = timed(() => matchPackages(packages, loadOsvIndex(osvDir, ECOSYSTEMS)));
  const vulnerable = new Set(result.findings.map((finding) => finding.location.startLine)).size;
  const pairs = new Set(packages.map((pkg) => `${pkg.ecosystem} ${pkg.name}@${pkg.version}`)).size;
  console.log(
    `osv match ${label}: ${packages.length} packages (${pairs} distinct name@version, ` +
      `${vulnerable} vulnerable = ${((vulnerable / packages.length) * 100).toFixed(1)}%) → ` +
      `${result.findings.length} findings, ${result.problems.length} problems`,
  );
  console.log(
    `  load ${loadMs.toFixed(0)} ms; match cold ${cold}, warm ${warm}, next target (load + match) ${next}; ` +
      `RSS ${mb(rssBefore)} → ${mb(process.memoryUsage().rss)}, heap used ${mb(process.memoryUsage().heapUsed)}, peak RSS so far ${peakRss()}`,
  );
}

export async function bench(): Promise<void> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'sieve-bench-osv-'));
  try {
    const osvDir = path.join(home, 'osv');
    const started = performance.now();
    const report = await importOsv(osvDir, [path.resolve(repoRoot, '../shared/osv-db')]);
    const importMs = performance.now() - started;
    const records = Object.values(report).reduce((sum, r) => sum + r.records, 0);
    const perEcosystem = Object.entries(report)
      .map(([eco, r]) => `${eco} ${r.records}`)
      .join(', ');
    console.log(`osv import: ${records} records (${perEcosystem}) in ${importMs.toFixed(0)} ms, peak RSS ${peakRss()}`);

    // Packages are drawn from the index in osvDir; each case matches against its own copy.
    const candidates = candidatesFrom(loadOsvIndex(osvDir, ECOSYSTEMS));
    const realisticDir = path.join(home, 'osv-realistic');
    const worstDir = path.join(home, 'osv-worst');
    cpSync(osvDir, realisticDir, { recursive: true });
    cpSync(osvDir, worstDir, { recursive: true });
    measure('realistic (first in process)', realisticCase(candidates), realisticDir);
    measure('worst', worstCase(candidates), worstDir);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
