import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ecosystem, Finding, Package } from '../../src/model/types.js';
import { importOsv, loadOsvIndex } from '../../src/osv/db.js';
import { findingsForMatch, matchPackage, matchPackages } from '../../src/osv/match.js';
import type { OsvIndex, OsvRecord } from '../../src/osv/types.js';
import { fixtureRecords, pkg, sharedOsvDb } from './helpers.js';
import * as reference from './match-reference.js';

/**
 * The fast matcher must give exactly what the straightforward one gave (match-reference.ts), in
 * the same order and with the same JSON text, on the real advisory data: every package name the
 * data knows, at several versions read from its events, with repeated name@version pairs.
 */

const ECOSYSTEMS: Ecosystem[] = ['npm', 'PyPI', 'Go', 'crates.io'];

/** Up to four versions per name from its records' events, plus odd spellings that exercise problems. */
function samplePackages(index: OsvIndex): Package[] {
  const packages: Package[] = [];
  let line = 0;
  for (const ecosystem of ECOSYSTEMS) {
    for (const [n, name] of index.names(ecosystem).entries()) {
      const versions = new Set<string>();
      for (const record of index.records(ecosystem, name)) {
        for (const affected of record.affected ?? []) {
          for (const range of affected.ranges ?? []) {
            for (const event of range.events) {
              const version = event.introduced ?? event.fixed ?? event.last_affected;
              if (version && version !== '0') versions.add(version);
            }
          }
          if (affected.versions?.[0]) versions.add(affected.versions[0]);
        }
      }
      const picked = [...versions];
      const chosen = [picked[0], picked[Math.floor(picked.length / 2)], picked.at(-1)].filter((v): v is string => v !== undefined);
      if (n % 7 === 0) chosen.push('not a version');
      if (n % 11 === 0) chosen.push('0.0.1');
      for (const version of new Set(chosen)) {
        const written = ecosystem === 'Go' && n % 2 === 0 && /^\d/.test(version) ? `v${version}` : version;
        packages.push(pkg(ecosystem, name, written, ++line));
        // The same name@version again, elsewhere in the lockfile and as a dev dependency.
        if (n % 5 === 0) packages.push({ ...pkg(ecosystem, name, written, ++line), direct: false, scope: 'dev' });
      }
    }
  }
  packages.push(pkg('Maven', 'org.example:missing', '1.0', ++line));
  packages.push({ ...pkg('npm', 'left-pad', '', line + 1), unpinned: true });
  return packages;
}

const asText = (findings: Finding[]): string[] => findings.map((finding) => JSON.stringify(finding));

describe('matchPackages gives what the reference matcher gives', () => {
  let home: string;
  let index: OsvIndex;
  let packages: Package[];

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'sieve-osv-equivalence-'));
    await importOsv(path.join(home, 'osv'), [sharedOsvDb]);
    index = loadOsvIndex(path.join(home, 'osv'), [...ECOSYSTEMS, 'Maven']);
    packages = samplePackages(index);
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('on every advisory name of the shared data, findings and problems are identical', () => {
    const expected = reference.matchPackages(packages, index);
    const actual = matchPackages(packages, index);
    expect(packages.length).toBeGreaterThan(8_000);
    expect(expected.findings.length).toBeGreaterThan(5_000);
    expect(actual.problems).toEqual(expected.problems);
    expect(actual.findings.length).toBe(expected.findings.length);
    expect(asText(actual.findings)).toEqual(asText(expected.findings));
    // A second run (every cache warm) gives the same again.
    expect(asText(matchPackages(packages, index).findings)).toEqual(asText(expected.findings));
  });

  it('findings of repeated name@version pairs do not share mutable objects', () => {
    const twice = [pkg('PyPI', 'django', '1.2', 1), pkg('PyPI', 'django', '1.2', 2)];
    const { findings } = matchPackages(twice, index);
    expect(findings.length).toBeGreaterThan(2);
    const [first, second] = [findings[0]!, findings[findings.length / 2]!];
    expect(second.location.startLine).toBe(2);
    expect(second).not.toBe(first);
    expect(second.vulnerability).not.toBe(first.vulnerability);
    expect(second.package).not.toBe(first.package);
    expect(second.vulnerability).toEqual(first.vulnerability);
  });

  it('matchPackage and findingsForMatch agree with the reference on the fixture records', () => {
    const records = fixtureRecords();
    const byName = (name: string): OsvRecord[] => records.filter((record) => record.affected?.some((a) => a.package?.name === name));
    const cases: Array<[string, string, string]> = [];
    for (const name of ['fixed-pkg', 'last-pkg', 'limit-pkg', 'multi-pkg', 'listed-pkg', 'alias-pkg', 'bad-event-pkg', 'git-pkg']) {
      for (const version of ['0.0.1', '0.9.0', '1.0.0', '1.0.5', '1.2.2', '1.6.0', '1.9.5', '2.0.0', '2.4.9', '5.0.0-rc.1', 'not.a.version']) {
        cases.push(['npm', name, version]);
      }
    }
    cases.push(['Bogus', 'noscheme-pkg', '1.0'], ['Bogus', 'noscheme-pkg', '1.0-listed']);
    for (const [ecosystem, name, version] of cases) {
      const input = pkg(ecosystem, name, version, 7);
      const actual = matchPackage(input, byName(name));
      const expected = reference.matchPackage(input, byName(name));
      expect(actual.problems).toEqual(expected.problems);
      expect(actual.matches.map((m) => [m.record.id, m.listed, m.ranges])).toEqual(expected.matches.map((m) => [m.record.id, m.listed, m.ranges]));
      expect(asText(findingsForMatch(actual))).toEqual(asText(reference.findingsForMatch(expected)));
    }
  });
});
