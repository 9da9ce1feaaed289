import { describe, expect, it } from 'vitest';
import { normalizeFailure, scopeCovers } from '../../src/model/scope.js';
import type { EvidenceScope, Finding } from '../../src/model/types.js';

const dependency: Finding = {
  kind: 'dependency',
  source: 'osv',
  severity: 'high',
  title: 't',
  location: { path: 'web/package-lock.json', startLine: 3 },
  cwes: [],
  package: { ecosystem: 'npm', name: 'lodash', version: '1.0.0', purl: 'pkg:npm/lodash@1.0.0', direct: true, scope: 'runtime' },
};
const code: Finding = { kind: 'code', source: 'semgrep oss', severity: 'low', title: 't', location: { path: 'src/a.py', startLine: 1 }, cwes: [] };

describe('evidence scopes', () => {
  it.each<[string, EvidenceScope, boolean, boolean]>([
    ['the whole target', { kind: 'target' }, true, true],
    ['every dependency', { kind: 'dependencies' }, true, false],
    ['its lockfile', { kind: 'dependencies', lockfile: 'web/package-lock.json' }, true, false],
    ['another lockfile', { kind: 'dependencies', lockfile: 'package-lock.json' }, false, false],
    ['its ecosystem', { kind: 'dependencies', ecosystem: 'npm' }, true, false],
    ['another package', { kind: 'dependencies', lockfile: 'web/package-lock.json', package: 'left-pad' }, false, false],
    ['every tool', { kind: 'code' }, false, true],
    ["the analyzer's driver names", { kind: 'code', tools: ['semgrep', 'semgrep oss'] }, false, true],
    ['another tool', { kind: 'code', tools: ['bandit'] }, false, false],
    ['another path of the tool', { kind: 'code', tools: ['semgrep oss'], path: 'src/b.py' }, false, false],
  ])('%s covers exactly what it names', (_name, scope, coversDependency, coversCode) => {
    expect(scopeCovers(scope, dependency)).toBe(coversDependency);
    expect(scopeCovers(scope, code)).toBe(coversCode);
  });

  it("reads an older Sieve's string scopes as the typed scopes that cover the same findings", () => {
    expect(normalizeFailure({ stage: 'checkout', source: '*', message: 'm' }).scope).toEqual({ kind: 'target' });
    expect(normalizeFailure({ stage: 'sarif', source: 'code:*', message: 'm' }).scope).toEqual({ kind: 'code' });
    expect(normalizeFailure({ stage: 'inventory', source: 'osv', path: 'a/package-lock.json', message: 'm' }).scope).toEqual({ kind: 'dependencies', lockfile: 'a/package-lock.json' });
    expect(normalizeFailure({ stage: 'analyzer', source: 'ESLint', message: 'm' }).scope).toEqual({ kind: 'code', tools: ['eslint'] });
    const typed = { stage: 'osv', scope: { kind: 'dependencies', ecosystem: 'npm' } as const, message: 'm' };
    expect(normalizeFailure(typed)).toEqual(typed);
  });
});
