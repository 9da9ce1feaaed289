import { describe, expect, it } from 'vitest';
import { findingsForMatch, matchPackage, matchPackages } from '../../src/osv/match.js';
import type { OsvIndex, OsvRecord } from '../../src/osv/types.js';
import { fixtureRecords, pkg } from './helpers.js';

const records = fixtureRecords();
const byName = (name: string): OsvRecord[] =>
  records.filter((record) => record.affected?.some((affected) => affected.package?.name === name));
const matchedIds = (ecosystem: string, name: string, version: string): string[] =>
  matchPackage(pkg(ecosystem, name, version), byName(name)).matches.map((match) => match.record.id);

describe('matchPackage: OSV range semantics', () => {
  it.each([
    ['0.9.9', false],
    ['1.0.0', true],
    ['1.2.2', true],
    ['1.2.3', false],
    ['1.3.0', false],
  ])('introduced 1.0.0 / fixed 1.2.3 (events out of order): %s → %s', (version, affected) => {
    expect(matchedIds('npm', 'fixed-pkg', version)).toEqual(affected ? ['TEST-FIXED'] : []);
  });

  it.each([
    ['0.0.1', true],
    ['2.0.0', true],
    ['2.0.1-beta', false],
    ['2.0.1', false],
  ])('introduced 0 / last_affected 2.0.0 is inclusive: %s → %s', (version, affected) => {
    expect(matchedIds('npm', 'last-pkg', version)).toEqual(affected ? ['TEST-LAST'] : []);
  });

  it.each([
    ['1.4.9', true],
    ['1.5.0', false],
    ['1.9.9', false],
    ['2.0.0', true],
    ['2.4.9', true],
    ['2.5.0', false],
    ['9.0.0', false],
  ])('limit caps a reopened range: %s → %s', (version, affected) => {
    expect(matchedIds('npm', 'limit-pkg', version)).toEqual(affected ? ['TEST-LIMIT'] : []);
  });

  it.each([
    ['1.0.4', 1],
    ['1.0.5', 0],
    ['1.1.0', 0],
    ['1.2.1', 1],
    ['1.2.2', 0],
    ['3.0.9', 1],
    ['5.0.0-rc.1', 1],
    ['5.0.1', 0],
  ])('several ranges and several affected entries: %s → %d entries', (version, count) => {
    const match = matchPackage(pkg('npm', 'multi-pkg', version), byName('multi-pkg'));
    expect(match.matches).toHaveLength(count);
    expect(match.problems).toEqual([]);
  });

  it('an entry for another ecosystem with the same name does not match', () => {
    const match = matchPackage(pkg('npm', 'multi-pkg', '7.0.0'), byName('multi-pkg'));
    expect(match.matches).toEqual([]);
  });

  it.each([
    ['0.9.0', true, true],
    ['0.9.1', false, false],
    ['1.0.0', true, true],
    ['1.0.5', true, false],
    ['1.1.0', false, false],
  ])('enumerated versions OR ranges: %s → affected %s (listed %s)', (version, affected, listed) => {
    const match = matchPackage(pkg('npm', 'listed-pkg', version), byName('listed-pkg'));
    expect(match.matches.map((m) => m.listed)).toEqual(affected ? [listed] : []);
  });

  it('withdrawn records never match', () => {
    expect(matchedIds('npm', 'withdrawn-pkg', '1.0.0')).toEqual([]);
  });

  it('GIT ranges are ignored for packages, without a problem', () => {
    const match = matchPackage(pkg('npm', 'git-pkg', '1.0.0'), byName('git-pkg'));
    expect(match.matches).toEqual([]);
    expect(match.problems).toEqual([]);
  });

  it('a version the scheme cannot parse is reported, not treated as unaffected', () => {
    const match = matchPackage(pkg('npm', 'fixed-pkg', 'not.a.version'), byName('fixed-pkg'));
    expect(match.matches).toEqual([]);
    expect(match.problems).toEqual([
      'npm fixed-pkg@not.a.version: cannot parse version "not.a.version" as npm; not checked against TEST-FIXED',
    ]);
  });

  it('an event version the ordering cannot read is reported with the record id', () => {
    const match = matchPackage(pkg('npm', 'bad-event-pkg', '1.0.0'), byName('bad-event-pkg'));
    expect(match.matches).toEqual([]);
    expect(match.problems).toHaveLength(1);
    expect(match.problems[0]).toMatch(/^npm bad-event-pkg@1\.0\.0: TEST-BADEVENT has a SEMVER range that cannot be evaluated/);
  });

  it('an ecosystem without a version scheme is reported; a listed version still matches', () => {
    const unknown = matchPackage(pkg('Bogus', 'noscheme-pkg', '1.0'), byName('noscheme-pkg'));
    expect(unknown.matches).toEqual([]);
    expect(unknown.problems).toEqual(['Bogus noscheme-pkg@1.0: no version scheme for Bogus; not checked against TEST-NOSCHEME']);
    const listed = matchPackage(pkg('Bogus', 'noscheme-pkg', '1.0-listed'), byName('noscheme-pkg'));
    expect(listed.matches.map((m) => m.record.id)).toEqual(['TEST-NOSCHEME']);
    expect(listed.problems).toEqual([]);
  });

  it('ecosystem suffixes match the base ecosystem; Go versions may carry a v prefix', () => {
    const record: OsvRecord = {
      id: 'GO-TEST-1',
      modified: '2024-01-01T00:00:00Z',
      affected: [
        {
          package: { ecosystem: 'Go', name: 'example.com/mod' },
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.4.0' }] }],
        },
      ],
    };
    expect(matchPackage(pkg('Go', 'example.com/mod', 'v1.3.9'), [record]).matches).toHaveLength(1);
    expect(matchPackage(pkg('Go', 'example.com/mod', 'v1.4.0'), [record]).matches).toHaveLength(0);
    const debian: OsvRecord = {
      id: 'DSA-TEST',
      modified: '2024-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, versions: ['3.0.11-1~deb12u1'] }],
    };
    expect(matchPackage(pkg('Debian', 'openssl', '3.0.11-1~deb12u1'), [debian]).matches).toHaveLength(1);
    const finding = findingsForMatch(matchPackage(pkg('Go', 'example.com/mod', 'v1.3.9'), [record]))[0];
    expect(finding?.vulnerability?.fixedVersions).toEqual(['v1.4.0']);
  });
});

