import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/model/errors.js';
import type { Finding } from '../../src/model/types.js';
import { importSarif, normaliseCwe, severityFrom } from '../../src/sarif/import.js';
import { primaryLocationLineHashes } from '../../src/sarif/line-hash.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string): string => readFileSync(path.join(repoRoot, 'fixtures/sarif', name), 'utf8');
const load = (name: string, extra: { readFile?: (p: string) => string | undefined } = {}) =>
  importSarif(fixture(name), { sourceName: name, checkoutDir: '/checkout', ...extra });
const byLine = (findings: Finding[], line: number): Finding => {
  const found = findings.find((finding) => finding.location.startLine === line);
  if (!found) throw new Error(`no finding on line ${line}`);
  return found;
};

describe('importSarif: real tool output', () => {
  it('reads ESLint SARIF with absolute file URIs made repo-relative', () => {
    const { findings, tools, errors } = load('eslint/app.sarif');
    expect(errors).toEqual([]);
    expect(tools).toEqual([{ name: 'eslint', version: '10.15.0' }]);
    expect(findings.map((f) => [f.rule?.id, f.location.path, f.location.startLine, f.suppressedInSource])).toEqual([
      ['no-eval', 'js/app.js', 3, false],
      ['no-implied-eval', 'js/app.js', 4, false],
      ['no-new-func', 'js/app.js', 5, false],
      ['no-eval', 'js/app.js', 7, true],
    ]);
    const first = findings[0] as Finding;
    expect(first).toMatchObject({
      kind: 'code',
      source: 'eslint',
      severity: 'high',
      title: 'Disallow the use of `eval()`: `eval` can be harmful.',
      message: '`eval` can be harmful.',
      location: { path: 'js/app.js', startLine: 3, startColumn: 17 },
      rule: {
        id: 'no-eval',
        tool: 'eslint',
        toolVersion: '10.15.0',
        description: 'Disallow the use of `eval()`',
        helpUri: 'https://eslint.org/docs/latest/rules/no-eval',
      },
      properties: { level: 'error' },
    });
  });

  it('reads flawfinder SARIF: %SRCROOT%-style base, ./ paths, CWE relationships', () => {
    const { findings, tools, errors } = load('flawfinder/copy.sarif');
    expect(errors).toEqual([]);
    expect(tools).toEqual([{ name: 'flawfinder', version: '2.0.19' }]);
    const strcpy = byLine(findings, 8);
    expect(strcpy).toMatchObject({
      source: 'flawfinder',
      severity: 'high',
      cwes: ['CWE-120'],
      location: { path: 'c/copy.c', startLine: 8 },
      rule: { id: 'FF1001', name: 'buffer/strcpy' },
      title: 'buffer/strcpy:Does not check for buffer overflows when copying to destination [MS-banned] (CWE-120).',
    });
    expect(byLine(findings, 9).cwes).toEqual(['CWE-20', 'CWE-120']);
    expect(byLine(findings, 6)).toMatchObject({ severity: 'low', cwes: ['CWE-119', 'CWE-120'] });
  });

  it('accepts the older rtm.5 $schema that tools still write', () => {
    const text = fixture('eslint/app.sarif').replace(
      'https://json.schemastore.org/sarif-2.1.0.json',
      'http://json.schemastore.org/sarif-2.1.0-rtm.5',
    );
    expect(importSarif(text, { sourceName: 'x', checkoutDir: '/checkout' }).findings).toHaveLength(4);
  });
});

describe('importSarif: rules', () => {
  const { findings, tools } = load('rules/rule-lookup.sarif');

  it('finds rules in tool.extensions via rule.toolComponent.index and rule.index', () => {
    expect(tools).toEqual([{ name: 'codeql', version: '2.19.0' }]);
    const xss = byLine(findings, 3);
    expect(xss.rule).toEqual({
      id: 'js/xss',
      tool: 'codeql',
      toolVersion: '2.19.0',
      name: 'Xss',
      description: 'Client-side cross-site scripting',
      helpUri: 'https://example.com/rules/js-xss',
    });
    expect(xss.properties).toMatchObject({ level: 'error', precision: 'high', toolComponent: 'codeql/javascript-queries' });
    expect(xss.title).toBe('Client-side cross-site scripting: Cross-site scripting vulnerability due to [user-provided value](1).');
    expect(xss.message).toBe('Cross-site scripting vulnerability due to [user-provided value](1).\nSecond line.');
  });

  it('uses rule.id when ruleId is absent, ruleIndex in the driver, and ruleId alone across components', () => {
    expect(byLine(findings, 10).rule?.id).toBe('js/sql-injection');
    expect(byLine(findings, 10).score).toBe(8.8);
    expect(byLine(findings, 1).rule).toMatchObject({ id: 'js/driver-rule', name: 'DriverRule' });
    expect(byLine(findings, 20).rule).toMatchObject({ id: 'js/sql-injection', name: 'SqlInjection' });
  });
});

