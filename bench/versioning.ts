import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { versionSchemes } from '../src/versioning/registry.js';

const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/versions');

/** Ecosystem whose scheme each fixture file exercises. */
const fixtureOf: Record<string, string> = {
  npm: 'npm',
  PyPI: 'pypi',
  Go: 'go',
  'crates.io': 'crates-io',
  RubyGems: 'rubygems',
  Maven: 'maven',
  NuGet: 'nuget',
  Packagist: 'packagist',
  Pub: 'pub',
  Hex: 'hex',
  Debian: 'debian',
  Alpine: 'alpine',
  'GitHub Actions': 'github-actions',
};

function versionsOf(fixture: string): string[] {
  const text = readFileSync(path.join(fixturesDir, `${fixture}.txt`), 'utf8');
  const versions = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const match = /^(\S+)\s+(?:<|>|==)\s+(\S+)$/.exec(line);
    if (match) {
      versions.add(match[1] as string);
      versions.add(match[2] as string);
    }
  }
  return [...versions];
}

/**
 * Compares every pair of each scheme's fixture versions repeatedly (as OSV matching does: the
 * same strings many times) and prints compares per second with the per-scheme memo warm.
 */
export async function bench(): Promise<void> {
  for (const [ecosystem, fixture] of Object.entries(fixtureOf)) {
    const scheme = versionSchemes.get(ecosystem);
    if (!scheme) continue;
    const versions = versionsOf(fixture);
    let count = 0;
    let checksum = 0;
    const pass = (): void => {
      for (const a of versions) {
        for (const b of versions) {
          checksum += scheme.compare(a, b);
          count++;
        }
      }
    };
    pass(); // warm-up: parses every version once and lets the JIT settle
    count = 0;
    const start = process.hrtime.bigint();
    // Repeat for at least 200 ms so that the figure is steady on a busy machine.
    while (Number(process.hrtime.bigint() - start) < 2e8) pass();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const perSecond = Math.round(count / seconds);
    // Cold: 20,000 distinct versions, each parsed once (every scheme reads plain `X.Y.Z`).
    const coldStart = process.hrtime.bigint();
    for (let i = 0; i < 20_000; i++) checksum += scheme.compare(`${i % 97}.${i % 89}.${i}`, '1.0.0');
    const coldMs = Number(process.hrtime.bigint() - coldStart) / 1e6;
    console.log(`versioning ${ecosystem}: 20000 first-time parses+compares in ${coldMs.toFixed(1)} ms`);
    console.log(`versioning ${ecosystem}: ${count} compares of ${versions.length} versions in ${(seconds * 1000).toFixed(1)} ms, ${perSecond.toLocaleString('en')} compares/s (checksum ${checksum})`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
