import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/model/errors.js';
import { loadPolicyRules, MAX_RULES_FILE_BYTES } from '../../src/policy/load.js';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';

const now = () => new Date('2026-11-02T00:00:00Z');

function rulesDir(files: Record<string, string>): string {
  const dir = join(tempDir('sieve-rules-'), 'rules');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function issuesOf(load: () => unknown): { file: string; issues: string[] } {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return { file: error.file, issues: error.issues };
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loading rules', () => {
  it('the example rules shipped in rules/ are valid', () => {
    const engine = loadPolicyRules({ rulesDir: join(repoRoot, 'rules'), now });
    expect(engine.rules.map((rule) => `${rule.key} ${rule.action}`)).toEqual([
      'dev-dependencies-high-only alert-only-on',
      'test-fixtures ignore',
      'code-security-classes alert-only-on',
      'moment-redos-accepted ignore',
      'semver-redos-low set-severity',
    ]);
  });

  it('reports unknown keys, missing reasons, bad dates, bad globs and bad CWEs with path and line', () => {
    const dir = rulesDir({
      'a.yaml': [
        'rules:',
        '  - action: ignore',
        '    match: { pth: "x" }',
        '  - action: ignore',
        '    reason: r',
        '    until: 2026-13-01',
        '  - action: ignore',
        '    reason: r',
        '    match:',
        '      path: ["src/[a-", "../outside/**"]',
        '      cwe: nope',
        '  - action: set-severity',
        '    severity: urgent',
        '  - action: ignore',
        '    reason: r',
        '    severity: low',
        '',
      ].join('\n'),
    });
    const { file, issues } = issuesOf(() => loadPolicyRules({ rulesDir: dir, now }));
    expect(file).toBe(join(dir, 'a.yaml'));
    expect(issues).toEqual([
      'rules[0] (line 2): missing required key "reason"',
      'rules[0].match (line 3): unknown key "pth"',
      'rules[3].severity (line 13): expected one of "critical", "high", "medium", "low", "unknown"',
      'rules[4] (line 14): unknown key "severity"',
      'rules[1].until (line 6): "2026-13-01" is not a valid date (expected YYYY-MM-DD or an ISO 8601 time)',
      'rules[2].match.path[0] (line 10): "src/[a-" is not a valid glob (Missing closing: "]" - use "\\\\]" to match literal characters)',
      'rules[2].match.path[1] (line 10): "../outside/**" must be a repo-relative glob (no leading "/" or "..")',
      'rules[2].match.cwe (line 11): "nope" is not a CWE id (expected e.g. CWE-79)',
    ]);
  });

  it('checks globs, dates, CWEs and purl patterns once the shape is right', () => {
    const dir = rulesDir({
      'b.json': JSON.stringify(
        {
          rules: [
            { action: 'ignore', reason: 'r', until: '2026-02-30', match: { path: ['src/[a-', '../outside/**'], cwe: 'nope', package: 'lodash' } },
          ],
        },
        null,
        2,
      ),
    });
    const { issues } = issuesOf(() => loadPolicyRules({ rulesDir: dir, now }));
    expect(issues).toEqual([
      'rules[0].match.path[0] (line 9): "src/[a-" is not a valid glob (Missing closing: "]" - use "\\\\]" to match literal characters)',
      'rules[0].match.path[1] (line 10): "../outside/**" must be a repo-relative glob (no leading "/" or "..")',
      'rules[0].match.cwe (line 12): "nope" is not a CWE id (expected e.g. CWE-79)',
      'rules[0].match.package (line 13): "lodash" is not a package URL pattern (expected e.g. pkg:npm/lodash or pkg:pypi/django@4.2.1)',
      'rules[0].until (line 6): "2026-02-30" is not a valid date (expected YYYY-MM-DD or an ISO 8601 time)',
    ]);
  });

  it('rejects conflicting rules and duplicate ids', () => {
    const dir = rulesDir({
      'c.yaml': [
        'rules:',
        '  - { id: a, action: set-severity, severity: low, match: { package: "pkg:npm/x" } }',
        '  - { id: b, action: set-severity, severity: high, match: { package: ["pkg:npm/x"] } }',
        '  - { id: a, action: ignore, reason: r }',
        '',
      ].join('\n'),
    });
    const { issues } = issuesOf(() => loadPolicyRules({ rulesDir: dir, now }));
    expect(issues).toEqual([
      'rules[1] (line 3): conflicts with rules[0]: both are "set-severity" for the same match but set different severities',
      'rules[2].id (line 4): id "a" is already used by rules[0]',
    ]);
  });

  it('reports YAML syntax errors with the line', () => {
    const dir = rulesDir({ 'd.yaml': 'rules:\n  - action: ignore\n    reason: [unclosed\n' });
    const { file, issues } = issuesOf(() => loadPolicyRules({ rulesDir: dir, now }));
    expect(file).toBe(join(dir, 'd.yaml'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^line \d+: not valid YAML: /);
  });

  it('checks per-target rules from scan-targets.json with their JSON path and line', () => {
    const dir = tempDir('sieve-rules-config-');
    const configFile = join(dir, 'scan-targets.json');
    writeFileSync(
      configFile,
      JSON.stringify({ defaults: { rules: [{ action: 'ignore', reason: 'r' }] }, targets: [{ name: 'app', repo: '.', rules: [{ action: 'alert-only-on', when: { minSeverity: 'severe' } }] }] }, null, 2),
    );
    const targets = [{ name: 'app', key: 'app', rules: [{ action: 'ignore', reason: 'r' }, { action: 'alert-only-on', when: { minSeverity: 'severe' } }] }];
    const { file, issues } = issuesOf(() => loadPolicyRules({ configFile, targets, now }));
    expect(file).toBe(configFile);
    expect(issues).toEqual(['targets[0].rules[0].when.minSeverity (line 18): expected one of "critical", "high", "medium", "low", "unknown"']);
  });
});

describe('loadPolicyRules: hostile rules files cost little', () => {
  it('refuses a rules file over MAX_RULES_FILE_BYTES before parsing it, naming the file and the limit', () => {
    const dir = rulesDir({ 'big.yaml': `rules:\n${'  - { action: ignore, reason: x, match: { vulnerability: CVE-1 } }\n'.repeat(3_000)}` });
    const started = performance.now();
    const { file, issues } = issuesOf(() => loadPolicyRules({ rulesDir: dir, now }));
    expect(performance.now() - started).toBeLessThan(500);
    expect(file).toBe(join(dir, 'big.yaml'));
    expect(issues).toEqual([expect.stringMatching(new RegExp(`^\\(root\\): the file is \\d+ bytes, over the ${MAX_RULES_FILE_BYTES}-byte limit$`))]);
  });

  it('reports a long line of bad YAML with its line, in linear time', () => {
    const dir = rulesDir({ 'commas.yaml': `rules: [${','.repeat(60_000)}]\n` });
    const started = performance.now();
    const { issues } = issuesOf(() => loadPolicyRules({ rulesDir: dir, now }));
    expect(issues[0]).toMatch(/^line 1: not valid YAML/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