describe('importSarif: locations', () => {
  const { findings, errors } = load('uris/uri-resolution.sarif');
  const paths = Object.fromEntries(findings.map((f) => [f.message, f.location.path]));

  it('resolves relative, %SRCROOT%, nested and absolute uriBaseIds, file URIs, percent-encoding and artifact indexes', () => {
    expect(paths).toEqual({
      'plain relative': 'a/plain.js',
      srcroot: 'b.js',
      'nested base': 'src/lib/c.js',
      'absolute base inside checkout': 'packages/web/d.js',
      'base of another machine': 'e/e.js',
      'absolute file uri': 'f/f.js',
      'percent-encoded': 'my dir/café.js',
      'by artifact index': 'indexed/by-artifact.js',
    });
  });

  it('drops results that leave the checkout or have no file, and records why', () => {
    expect(errors).toEqual([
      'uris/uri-resolution.sarif: runs[0].results[8] (r1): path "src/../../etc/passwd" leaves the checkout; result dropped',
      'uris/uri-resolution.sarif: runs[0].results[9] (r1): path "/etc/passwd" is outside the checkout; result dropped',
      'uris/uri-resolution.sarif: runs[0].results[10] (r1): URI "https://example.com/x.js" is not a local file; result dropped',
      'uris/uri-resolution.sarif: runs[0].results[11] (r1): path "../../secret" leaves the checkout; result dropped',
      'uris/uri-resolution.sarif: runs[0].results[12] (r1): no physical location; result dropped',
    ]);
  });

  it('rejects a base that climbs out and a circular base chain, and keeps the rest', () => {
    const result = load('unsafe/base-climbs-out.sarif');
    expect(result.findings.map((f) => f.location.path)).toEqual(['ok.js']);
    expect(result.errors).toEqual([
      'unsafe/base-climbs-out.sarif: runs[0].results[0] (r1): path "../x.js" leaves the checkout; result dropped',
      'unsafe/base-climbs-out.sarif: runs[0].results[1] (r1): uriBaseId chain from "LOOP_A" is too deep or circular; result dropped',
    ]);
  });

  it('refuses absolute paths when no checkout directory is known', () => {
    const result = importSarif(fixture('eslint/app.sarif'), { sourceName: 'eslint.sarif' });
    expect(result.findings).toEqual([]);
    expect(result.errors[0]).toBe(
      'eslint.sarif: runs[0].results[0] (no-eval): absolute path "/checkout/js/app.js" and no checkout directory to resolve it against; result dropped',
    );
  });

  it('accepts a checkout directory given with a trailing slash', () => {
    const result = importSarif(fixture('eslint/app.sarif'), { sourceName: 'x', checkoutDir: '/checkout/' });
    expect(result.findings[0]?.location.path).toBe('js/app.js');
  });
});

describe('importSarif: suppressions', () => {
  it('treats accepted or status-less suppressions as in-source suppressed, rejected and under review as not', () => {
    const { findings } = load('suppressions/suppressions.sarif');
    expect(findings.map((f) => [f.message, f.suppressedInSource])).toEqual([
      ['none', false],
      ['in source, no status', true],
      ['external accepted', true],
      ['rejected', false],
      ['under review', false],
      ['empty list', false],
    ]);
    expect(findings[1]?.properties?.suppression).toEqual({ kind: 'inSource', justification: 'trusted input' });
  });
});

describe('importSarif: level, kind and severity', () => {
  it('defaults level to warning, takes the rule default, lowers low precision, and keeps only kind fail', () => {
    const { findings } = load('levels/levels-kinds.sarif');
    expect(findings.map((f) => [f.location.startLine, f.properties?.level, f.severity])).toEqual([
      [1, 'warning', 'medium'],
      [2, 'error', 'high'],
      [3, 'note', 'low'],
      [4, 'none', 'unknown'],
      [5, 'error', 'medium'],
      [6, 'warning', 'low'],
      [7, 'note', 'low'],
    ]);
    expect(findings[4]?.properties?.precision).toBe('low');
  });

  it('maps security-severity (rule or result) to score and bands', () => {
    const { findings } = load('severity/security-severity.sarif');
    expect(findings.map((f) => [f.location.startLine, f.score, f.severity])).toEqual([
      [1, 9.1, 'critical'],
      [2, 7, 'high'],
      [3, 4, 'medium'],
      [4, 3.9, 'low'],
      [5, 9.8, 'critical'],
      [6, undefined, 'high'],
    ]);
  });

  it('severityFrom covers the edges', () => {
    expect(severityFrom(0, 'error', undefined)).toBe('high');
    expect(severityFrom(0.1, 'none', undefined)).toBe('low');
    expect(severityFrom(undefined, 'note', 'low')).toBe('low');
    expect(severityFrom(undefined, 'none', 'low')).toBe('unknown');
    expect(severityFrom(undefined, 'error', 'LOW')).toBe('medium');
  });
});

