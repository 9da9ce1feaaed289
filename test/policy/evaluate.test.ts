import { describe, expect, it } from 'vitest';
import type { StoredFinding } from '../../src/model/records.js';
import { PolicyEngine } from '../../src/policy/evaluate.js';
import { compileRule, validateRulesDocument, type RawRule } from '../../src/policy/rules.js';

function engine(rules: RawRule[], targetRules: Array<{ key: string; rule: RawRule }> = []): PolicyEngine {
  const compiled = rules.map((rule, index) => compileRule(rule, { file: 'rules/test.yaml', path: `rules[${index}]` }, index));
  targetRules.forEach(({ key, rule }, index) => compiled.push(compileRule(rule, { file: 'scan-targets.json', path: `targets[0].rules[${index}]` }, compiled.length, key)));
  return new PolicyEngine(compiled, () => new Date('2026-11-02T00:00:00Z'));
}

function dependency(id: string, overrides: Partial<StoredFinding> = {}): StoredFinding {
  return {
    id,
    target: 'app',
    kind: 'dependency',
    source: 'osv',
    severity: 'high',
    title: 'advisory',
    location: { path: 'package-lock.json' },
    cwes: ['CWE-1321'],
    vulnerability: { id: 'GHSA-aaaa-bbbb-cccc', aliases: ['CVE-2026-1111'], fixedVersions: ['2.0.0'] },
    package: { ecosystem: 'npm', name: '@scope/lib', version: '1.0.0', purl: 'pkg:npm/%40scope/lib@1.0.0', direct: false, scope: 'dev' },
    state: 'open',
    firstSeen: '2026-11-01T00:00:00Z',
    lastSeen: '2026-11-01T00:00:00Z',
    lastTransition: 'new',
    ...overrides,
  };
}

function code(id: string, ruleId: string, cwes: string[], path = 'src/app.js'): StoredFinding {
  return {
    id,
    target: 'app',
    kind: 'code',
    source: 'codeql',
    severity: 'medium',
    title: ruleId,
    location: { path, startLine: 3 },
    cwes,
    rule: { id: ruleId, tool: 'CodeQL' },
    state: 'open',
    firstSeen: '2026-11-01T00:00:00Z',
    lastSeen: '2026-11-01T00:00:00Z',
    lastTransition: 'new',
  };
}

const target = { name: 'app', key: 'app' };
const at = '2026-11-02T00:00:00Z';
const suppressed = (policy: PolicyEngine, findings: StoredFinding[]) =>
  Object.fromEntries(policy.judge(target, findings, at).map((verdict) => [verdict.finding.id, verdict.finding.suppression?.rule ?? null]));

