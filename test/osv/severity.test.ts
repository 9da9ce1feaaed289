import { describe, expect, it } from 'vitest';
import { cvssBaseScore, groupSeverity, informationalKind, recordCwes, recordSeverity, severityFromScore } from '../../src/osv/severity.js';
import type { OsvRecord } from '../../src/osv/types.js';

const record = (extra: Partial<OsvRecord>): OsvRecord => ({ id: 'X-1', modified: '2024-01-01T00:00:00Z', ...extra });

describe('CVSS base scores (published scores of known vectors)', () => {
  it.each([
    // CVE-2021-44228 (Log4Shell), NVD v3.1: 10.0
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10],
    // CVE-2014-0160 (Heartbleed), NVD v2: 5.0
    ['AV:N/AC:L/Au:N/C:P/I:N/A:N', 5],
    // NVD v3.0 example used by npm advisories: 6.5
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N', 6.5],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    // FIRST CVSS v4.0 calculator: 9.3
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3],
  ])('%s → %d', (vector, score) => {
    expect(cvssBaseScore(vector)).toBe(score);
  });

  it('an unreadable vector has no score', () => {
    expect(cvssBaseScore('garbage')).toBeUndefined();
  });

  it.each([
    [10, 'critical'],
    [9, 'critical'],
    [8.9, 'high'],
    [7, 'high'],
    [6.9, 'medium'],
    [4, 'medium'],
    [3.9, 'low'],
    [0.1, 'low'],
    [0, 'unknown'],
  ] as const)('score %d → %s', (score, severity) => {
    expect(severityFromScore(score)).toBe(severity);
  });
});

describe('record severity', () => {
  it('uses the CVSS vectors first and the GHSA word only without one', () => {
    // The order is the contract (issue 14): a scored vector wins over GitHub's word.
    expect(recordSeverity(record({ severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:N/A:N' }], database_specific: { severity: 'HIGH' } }))).toEqual({
      severity: 'medium',
      score: 5,
    });
    expect(recordSeverity(record({ severity: [{ type: 'CVSS_V3', score: 'not a vector' }], database_specific: { severity: 'CRITICAL' } }))).toEqual({
      severity: 'critical',
    });
    expect(recordSeverity(record({ database_specific: { severity: 'MODERATE' } }))).toEqual({ severity: 'medium' });
    expect(recordSeverity(record({}))).toEqual({ severity: 'unknown' });
  });

  it("reads RustSec's affected[].database_specific.cvss", () => {
    const rustsec = record({
      affected: [{ package: { ecosystem: 'crates.io', name: 'smallvec' }, database_specific: { cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' } }],
    });
    expect(recordSeverity(rustsec)).toEqual({ severity: 'critical', score: 9.8 });
  });

  it('a group takes its highest member', () => {
    const low = record({ id: 'A', database_specific: { severity: 'LOW' } });
    const medium = record({ id: 'B', severity: [{ type: 'CVSS_V3', score: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N' }] });
    expect(groupSeverity([low, medium])).toEqual({ severity: 'medium', score: 6.5 });
  });

  it('reads RustSec informational notices as low unless a vector says more, and names them', () => {
    const notice = record({
      affected: [{ package: { ecosystem: 'crates.io', name: 'ansi_term' }, database_specific: { informational: 'unmaintained' } }],
    });
    expect(recordSeverity(notice)).toEqual({ severity: 'low' });
    expect(informationalKind(notice)).toBe('unmaintained');
    expect(informationalKind(record({ affected: [{ package: { ecosystem: 'crates.io', name: 'x' }, database_specific: { informational: null } }] }))).toBeUndefined();
    expect(informationalKind(record({}))).toBeUndefined();
  });

  it('normalises CWE ids', () => {
    expect(recordCwes(record({ database_specific: { cwe_ids: ['CWE-79', '89', 'cwe-022', 'nonsense'] } }))).toEqual(['CWE-79', 'CWE-89', 'CWE-22']);
  });
});