describe('findings: alias groups', () => {
  it('records that alias each other through a chain become one finding under the smallest own id', () => {
    const match = matchPackage(pkg('npm', 'alias-pkg', '1.6.0', 42), byName('alias-pkg'));
    expect(match.matches.map((m) => m.record.id).sort()).toEqual(['GHSA-2222', 'GHSA-9999', 'NSWG-ECO-9', 'SNYK-1']);
    const findings = findingsForMatch(match);
    expect(findings.map((f) => f.vulnerability?.id)).toEqual(['GHSA-2222', 'GHSA-9999']);
    const [grouped, other] = findings;
    expect(grouped).toMatchObject({
      kind: 'dependency',
      source: 'osv',
      severity: 'critical',
      score: 9.8,
      title: 'GHSA-2222 in alias-pkg@1.6.0: Prototype pollution in alias-pkg',
      location: { path: 'package-lock.json', startLine: 42 },
      cwes: ['CWE-1321', 'CWE-79'],
    });
    expect(grouped?.vulnerability).toMatchObject({
      aliases: ['CVE-2024-0001', 'CVE-2024-0002', 'NSWG-ECO-9', 'SNYK-1'],
      fixedVersions: ['1.9.0', '2.0.0'],
      published: '2023-01-01T00:00:00Z',
      modified: '2024-03-01T00:00:00Z',
      references: ['https://example.invalid/ghsa-2222', 'https://example.invalid/nswg-9'],
    });
    expect(grouped?.vulnerability?.affectedRanges).toEqual([
      'ECOSYSTEM: introduced 0, fixed 1.9.0',
      'SEMVER: introduced 0, fixed 2.0.0',
      'SEMVER: introduced 1.0.0, last affected 1.8.0',
    ]);
    expect(other).toMatchObject({ severity: 'high', cwes: ['CWE-1333'] });
    expect(other?.vulnerability).toMatchObject({ aliases: ['CVE-2024-0009'], fixedVersions: ['1.7.0'] });
    expect(other?.score).toBeUndefined();
  });

  it('the group keeps its id when only some of its records match', () => {
    // 1.9.5: GHSA-2222 is fixed at 1.9.0, SNYK-1 stops at 1.8.0; only NSWG-ECO-9 matches.
    const findings = findingsForMatch(matchPackage(pkg('npm', 'alias-pkg', '1.9.5'), byName('alias-pkg')));
    expect(findings.map((f) => [f.vulnerability?.id, f.vulnerability?.aliases])).toEqual([['NSWG-ECO-9', ['GHSA-2222']]]);
    expect(findings[0]?.severity).toBe('medium');
    expect(findings[0]?.score).toBe(6.5);
  });
});

