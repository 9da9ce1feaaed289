import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { valid as pep440Valid } from '@renovatebot/pep440';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { schemeFor } from '../../src/versioning/registry.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const osvDb = path.resolve(repoRoot, '../shared/osv-db');

interface Event {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

interface Summary {
  /** Range event versions the scheme cannot read. */
  invalid: string[];
  /** (introduced, fixed/last_affected) pairs compared. */
  pairs: number;
  /** Pairs whose end sorts strictly before their start. */
  reversed: string[];
}

/** Walks every ECOSYSTEM/SEMVER range of the shared OSV database for one ecosystem. */
function summarise(ecosystem: string): Summary {
  const files = unzipSync(readFileSync(path.join(osvDb, ecosystem, 'all.zip')));
  const summary: Summary = { invalid: [], pairs: 0, reversed: [] };
  for (const [name, data] of Object.entries(files)) {
    if (!name.endsWith('.json')) continue;
    const record = JSON.parse(strFromU8(data)) as {
      affected?: { package: { ecosystem: string }; ranges?: { type: string; events: Event[] }[] }[];
    };
    for (const affected of record.affected ?? []) {
      const scheme = schemeFor(affected.package.ecosystem);
      expect(scheme, affected.package.ecosystem).toBeDefined();
      if (!scheme) continue;
      for (const range of affected.ranges ?? []) {
        if (range.type === 'GIT') continue;
        let start: string | undefined;
        for (const event of range.events) {
          for (const version of Object.values(event)) {
            if (version !== '0' && !scheme.isValid(version)) summary.invalid.push(version);
          }
          if (event.introduced !== undefined) start = event.introduced;
          const end = event.fixed ?? event.last_affected;
          if (end === undefined || start === undefined || start === '0') continue;
          if (!scheme.isValid(start) || !scheme.isValid(end)) continue;
          summary.pairs++;
          if (scheme.compare(start, end) > 0) summary.reversed.push(`${name}: ${start} > ${end}`);
        }
      }
    }
  }
  return summary;
}

describe('the shared OSV database reads in every scheme', () => {
  it.each(['Go', 'crates.io', 'npm'])('%s: every range version is valid and no range runs backwards', (ecosystem) => {
    const summary = summarise(ecosystem);
    expect(summary.invalid).toEqual([]);
    expect(summary.pairs).toBeGreaterThan(50);
    expect(summary.reversed).toEqual([]);
  });

  it('PyPI: the only unreadable range versions are the ones PEP 440 itself rejects', () => {
    const summary = summarise('PyPI');
    expect(summary.pairs).toBeGreaterThan(1000);
    expect(summary.reversed).toEqual([]);
    expect(summary.invalid.length).toBeLessThan(10);
    for (const version of summary.invalid) expect(pep440Valid(version), version).toBeNull();
  });
});
