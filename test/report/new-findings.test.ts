import { describe, expect, it } from 'vitest';
import { newFindingsJson, newFindingsMarkdown } from '../../src/report/new-findings.js';
import { codeFinding, dependencyFinding } from './fixtures.js';

const findings = [
  codeFinding({ lastTransition: 'new', newReason: 'code-change', title: 'Bad | `tick` <b>html</b> @someone' }),
  dependencyFinding({ id: 'z-dep', target: 'api', severity: 'high' }),
  dependencyFinding(),
  dependencyFinding({ id: 'crit', severity: 'critical', score: 9.8, target: 'web', vulnerability: { id: 'CVE-1', aliases: ['GHSA-b', 'GHSA-a'], fixedVersions: [] } }),
];

describe('newFindingsJson', () => {
  const items = JSON.parse(newFindingsJson(findings)) as Array<Record<string, unknown>>;

  it('sorts by severity, then target, then id', () => {
    expect(items.map((item) => `${item.severity}/${item.target}/${item.id}`)).toEqual([
      'critical/web/crit',
      'high/api/z-dep',
      'high/web/dep-lodash-1',
      'medium/web/code-xss-1',
    ]);
  });

  it('writes every documented field', () => {
    expect(items[2]).toEqual({
      id: 'dep-lodash-1',
      target: 'web',
      commit: '2222222222222222222222222222222222222222',
      kind: 'dependency',
      severity: 'high',
      score: 7.4,
      title: 'Prototype pollution in lodash',
      message: null,
      newReason: 'new-advisory',
      vulnerability: { id: 'GHSA-p6mc-m468-83gw', aliases: ['CVE-2020-8203'], informational: null },
      rule: null,
      package: { ecosystem: 'npm', name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15', direct: true, scope: 'runtime', declaredRange: null },
      location: { path: 'package-lock.json', startLine: 42 },
      fixedVersions: ['4.17.20'],
      firstSeen: '2024-05-01T02:00:00Z',
      cwes: ['CWE-1321'],
      knownExploited: null,
    });
    expect(items[3]).toMatchObject({ kind: 'code', rule: { id: 'no-unsanitized/property', tool: 'eslint' }, package: null, vulnerability: null, score: null });
    expect(items[0]).toMatchObject({ vulnerability: { id: 'CVE-1', aliases: ['GHSA-a', 'GHSA-b'] } });
  });

  it('writes an empty array when nothing is new', () => {
    expect(newFindingsJson([])).toBe('[]\n');
  });
});

describe('newFindingsMarkdown', () => {
  const text = newFindingsMarkdown(findings, { runId: 'run-1', generatedAt: '2024-05-14T02:05:00Z' });

  it('writes a table per target', () => {
    const lines = text.split('\n');
    expect(lines.slice(0, 12)).toEqual([
      '# New findings',
      '',
      'Run `run-1`, generated 2024-05-14T02:05:00Z.',
      '',
      '4 new findings in 2 targets.',
      '',
      '## api',
      '',
      'Commit 2222222222222222222222222222222222222222',
      '',
      '| Severity | Finding | Package or location | Fixed in | Why new | ID |',
      '| --- | --- | --- | --- | --- | --- |',
    ]);
    expect(lines).toContain(
      '| high (7.4) | GHSA-p6mc-m468-83gw (CVE-2020-8203): Prototype pollution in lodash | npm lodash@4.17.15 (direct, runtime) in package-lock.json:42 | 4.17.20 | new-advisory | z-dep |',
    );
    expect(lines).toContain('## web');
  });

  it('escapes pipes, backticks, HTML and mentions in cells', () => {
    expect(text).toContain(
      '| medium | eslint no-unsanitized/property: Bad \\| \\`tick\\` &lt;b&gt;html&lt;/b&gt; @\u2060someone | src/app view.js:10 |  | code-change | code-xss-1 |',
    );
    expect(text).not.toContain('<b>');
  });

  it('shows bidirectional controls in paths and titles instead of obeying them', () => {
    const evil = codeFinding({ lastTransition: 'new', title: 'a\u2067b', location: { path: 'src/\u202egnp.js', startLine: 3 } });
    const markdown = newFindingsMarkdown([evil], { runId: 'r', generatedAt: 'now' });
    expect(markdown).toContain('src/\\[U+202E\\]gnp.js:3');
    expect(markdown).toContain('a\\[U+2067\\]b');
    expect(markdown).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  });

  it('says so when nothing is new', () => {
    expect(newFindingsMarkdown([], { runId: 'r', generatedAt: 'now' })).toBe('# New findings\n\nRun `r`, generated now.\n\nNo new findings.\n');
  });
});

describe('declared ranges and informational notices', () => {
  const ranged = dependencyFinding({
    id: 'ranged',
    message: 'your declared minimum 2.11.0 (>=2.11.0) is affected; raise it to 3.1.3',
    package: { ecosystem: 'PyPI', name: 'jinja2', version: '2.11.0', purl: 'pkg:pypi/jinja2@2.11.0', direct: true, scope: 'runtime', declaredRange: '>=2.11.0' },
    vulnerability: { id: 'PYSEC-2021-66', aliases: [], fixedVersions: ['2.11.3'] },
  });
  const notice = dependencyFinding({ id: 'notice', severity: 'low', vulnerability: { id: 'RUSTSEC-2021-0139', aliases: [], fixedVersions: [], informational: 'unmaintained' } });

  it('new.json carries the range, the advice and the notice kind', () => {
    const items = JSON.parse(newFindingsJson([ranged, notice])) as Array<{ id: string; message: string | null; package: { declaredRange: string | null }; vulnerability: { informational: string | null } }>;
    const byId = new Map(items.map((item) => [item.id, item]));
    expect(byId.get('ranged')?.message).toBe('your declared minimum 2.11.0 (>=2.11.0) is affected; raise it to 3.1.3');
    expect(byId.get('ranged')?.package.declaredRange).toBe('>=2.11.0');
    expect(byId.get('notice')?.vulnerability.informational).toBe('unmaintained');
  });

  it('new.md shows the declared range and what to raise it to, and marks notices', () => {
    const text = newFindingsMarkdown([ranged, notice], { runId: 'run-1', generatedAt: '2024-05-14T02:05:00Z' });
    // `>` is escaped as HTML in Markdown cells
    expect(text).toContain('PyPI jinja2&gt;=2.11.0 (direct, runtime)');
    expect(text).toContain('your declared minimum 2.11.0 (&gt;=2.11.0) is affected; raise it to 3.1.3');
    expect(text).toContain('\\[unmaintained\\] RUSTSEC-2021-0139');
  });
});