describe('importSarif: CWEs', () => {
  it('normalises tags and reads taxa and relationships to a CWE taxonomy', () => {
    const { findings } = load('cwe/cwe-tags-taxa.sarif');
    expect(findings.map((f) => f.cwes)).toEqual([['CWE-79', 'CWE-120'], ['CWE-242', 'CWE-676'], ['CWE-78']]);
  });

  it('normaliseCwe reads the usual spellings', () => {
    expect(normaliseCwe('external/cwe/cwe-079')).toBe('CWE-79');
    expect(normaliseCwe('CWE-79')).toBe('CWE-79');
    expect(normaliseCwe('cwe-079')).toBe('CWE-79');
    expect(normaliseCwe('CWE-78: Improper Neutralization')).toBe('CWE-78');
    expect(normaliseCwe('security')).toBeUndefined();
    expect(normaliseCwe('CWE-79x')).toBe('CWE-79');
    expect(normaliseCwe('cwe')).toBeUndefined();
  });
});

describe('importSarif: fingerprints and messages', () => {
  const appText = 'a();\neval(x);\n';
  const readFile = (repoPath: string): string | undefined => (repoPath === 'src/app.js' ? appText : undefined);

  it('keeps partialFingerprints and adds a computed primaryLocationLineHash only where missing and readable', () => {
    const { findings } = load('fingerprints/fingerprints.sarif', { readFile });
    const computed = primaryLocationLineHashes(appText)[1];
    expect(computed).toBe('559c348a2ce0dc79:1');
    expect(findings.map((f) => f.fingerprints)).toEqual([
      { primaryLocationLineHash: 'abc123:1', primaryLocationStartColumnFingerprint: '4' },
      { 'zeta/v1': 'z', 'alpha/v1': 'a', primaryLocationLineHash: computed },
      { primaryLocationLineHash: computed },
      undefined,
      undefined,
    ]);
    expect(findings[0]?.properties?.computedFingerprints).toBeUndefined();
    expect(findings[1]?.properties?.computedFingerprints).toEqual(['primaryLocationLineHash']);
  });

  it('does not read files when no readFile is given, and reads each file once', () => {
    const { findings } = load('fingerprints/fingerprints.sarif');
    expect(findings.every((f) => f.fingerprints?.primaryLocationLineHash !== '559c348a2ce0dc79:1')).toBe(true);
    const reads: string[] = [];
    load('fingerprints/fingerprints.sarif', { readFile: (p) => (reads.push(p), readFile(p)) });
    expect(reads).toEqual(['src/app.js', 'src/missing.js']);
  });

  it('renders message strings with arguments', () => {
    const { findings } = load('fingerprints/fingerprints.sarif');
    expect(findings[2]?.message).toBe('Value input flows to eval.');
    expect(findings[2]?.title).toBe('Templated: Value input flows to eval.');
  });
});

describe('importSarif: several runs', () => {
  it('imports every run under its own tool', () => {
    const { findings, tools } = load('multi-run/two-runs.sarif');
    expect(tools).toEqual([{ name: 'gitleaks', version: '8.21.0' }, { name: 'bandit' }]);
    expect(findings.map((f) => [f.source, f.rule?.id, f.location.path, f.severity])).toEqual([
      ['gitleaks', 'generic-api-key', 'config.env', 'medium'],
      ['bandit', 'B602', 'tools/run.py', 'high'],
    ]);
    expect(findings[0]?.properties?.automationDetailsId).toBe('gitleaks/');
  });
});

describe('importSarif: malformed input', () => {
  const parse = (text: string, maxBytes?: number) =>
    importSarif(text, { sourceName: 'bad.sarif', ...(maxBytes === undefined ? {} : { maxBytes }) });

  it('throws ParseError naming the file for broken JSON', () => {
    expect(() => parse(fixture('invalid/truncated.sarif'))).toThrow(ParseError);
    expect(() => parse(fixture('invalid/truncated.sarif'))).toThrow(/^bad\.sarif: not valid JSON: /);
  });

  it('throws for another SARIF version', () => {
    expect(() => parse(fixture('invalid/wrong-version.sarif'))).toThrow(
      'bad.sarif: unsupported SARIF version "2.0.0": only 2.1.0 is read',
    );
    expect(() => parse('[]')).toThrow('bad.sarif: not a SARIF log: the top level is not a JSON object');
  });

  it('throws for a log of the wrong shape, with the JSON pointer', () => {
    expect(() => parse(fixture('invalid/bad-shape.sarif'))).toThrow(
      "bad.sarif: not a valid SARIF 2.1.0 log: /runs/0/tool: must have required property 'driver'",
    );
    expect(() => parse('{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{},"level":"fatal"}]}]}')).toThrow(
      /\/runs\/0\/results\/0\/level: must be equal to one of the allowed values/,
    );
  });

  it('refuses input over maxBytes before parsing', () => {
    const text = fixture('eslint/app.sarif');
    expect(() => parse(text, 100)).toThrow(`bad.sarif: SARIF log of ${Buffer.byteLength(text)} bytes is over the 100-byte limit`);
    // Not even JSON, but refused for its size first.
    expect(() => parse('x'.repeat(101), 100)).toThrow(/over the 100-byte limit/);
  });

  it('accepts a byte order mark', () => {
    expect(() => importSarif(`\ufeff${fixture('multi-run/two-runs.sarif')}`, { sourceName: 'bom' })).not.toThrow();
  });
});
