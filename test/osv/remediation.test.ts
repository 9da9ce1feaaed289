import { strFromU8, unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { remediationText } from '../../src/model/remediation.js';
import { findingsForMatch, matchPackage } from '../../src/osv/match.js';
import { planRemediation, type RemediationInput } from '../../src/osv/remediation.js';
import type { OsvRecord } from '../../src/osv/types.js';
import { schemeFor } from '../../src/versioning/registry.js';
import { pkg, sharedOsvDb } from './helpers.js';

/** The real records of one package from the shared OSV data (osv.dev's all.zip layout). */
function recordsOf(ecosystem: string, name: string): OsvRecord[] {
  const files = unzipSync(readFileSync(join(sharedOsvDb, ecosystem, 'all.zip')));
  return Object.values(files)
    .map((bytes) => JSON.parse(strFromU8(bytes)) as OsvRecord)
    .filter((record) => (record.affected ?? []).some((affected) => affected.package?.name.toLowerCase() === name));
}

/** Findings as a scan stores them: the matcher's own output for one package version in one target. */
function findings(records: OsvRecord[], ecosystem: string, name: string, version: string, target: string): RemediationInput[] {
  return findingsForMatch(matchPackage(pkg(ecosystem, name, version), records)).map((finding) => ({ ...finding, target }));
}

describe('remediation plan (real OSV records)', () => {
  const crypto = recordsOf('Go', 'golang.org/x/crypto');

  it('golang.org/x/crypto: one upgrade across the fleet, and the advisory with no fix said apart', () => {
    const fleet = [
      ...findings(crypto, 'Go', 'golang.org/x/crypto', 'v0.40.0', 'hub'),
      ...findings(crypto, 'Go', 'golang.org/x/crypto', 'v0.44.0', 'lab'),
      ...findings(crypto, 'Go', 'golang.org/x/crypto', 'v0.51.0', 'proxy'),
    ];
    const [step] = planRemediation(fleet);
    expect(step).toMatchObject({ ecosystem: 'Go', name: 'golang.org/x/crypto', version: 'v0.52.0', targets: ['hub', 'lab', 'proxy'], unfixed: ['GO-2026-5932'] });
    // The upgrade leaves every advisory that has a fix: the matcher finds only the unfixed one at it.
    const left = findingsForMatch(matchPackage(pkg('Go', 'golang.org/x/crypto', 'v0.52.0'), crypto)).map((finding) => finding.vulnerability?.id);
    expect(left).toEqual(['GO-2026-5932']);
    expect(step!.closes).toBe(fleet.length - step!.unfixedFindings);
    expect(remediationText(step!)).toBe(
      `upgrade golang.org/x/crypto to v0.52.0 (closes ${step!.closes} findings in 3 repositories); no fixed version of golang.org/x/crypto yet for GO-2026-5932 (3 findings in 3 repositories stay open)`,
    );
  });

  it('per target: the smallest version above the one in use', () => {
    const [step] = planRemediation(findings(crypto, 'Go', 'golang.org/x/crypto', 'v0.30.0', 'hub'));
    expect(step?.version).toBe('v0.52.0');
    const old = planRemediation(findings(crypto, 'Go', 'golang.org/x/crypto', 'v0.44.0', 'hub').filter((finding) => finding.vulnerability?.id === 'GO-2025-4134'));
    expect(remediationText(old[0]!, 'target')).toBe('upgrade golang.org/x/crypto to v0.45.0 (closes 1 finding)');
  });

  it('PyPI django: the version chosen is affected by none of the advisories that have a fix, and no smaller fix is', () => {
    const django = recordsOf('PyPI', 'django');
    const inUse = findings(django, 'PyPI', 'django', '3.2.0', 'site');
    expect(inUse.length).toBeGreaterThan(5);
    const [step] = planRemediation(inUse);
    expect(step?.version).toBeDefined();
    const fixable = new Set(step!.advisories);
    const still = (version: string) =>
      findingsForMatch(matchPackage(pkg('PyPI', 'django', version), django))
        .map((finding) => finding.vulnerability!.id)
        .filter((id) => fixable.has(id));
    expect(still(step!.version!)).toEqual([]);
    // Every fixed version between the one in use and the answer is still affected by one of them.
    const pep440 = schemeFor('PyPI')!;
    const between = [...new Set(inUse.flatMap((finding) => finding.vulnerability!.fixedVersions))].filter(
      (version) => pep440.compare(version, '3.2.0') > 0 && pep440.compare(version, step!.version!) < 0,
    );
    expect(between.length).toBeGreaterThan(0);
    for (const version of between) expect(still(version), version).not.toEqual([]);
  });

  it('says so when no version has a fix', () => {
    const only = findings(crypto, 'Go', 'golang.org/x/crypto', 'v0.52.0', 'hub');
    const [step] = planRemediation(only);
    expect(step?.version).toBeUndefined();
    expect(remediationText(step!)).toBe('no fixed version of golang.org/x/crypto yet for GO-2026-5932 (1 finding in 1 repository stay open)');
  });

  it('orders steps known exploited first, then severity', () => {
    const base = { target: 't', package: { ecosystem: 'npm', name: 'a', version: '1.0.0' }, vulnerability: { id: 'A', fixedVersions: ['2.0.0'], affectedRanges: ['SEMVER: introduced 0, fixed 2.0.0'] } };
    const steps = planRemediation([
      { ...base, severity: 'critical' },
      { ...base, severity: 'low', knownExploited: { cve: 'CVE-1' }, package: { ...base.package, name: 'b' } },
      { ...base, severity: 'high', package: { ...base.package, name: 'c' } },
    ]);
    expect(steps.map((step) => step.name)).toEqual(['b', 'a', 'c']);
  });
});
