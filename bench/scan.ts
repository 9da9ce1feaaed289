/**
 * The whole path for one large repository: a 10,000-package package-lock.json in a directory,
 * walked, parsed and matched against the offline OSV data of ../shared/osv-db.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inventoryDirectory } from '../src/inventory/walk.js';
import { importOsv, loadOsvIndex } from '../src/osv/db.js';
import { matchPackages } from '../src/osv/match.js';

const shared = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared');

function lockfile(count: number): string {
  const packages: Record<string, unknown> = { '': { name: 'big', version: '1.0.0', dependencies: {} } };
  const root = packages[''] as { dependencies: Record<string, string> };
  for (let i = 0; i < count; i++) {
    const name = i % 50 === 0 ? ['lodash', 'moment', 'semver', 'qs', 'marked'][i % 5]! + (i < 5 * 50 ? '' : `-${i}`) : `pkg-${i}`;
    const version = `${i % 7}.${i % 13}.${i % 5}`;
    const key = i < 1000 ? `node_modules/${name}` : `node_modules/pkg-${i % 1000}/node_modules/${name}`;
    packages[key] = { version, integrity: 'sha512-AAAA', dependencies: i + 1 < count ? { [`pkg-${i + 1}`]: '*' } : undefined };
    if (i < 1000) root.dependencies[name] = version;
  }
  return JSON.stringify({ name: 'big', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2);
}

export async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sieve-bench-scan-'));
  try {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    writeFileSync(join(repo, 'package-lock.json'), lockfile(10_000));
    const osvDir = join(dir, 'osv');
    await importOsv(osvDir, [join(shared, 'osv-db')]);

    for (let round = 1; round <= 3; round++) {
      const t0 = performance.now();
      const inventory = inventoryDirectory(repo);
      const t1 = performance.now();
      const index = loadOsvIndex(osvDir, ['npm']);
      const { findings } = matchPackages(inventory.packages, index);
      const t2 = performance.now();
      console.log(
        `round ${round}: inventory of a 10,000-package repository ${(t1 - t0).toFixed(0)} ms (${inventory.packages.length} packages), ` +
          `OSV load + match ${(t2 - t1).toFixed(0)} ms (${findings.length} findings)`,
      );
    }
    console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
