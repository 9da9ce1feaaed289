import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { purlFor } from '../src/model/purl.js';
import type { Ecosystem, Package } from '../src/model/types.js';
import { importOsv, loadOsvIndex } from '../src/osv/db.js';
import { matchPackages } from '../src/osv/match.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ECOSYSTEMS: Ecosystem[] = ['npm', 'PyPI', 'Go', 'crates.io'];

/** `count` packages named after real advisories, with versions taken from their events. */
function packagesFrom(osvDir: string, count: number): Package[] {
  const index = loadOsvIndex(osvDir, ECOSYSTEMS);
  const candidates: Array<{ ecosystem: Ecosystem; name: string; version: string }> = [];
  for (const ecosystem of ECOSYSTEMS) {
    for (const name of index.names(ecosystem)) {
      const events = index
        .records(ecosystem, name)
        .flatMap((record) => record.affected ?? [])
        .flatMap((affected) => affected.ranges ?? [])
        .flatMap((range) => range.events);
      const version = events.map((event) => event.fixed ?? event.introduced).find((v) => v && v !== '0') ?? '1.0.0';
      candidates.push({ ecosystem, name, version });
    }
  }
  const packages: Package[] = [];
  for (let i = 0; packages.length < count; i++) {
    const candidate = candidates[i % candidates.length]!;
    const version = candidate.ecosystem === 'Go' && /^\d/.test(candidate.version) ? `v${candidate.version}` : candidate.version;
    packages.push({
      ecosystem: candidate.ecosystem,
      name: candidate.name,
      version,
      purl: purlFor(candidate.ecosystem, candidate.name, version),
      direct: i % 3 === 0,
      scope: 'runtime',
      location: { path: 'lockfile', line: i + 1 },
    });
  }
  return packages;
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
    console.log(
      `osv import: ${records} records (${perEcosystem}) in ${importMs.toFixed(0)} ms, ` +
        `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    );

    const packages = packagesFrom(osvDir, 10_000);
    const loadStarted = performance.now();
    const index = loadOsvIndex(osvDir, ECOSYSTEMS);
    console.log(`osv load: ${index.ecosystems.length} ecosystems in ${(performance.now() - loadStarted).toFixed(0)} ms`);
    const matchStarted = performance.now();
    const result = matchPackages(packages, index);
    const matchMs = performance.now() - matchStarted;
    console.log(
      `osv match: ${packages.length} packages in ${matchMs.toFixed(0)} ms (fresh index) → ` +
        `${result.findings.length} findings, ${result.problems.length} problems`,
    );
    const warmStarted = performance.now();
    matchPackages(packages, index);
    console.log(`osv match: ${packages.length} packages in ${(performance.now() - warmStarted).toFixed(0)} ms (warm)`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