describe('matchPackages', () => {
  const index = (missing: string[] = []): OsvIndex => ({
    ecosystems: ['npm'],
    missing,
    damaged: [],
    problems: [],
    records: (ecosystem, name) => (ecosystem === 'npm' ? byName(name) : []),
    names: () => [],
    provenance: () => ({ source: 'offline', ecosystems: {} }),
  });

  // Missing data is no longer a per-target problem: the run warns once (see source.test.ts).
  it('turns matches into findings, skips ecosystems without data and reports unpinned packages', () => {
    const unpinned = { ...pkg('npm', 'fixed-pkg', ''), unpinned: true };
    const result = matchPackages(
      [pkg('npm', 'fixed-pkg', '1.1.0'), pkg('npm', 'fixed-pkg', '2.0.0'), unpinned, pkg('PyPI', 'django', '1.0'), pkg('PyPI', 'flask', '1.0')],
      index(['PyPI']),
    );
    expect(result.findings.map((f) => f.title)).toEqual([
      'TEST-FIXED in fixed-pkg@1.1.0: introduced 1.0.0, fixed 1.2.3 (events out of order)',
    ]);
    expect(result.findings[0]?.vulnerability?.fixedVersions).toEqual(['1.2.3']);
    expect(result.findings[0]?.severity).toBe('unknown');
    expect(result.problems).toEqual(['1 package without a pinned version not matched against OSV']);
  });

  it('never matches packages from a local path or git against registry advisories, and keeps their findings undecided', () => {
    const local = { ...pkg('npm', 'fixed-pkg', '1.1.0'), source: 'local' as const, sourceRef: 'packages/fixed-pkg' };
    const git = { ...pkg('npm', 'fixed-pkg', '1.1.0'), source: 'git' as const, sourceRef: 'https://example.org/a/b.git#abc' };
    const registry = { ...pkg('npm', 'fixed-pkg', '1.1.0'), source: 'registry' as const };
    const result = matchPackages([local, git, registry], index());
    expect(result.findings).toHaveLength(1);
    expect(result.undecided).toEqual([local, git]);
    expect(result.problems).toEqual([]);
  });

  it('marks a finding on a declared range and tells the smallest fixed version', () => {
    const ranged = { ...pkg('npm', 'fixed-pkg', '1.1.0'), declaredRange: '>=1.1.0' };
    const [finding] = matchPackages([ranged], index()).findings;
    expect(finding?.package?.declaredRange).toBe('>=1.1.0');
    expect(finding?.message).toBe('your declared minimum 1.1.0 (>=1.1.0) is affected; raise it to 1.2.3');
    // an exact pin of the same version reads as before
    const [pinned] = matchPackages([pkg('npm', 'fixed-pkg', '1.1.0')], index()).findings;
    expect(pinned?.package?.declaredRange).toBeUndefined();
    expect(pinned?.message).toBeUndefined();
  });
});

describe('RustSec informational notices', () => {
  const notice: OsvRecord = {
    id: 'RUSTSEC-2021-0139',
    modified: '2024-01-01T00:00:00Z',
    summary: 'ansi_term is Unmaintained',
    affected: [
      {
        package: { ecosystem: 'crates.io', name: 'ansi_term' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0.0.0-0' }] }],
        database_specific: { informational: 'unmaintained' },
      },
    ],
  };
  it('are their own low-severity kind of finding, named in the title', () => {
    const [finding] = findingsForMatch(matchPackage(pkg('crates.io', 'ansi_term', '0.12.1'), [notice]));
    expect(finding?.vulnerability?.informational).toBe('unmaintained');
    expect(finding?.severity).toBe('low');
    expect(finding?.title).toBe('[unmaintained] RUSTSEC-2021-0139 in ansi_term@0.12.1: ansi_term is Unmaintained');
  });
});

