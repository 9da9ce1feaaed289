import { describe, expect, it } from 'vitest';
import { eslintJsonToSarif } from '../../../src/analyzers/presets/eslint-sarif.js';
import { tagGitleaksSarif } from '../../../src/analyzers/presets/gitleaks.js';
import { importSarif } from '../../../src/sarif/import.js';

const checkoutDir = '/work/checkout';
const eslintJson = JSON.stringify([
  {
    filePath: '/work/checkout/src/app.js',
    messages: [
      { ruleId: 'react/prop-types', severity: 2, message: "Definition for rule 'react/prop-types' was not found.", line: 1, column: 1 },
      { ruleId: 'no-eval', severity: 2, message: '`eval` can be harmful.', line: 3, column: 10, endLine: 3, endColumn: 21 },
      { ruleId: null, fatal: true, severity: 2, message: 'Parsing error: Unexpected token', line: 9, column: 2 },
    ],
    suppressedMessages: [
      { ruleId: 'no-eval', severity: 2, message: '`eval` can be harmful.', line: 7, column: 3, suppressions: [{ kind: 'directive', justification: 'trusted input' }] },
      { ruleId: 'no-undef', severity: 2, message: 'x is not defined', line: 8, column: 1, suppressions: [{ kind: 'directive', justification: '' }] },
    ],
  },
]);

describe('ESLint JSON as SARIF', () => {
  it("keeps only the configured rules' messages; configuration and parse messages become notifications", () => {
    const sarif = JSON.parse(eslintJsonToSarif(eslintJson, { checkoutDir, rules: ['no-eval'], version: '10.0.0' })) as {
      runs: Array<{ tool: { driver: { name: string; version: string; rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; suppressions?: unknown[] }>; invocations: Array<{ toolExecutionNotifications: Array<{ level: string; message: { text: string } }> }> }>;
    };
    const run = sarif.runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: 'ESLint', version: '10.0.0', rules: [{ id: 'no-eval' }] });
    expect(run.results.map((result) => [result.ruleId, result.suppressions ?? []])).toEqual([
      ['no-eval', []],
      ['no-eval', [{ kind: 'inSource', justification: 'trusted input' }]],
    ]);
    expect(run.invocations[0]!.toolExecutionNotifications.map((note) => [note.level, note.message.text])).toEqual([
      ['note', "react/prop-types: Definition for rule 'react/prop-types' was not found."],
      ['error', 'Parsing error: Unexpected token'],
    ]);
  });

  it('imports as findings at the right path and line', () => {
    const { findings, errors } = importSarif(eslintJsonToSarif(eslintJson, { checkoutDir, rules: ['no-eval'] }), { sourceName: 'eslint', checkoutDir });
    expect(errors).toEqual([]);
    expect(findings.map((finding) => [finding.rule?.id, finding.location.path, finding.location.startLine, finding.suppressedInSource])).toEqual([
      ['no-eval', 'src/app.js', 3, false],
      ['no-eval', 'src/app.js', 7, true],
    ]);
  });

  it('refuses output that is not ESLint JSON', () => {
    expect(() => eslintJsonToSarif('{"runs":[]}', { checkoutDir, rules: ['no-eval'] })).toThrow(/not an array/);
  });
});

describe('gitleaks SARIF', () => {
  it('tags every result as a hard-coded credential (CWE-798)', () => {
    const text = JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'gitleaks', rules: [{ id: 'github-pat' }] } }, results: [{ ruleId: 'github-pat', message: { text: 'leak' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a.js' }, region: { startLine: 2 } } }] }] }] });
    const { findings } = importSarif(tagGitleaksSarif(text), { sourceName: 'gitleaks', checkoutDir });
    expect(findings[0]?.cwes).toEqual(['CWE-798']);
  });
});