describe('rule evaluation', () => {
  it('matches a vulnerability by any alias, case-insensitively', () => {
    const policy = engine([{ id: 'by-cve', action: 'ignore', reason: 'r', match: { vulnerability: 'cve-2026-1111' } }]);
    expect(suppressed(policy, [dependency('d1'), dependency('d2', { vulnerability: { id: 'GHSA-zzzz', aliases: [], fixedVersions: [] } })])).toEqual({ d1: 'by-cve', d2: null });
  });

  it('matches packages by purl with or without version, encoded or not, and by glob', () => {
    const exact = engine([{ id: 'p', action: 'ignore', reason: 'r', match: { package: 'pkg:npm/@scope/lib' } }]);
    const versioned = engine([{ id: 'p', action: 'ignore', reason: 'r', match: { package: 'pkg:npm/%40scope/lib@1.0.1' } }]);
    const globbed = engine([{ id: 'p', action: 'ignore', reason: 'r', match: { package: 'pkg:npm/@scope/*' } }]);
    expect(suppressed(exact, [dependency('d1')])).toEqual({ d1: 'p' });
    expect(suppressed(versioned, [dependency('d1')])).toEqual({ d1: null });
    expect(suppressed(globbed, [dependency('d1')])).toEqual({ d1: 'p' });
  });

  it('scopes by target, path glob, ecosystem, tool, rule id, scope and relation', () => {
    const policy = engine([
      { id: 'other-target', action: 'ignore', reason: 'r', match: { target: 'lib-*' } },
      { id: 'tests', action: 'ignore', reason: 'r', match: { path: 'test/**', tool: 'codeql' } },
      { id: 'dev-transitive', action: 'ignore', reason: 'r', match: { ecosystem: 'NPM', scope: 'dev', relation: 'transitive' } },
      { id: 'rule', action: 'ignore', reason: 'r', match: { rule: 'js/unused-*' } },
    ]);
    expect(
      suppressed(policy, [
        dependency('d1'),
        dependency('d2', { package: { ecosystem: 'npm', name: 'x', version: '1', purl: 'pkg:npm/x@1', direct: true, scope: 'dev' } }),
        code('c1', 'js/sql-injection', ['CWE-89'], 'test/a.js'),
        code('c2', 'js/sql-injection', ['CWE-89']),
        code('c3', 'js/unused-local', []),
      ]),
    ).toEqual({ d1: 'dev-transitive', d2: null, c1: 'tests', c2: null, c3: 'rule' });
    expect(policy.report().unmatched.map((entry) => entry.rule)).toEqual(['other-target']);
  });

  it('tells findings on a declared range and informational notices apart', () => {
    const policy = engine([
      { id: 'ranges-low', action: 'set-severity', severity: 'low', match: { versionSource: 'declared-range' } },
      { id: 'no-notices', action: 'ignore', reason: 'r', match: { advisory: 'informational' } },
    ]);
    const ranged = dependency('r1', { package: { ecosystem: 'PyPI', name: 'jinja2', version: '2.11.0', purl: 'pkg:pypi/jinja2@2.11.0', direct: true, scope: 'runtime', declaredRange: '>=2.11.0' } });
    const notice = dependency('n1', { vulnerability: { id: 'RUSTSEC-2021-0139', aliases: [], fixedVersions: [], informational: 'unmaintained' } });
    const verdicts = policy.judge(target, [ranged, notice, dependency('d1')], at);
    expect(verdicts.map((verdict) => [verdict.finding.id, verdict.finding.severity, verdict.finding.suppression?.rule ?? null])).toEqual([
      ['r1', 'low', null],
      ['n1', 'high', 'no-notices'],
      ['d1', 'high', null],
    ]);
  });

  it('alert-only-on keeps only injection-class code findings, and counts the rest as filtered', () => {
    const policy = engine([{ id: 'injection-only', action: 'alert-only-on', match: { kind: 'code' }, when: { category: 'injection' } }]);
    const verdicts = policy.judge(target, [code('sqli', 'a', ['external/cwe/cwe-089']), code('xss', 'b', ['CWE-79']), code('none', 'c', []), dependency('d1')], at);
    expect(verdicts.map((verdict) => [verdict.finding.id, verdict.finding.suppression?.reason ?? null, verdict.finding.categories])).toEqual([
      ['sqli', null, ['injection']],
      ['xss', 'alert-only-on: category in injection', ['cross-site scripting']],
      ['none', 'alert-only-on: category in injection', ['other']],
      ['d1', null, ['other']],
    ]);
    expect(policy.report().effects).toEqual({ ignored: 0, filtered: 2, severityChanged: 0 });
  });

  it('set-severity applies before alert-only-on thresholds; the later rule wins', () => {
    const policy = engine([
      { id: 'low', action: 'set-severity', severity: 'low', match: { package: 'pkg:npm/@scope/lib' } },
      { id: 'critical', action: 'set-severity', severity: 'critical', match: { vulnerability: 'GHSA-aaaa-bbbb-cccc' } },
      { id: 'min-high', action: 'alert-only-on', when: { minSeverity: 'high', relation: 'transitive' } },
    ]);
    const [verdict] = policy.judge(target, [dependency('d1')], at);
    expect(verdict?.finding.severity).toBe('critical');
    expect(verdict?.finding.suppression).toBeUndefined();
    const lowered = engine([{ id: 'low', action: 'set-severity', severity: 'low' }, { id: 'min-high', action: 'alert-only-on', when: { minSeverity: 'high' } }]);
    expect(lowered.judge(target, [dependency('d1')], at)[0]?.finding.suppression).toEqual({ rule: 'min-high', reason: 'alert-only-on: severity >= high' });
  });

  it('an expired ignore no longer silences, is reported expired, and names itself for the one alert', () => {
    const policy = engine([{ id: 'until', action: 'ignore', reason: 'later', until: '2026-11-01', match: { vulnerability: 'GHSA-aaaa-bbbb-cccc' } }]);
    const [verdict] = policy.judge(target, [dependency('d1')], at);
    expect(verdict?.finding.suppression).toBeUndefined();
    expect(verdict?.expired).toEqual([{ rule: 'until', until: '2026-11-01' }]);
    expect(policy.report().expired.map((entry) => [entry.rule, entry.matched])).toEqual([['until', 1]]);
    const before = policy.judge(target, [dependency('d1')], '2026-11-01T23:00:00Z');
    expect(before[0]?.finding.suppression).toEqual({ rule: 'until', reason: 'later', until: '2026-11-01' });
    expect(before[0]?.ignoredBy).toEqual({ rule: 'until', until: '2026-11-01' });
  });

  it("a target's own rules apply to that target only", () => {
    const policy = engine([], [{ key: 'other', rule: { id: 'mine', action: 'ignore', reason: 'r' } }]);
    expect(suppressed(policy, [dependency('d1')])).toEqual({ d1: null });
    expect(policy.judge({ name: 'other', key: 'other' }, [dependency('d2')], at)[0]?.finding.suppression?.rule).toBe('mine');
  });

  it('known exploited: set-severity raises it, alert-only-on lets only it through', () => {
    const kev = { cve: 'CVE-2026-1111', dateAdded: '2026-10-01' };
    const policy = engine([
      { id: 'kev-critical', action: 'set-severity', severity: 'critical', match: { knownExploited: true } },
      { id: 'only-kev', action: 'alert-only-on', when: { knownExploited: true } },
    ]);
    const [exploited, quiet] = policy.judge(target, [dependency('d1', { knownExploited: kev }), dependency('d2')], at);
    expect(exploited?.finding.severity).toBe('critical');
    expect(exploited?.finding.suppression).toBeUndefined();
    expect(quiet?.finding.severity).toBe('high');
    expect(quiet?.finding.suppression).toEqual({ rule: 'only-kev', reason: 'alert-only-on: known exploited' });
    const notExploited = engine([{ id: 'not-kev', action: 'ignore', reason: 'triaged upstream', match: { knownExploited: false } }]);
    expect(suppressed(notExploited, [dependency('d1', { knownExploited: kev }), dependency('d2')])).toEqual({ d1: null, d2: 'not-kev' });
  });

  it('the rules schema takes knownExploited in match and when, and only as a boolean', () => {
    expect(validateRulesDocument({ rules: [{ action: 'set-severity', severity: 'critical', match: { knownExploited: true } }, { action: 'alert-only-on', when: { knownExploited: true } }] })).toEqual([]);
    expect(validateRulesDocument({ rules: [{ action: 'set-severity', severity: 'critical', match: { knownExploited: 'yes' } }] }).map((issue) => issue.message)).toContain('expected boolean');
  });
});
