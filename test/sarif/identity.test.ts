import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/types.js';
import { importSarif } from '../../src/sarif/import.js';
import { codeFingerprint } from '../../src/sarif/identity.js';

function finding(extra: Partial<Finding>): Finding {
  return {
    kind: 'code',
    source: 'eslint',
    severity: 'high',
    title: 'no-eval: eval is evil',
    message: 'eval is evil',
    location: { path: 'a.js', startLine: 3 },
    cwes: [],
    rule: { id: 'no-eval', tool: 'eslint' },
    ...extra,
  };
}

describe('codeFingerprint', () => {
  it("prefers the tool's own primaryLocationLineHash", () => {
    expect(
      codeFingerprint(finding({ fingerprints: { primaryLocationLineHash: 'abc:1', primaryLocationStartColumnFingerprint: '4' } })),
    ).toBe('lineHash:abc:1');
  });

  it("otherwise joins the tool's other partialFingerprints sorted by key", () => {
    expect(codeFingerprint(finding({ fingerprints: { 'zeta/v1': 'z', 'alpha/v1': 'a' } }))).toBe('partial:alpha/v1=a;zeta/v1=z');
  });

  it("keeps the tool's fingerprints ahead of the line hash Sieve computed", () => {
    const f = finding({
      fingerprints: { 'zeta/v1': 'z', primaryLocationLineHash: 'computed:1' },
      properties: { computedFingerprints: ['primaryLocationLineHash'] },
    });
    expect(codeFingerprint(f)).toBe('partial:zeta/v1=z');
  });

  it('uses the computed line hash when the tool gave none, equal to a tool-given one of the same value', () => {
    const computed = finding({
      fingerprints: { primaryLocationLineHash: '559c348a2ce0dc79:1' },
      properties: { computedFingerprints: ['primaryLocationLineHash'] },
    });
    expect(codeFingerprint(computed)).toBe('lineHash:559c348a2ce0dc79:1');
    expect(codeFingerprint(finding({ fingerprints: { primaryLocationLineHash: '559c348a2ce0dc79:1' } }))).toBe(
      codeFingerprint(computed),
    );
  });

  it('falls back to start line + message, which changes when either does', () => {
    const base = codeFingerprint(finding({}));
    expect(base).toMatch(/^message:[0-9a-f]{64}$/);
    expect(codeFingerprint(finding({}))).toBe(base);
    expect(codeFingerprint(finding({ message: 'eval is harmful' }))).not.toBe(base);
    expect(codeFingerprint(finding({ location: { path: 'a.js', startLine: 4 } }))).not.toBe(base);
  });

  it('stays the same when lines are inserted above and the message is reworded', () => {
    const sarif = (line: number, message: string) =>
      JSON.stringify({
        version: '2.1.0',
        runs: [
          {
            tool: { driver: { name: 'ESLint' } },
            results: [
              {
                ruleId: 'no-eval',
                message: { text: message },
                locations: [{ physicalLocation: { artifactLocation: { uri: 'a.js' }, region: { startLine: line } } }],
              },
            ],
          },
        ],
      });
    const before = 'a();\n  eval(input);\nb();\n';
    const after = '// header\n\nimport x from "x";\na();\n\teval(input);\nb();\n';
    const [first] = importSarif(sarif(2, 'eval can be harmful'), { sourceName: 'x', readFile: () => before }).findings;
    const [second] = importSarif(sarif(5, '`eval` is evil'), { sourceName: 'x', readFile: () => after }).findings;
    expect(first && codeFingerprint(first)).toBe(second && codeFingerprint(second));
    expect(first && codeFingerprint(first)).toMatch(/^lineHash:[0-9a-f]+:1$/);
  });
});

describe("the tool's own fingerprints and the flagged line's own text", () => {
  it("prefers a tool's result fingerprints (flawfinder contextHash/v1) and tells identical lines apart", async () => {
    const { readFileSync } = await import('node:fs');
    const { fingerprintAll } = await import('../../src/sarif/identity.js');
    const text = readFileSync(new URL('../../fixtures/sarif/flawfinder/copy.sarif', import.meta.url), 'utf8');
    const { findings } = importSarif(text, { sourceName: 'copy.sarif' });
    const named = fingerprintAll(findings);
    expect(named.every((entry) => entry.codeFingerprint.startsWith('full:contextHash/v1='))).toBe(true);
    expect(new Set(named.map((entry) => `${entry.finding.rule?.id} ${entry.finding.location.path} ${entry.codeFingerprint}`)).size).toBe(named.length);
    const twice = fingerprintAll([finding({ properties: { fullFingerprints: { 'contextHash/v1': 'x' } } }), finding({ location: { path: 'a.js', startLine: 9 }, properties: { fullFingerprints: { 'contextHash/v1': 'x' } } })]);
    expect(twice.map((entry) => entry.codeFingerprint)).toEqual(['full:contextHash/v1=x', 'full:contextHash/v1=x#2']);
  });

  it("keys a result by its line's own text, whatever the whitespace and the lines around it", () => {
    const sarif = JSON.stringify({
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'ESLint' } }, results: [{ ruleId: 'no-eval', message: { text: 'x' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a.js' }, region: { startLine: 2 } } }] }] }],
    });
    const keyOf = (source: string) => importSarif(sarif, { sourceName: 's', readFile: () => source }).findings[0]?.lineKey;
    const before = keyOf('const a = 1;\neval(x);\n');
    expect(before).toMatch(/^[0-9a-f]{16}$/);
    expect(keyOf('const a = 1;\n  eval( x );\nappended();\n')).toBe(before);
    expect(keyOf('const a = 1;\neval(y);\n')).not.toBe(before);
  });
});

describe("GitHub's line hash alone does not survive an edit below a short flagged line", () => {
  it('changes the hash of line 3 when line 4 changes, while its own text (lineKey) stays', async () => {
    const { primaryLocationLineHashes } = await import('../../src/sarif/line-hash.js');
    const { lineKey } = await import('../../src/sarif/import.js');
    const before = ['const db = require("./db");', 'module.exports = (q) =>', '  db.query(q);', '', ''].join('\n');
    const after = ['const db = require("./db");', 'module.exports = (q) =>', '  db.query(q);', '// appended below the flagged line', 'module.exports.extra = true;', ''].join('\n');
    expect(primaryLocationLineHashes(after)[2]).not.toBe(primaryLocationLineHashes(before)[2]);
    expect(lineKey(after.split('\n')[2]!)).toBe(lineKey(before.split('\n')[2]!));
  });
});
