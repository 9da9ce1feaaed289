import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/model/errors.js';
import type { StoredFinding } from '../../src/model/records.js';
import { buildVex, parseVex } from '../../src/policy/vex.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/git.js';

function finding(id: string, target: string, path = 'package-lock.json'): StoredFinding {
  return {
    id,
    target,
    kind: 'dependency',
    source: 'osv',
    severity: 'high',
    title: 't',
    location: { path },
    cwes: [],
    vulnerability: { id: 'GHSA-aaaa-bbbb-cccc', aliases: ['CVE-2026-1111'], fixedVersions: [] },
    package: { ecosystem: 'npm', name: 'lib', version: '1.0.0', purl: 'pkg:npm/lib@1.0.0', direct: true, scope: 'runtime' },
    state: 'open',
    firstSeen: '2026-11-01T00:00:00Z',
    lastSeen: '2026-11-01T00:00:00Z',
    lastTransition: 'new',
  };
}

describe('VEX', () => {
  it('exports decisions as CycloneDX VEX and reads them back with the same status', () => {
    const text = buildVex(
      [
        { finding: finding('f1', 'app'), triage: { status: 'false-positive', reason: 'never called', by: 'alice', at: '2026-11-02T00:00:00Z', justification: 'code_not_reachable' } },
        { finding: finding('f2', 'lib'), triage: { status: 'false-positive', reason: 'never called', by: 'alice', at: '2026-11-02T00:00:00Z', justification: 'code_not_reachable' } },
        { finding: { ...finding('f3', 'app'), vulnerability: { id: 'GHSA-2', aliases: [], fixedVersions: [] } }, triage: { status: 'wont-fix', reason: 'legacy', by: 'bob', at: '2026-11-02T00:00:00Z' } },
      ],
      { timestamp: new Date('2026-11-02T00:00:00Z'), toolVersion: '0.1.0' },
    );
    const document = JSON.parse(text) as { bomFormat: string; vulnerabilities: Array<{ id: string; analysis: { state: string; response?: string[] }; affects: unknown[] }> };
    expect(document.bomFormat).toBe('CycloneDX');
    expect(document.vulnerabilities.map((entry) => [entry.id, entry.analysis.state, entry.analysis.response ?? [], entry.affects.length])).toEqual([
      ['GHSA-2', 'exploitable', ['will_not_fix'], 1],
      ['GHSA-aaaa-bbbb-cccc', 'not_affected', [], 1],
    ]);
    expect(parseVex(text, 'x.json').map((statement) => [statement.vulnerabilityIds, statement.purl, statement.status, statement.justification ?? null])).toEqual([
      [['GHSA-2'], 'pkg:npm/lib@1.0.0', 'wont-fix', null],
      [['GHSA-aaaa-bbbb-cccc', 'CVE-2026-1111'], 'pkg:npm/lib@1.0.0', 'false-positive', 'code_not_reachable'],
    ]);
  });

  it('maps OpenVEX statuses and justifications', () => {
    const text = JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      statements: [
        { vulnerability: { name: 'CVE-1' }, products: [{ '@id': 'pkg:npm/a@1.0.0' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', impact_statement: 'not reached' },
        { vulnerability: 'CVE-2', products: ['pkg:pypi/b@2.0'], status: 'affected' },
        { vulnerability: 'CVE-3', products: ['pkg:npm/c@1'], status: 'bogus' },
      ],
    });
    expect(parseVex(text, 'o.json')).toEqual([
      { vulnerabilityIds: ['CVE-1'], purl: 'pkg:npm/a@1.0.0', status: 'false-positive', reason: 'not reached', justification: 'code_not_reachable' },
      { vulnerabilityIds: ['CVE-2'], purl: 'pkg:pypi/b@2.0', status: 'open', reason: 'OpenVEX: affected' },
    ]);
  });

  it('refuses what is not VEX with the file named', () => {
    expect(() => parseVex('{"hello":1}', 'x.json')).toThrow(ParseError);
    expect(() => parseVex('nope', 'x.json')).toThrow('x.json: not valid JSON');
  });
});

describe('fleet triage in the store', () => {
  it('covers a vulnerability (any alias) in a package across targets; narrowed and per-finding decisions win', () => {
    const store = Store.open(join(tempDir('sieve-fleet-'), 'sieve.db'));
    try {
      const at = '2026-11-02T00:00:00Z';
      store.fleetTriage({ vulnerabilityIds: ['cve-2026-1111'], ecosystem: 'npm', name: 'lib', status: 'accepted-risk', reason: 'fleet', by: 'a', at });
      store.fleetTriage({ vulnerabilityIds: ['CVE-2026-1111'], ecosystem: 'npm', name: 'lib', target: 'lib', status: 'wont-fix', reason: 'lib only', by: 'b', at });
      store.fleetTriage({ vulnerabilityIds: ['GHSA-aaaa-bbbb-cccc'], ecosystem: 'npm', name: 'lib', path: 'docs/**', status: 'false-positive', reason: 'docs', by: 'c', at });
      const decisions = store.effectiveTriage([finding('f1', 'app'), finding('f2', 'lib'), finding('f3', 'app', 'docs/package-lock.json'), { ...finding('f4', 'app'), package: { ...finding('f4', 'app').package!, name: 'other' } }]);
      expect(Object.fromEntries([...decisions].map(([id, decision]) => [id, `${decision.status} ${decision.reason} ${decision.scope}`]))).toEqual({
        f1: 'accepted-risk fleet fleet',
        f2: 'wont-fix lib only fleet',
        f3: 'false-positive docs fleet',
      });
      // Deciding again on an overlapping id replaces the decision rather than adding one.
      store.fleetTriage({ vulnerabilityIds: ['GHSA-aaaa-bbbb-cccc', 'CVE-2026-1111'], ecosystem: 'npm', name: 'lib', status: 'open', reason: 'reopened', by: 'd', at });
      expect(store.fleetDecisions()).toHaveLength(3);
      expect(store.effectiveTriage([finding('f1', 'app')]).get('f1')?.status).toBe('open');
      expect(store.triageHistory().map((entry) => `${entry.scope} ${entry.status} ${entry.by}`)).toEqual(['fleet accepted-risk a', 'fleet wont-fix b', 'fleet false-positive c', 'fleet open d']);
    } finally {
      store.close();
    }
  });
});
