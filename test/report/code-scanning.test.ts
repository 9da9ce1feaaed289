import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/exec/run.js';
import { codeScanningSarif, cweTag, dependencyCategory } from '../../src/report/code-scanning.js';
import { codeFinding, dependencyFinding } from './fixtures.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const multitool = path.join(repoRoot, 'node_modules/.bin/sarif-multitool');

function everyFeature(): Parameters<typeof codeScanningSarif>[0] {
  return {
    target: 'web',
    commit: '2222222222222222222222222222222222222222',
    repoUri: 'https://token:secret@github.com/example-org/web.git',
    tools: { eslint: '9.1.0', osv: '2024-05-14' },
    retiredCategories: ['sieve/osv/old/yarn.lock/', 'sieve/semgrep/'],
    findings: [
      dependencyFinding(),
      dependencyFinding({
        id: 'dep-minimist-1',
        severity: 'critical',
        score: undefined,
        lastTransition: 'reopened',
        vulnerability: { id: 'GHSA-xvch-5gv4-984h', aliases: ['CVE-2021-44906'], fixedVersions: [] },
        package: { ecosystem: 'npm', name: 'minimist', version: '1.2.5', purl: 'pkg:npm/minimist@1.2.5', direct: false, scope: 'dev' },
        location: { path: 'package-lock.json', startLine: 90 },
        cwes: [],
      }),
      dependencyFinding({
        id: 'dep-py-1',
        severity: 'low',
        score: undefined,
        lastTransition: 'unchanged',
        location: { path: 'tools/requirements.txt', startLine: 3 },
        vulnerability: { id: 'PYSEC-2024-1', aliases: [], fixedVersions: ['2.0'] },
        package: { ecosystem: 'PyPI', name: 'jinja2', version: '1.0', purl: 'pkg:pypi/jinja2@1.0', direct: true, scope: 'runtime' },
        cwes: ['79'],
      }),
      codeFinding(),
      codeFinding({
        id: 'code-eval-2',
        severity: 'unknown',
        rule: { id: 'no-eval', tool: 'eslint' },
        fingerprints: undefined,
        location: { path: './lib/run.js' },
        cwes: [],
        triage: { status: 'accepted-risk', reason: 'sandboxed', by: 'alice', at: '2024-05-10T00:00:00Z' },
        suppression: { rule: 'triage', reason: 'sandboxed' },
      }),
      codeFinding({ id: 'fixed-one', state: 'fixed', lastTransition: 'fixed' }),
    ],
  };
}

describe('codeScanningSarif', () => {
  it('writes one run per tool and per lockfile with stable categories', () => {
    const { log, cut } = codeScanningSarif(everyFeature());
    expect(cut).toEqual([]);
    expect(log.version).toBe('2.1.0');
    expect(log.runs.map((run) => [run.automationDetails?.id, run.tool.driver.name, run.results?.length])).toEqual([
      ['sieve/eslint/', 'eslint', 2],
      ['sieve/osv/package-lock.json/', 'Sieve (OSV)', 2],
      ['sieve/osv/tools/requirements.txt/', 'Sieve (OSV)', 1],
      ['sieve/osv/old/yarn.lock/', 'Sieve (OSV)', 0],
      ['sieve/semgrep/', 'semgrep', 0],
    ]);
    expect(log.runs[0]?.tool.driver.version).toBe('9.1.0');
    expect(log.runs[0]?.versionControlProvenance).toEqual([
      { repositoryUri: 'https://github.com/example-org/web.git', revisionId: '2222222222222222222222222222222222222222' },
    ]);
  });

  it('fills baselineState, fingerprints, security-severity, tags and locations', () => {
    const { log } = codeScanningSarif(everyFeature());
    const [eslint, lock] = log.runs;
    const xss = eslint?.results?.find((result) => result.properties?.['sieve/id'] === 'code-xss-1');
    expect(xss?.baselineState).toBe('unchanged');
    expect(xss?.partialFingerprints).toEqual({ 'primaryLocationLineHash/v1': 'abc123:1', 'sieve/v1': 'code-xss-1' });
    expect(xss?.properties?.['security-severity']).toBe('5.5');
    expect(xss?.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'src/app%20view.js', uriBaseId: '%SRCROOT%' },
      region: { startLine: 10, endLine: 12, startColumn: 3, endColumn: 20 },
    });
    const evalResult = eslint?.results?.find((result) => result.ruleId === 'no-eval');
    expect(evalResult?.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'sandboxed' }]);
    expect(evalResult?.properties?.['security-severity']).toBeUndefined();
    expect(evalResult?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe('lib/run.js');
    const xssRule = eslint?.tool.driver.rules?.find((rule) => rule.id === 'no-unsanitized/property');
    expect(xssRule?.properties?.tags).toEqual(['security', 'external/cwe/cwe-79']);

    const lodash = lock?.results?.find((result) => result.ruleId === 'GHSA-p6mc-m468-83gw');
    expect(lodash?.baselineState).toBe('new');
    expect(lodash?.partialFingerprints).toEqual({ 'sieve/v1': 'dep-lodash-1' });
    expect(lodash?.properties?.['security-severity']).toBe('7.4');
    expect(lodash?.locations?.[0]?.physicalLocation?.region).toEqual({ startLine: 42 });
    const minimist = lock?.results?.find((result) => result.ruleId === 'GHSA-xvch-5gv4-984h');
    expect(minimist?.baselineState).toBe('new');
    expect(minimist?.properties?.['security-severity']).toBe('9.5');
    expect(minimist?.level).toBe('error');

    const rule = lock?.tool.driver.rules?.find((r) => r.id === 'GHSA-p6mc-m468-83gw');
    expect(rule?.helpUri).toBe('https://nvd.nist.gov/vuln/detail/CVE-2020-8203');
    expect(rule?.help?.text).toBe(
      [
        'GHSA-p6mc-m468-83gw: Prototype pollution in lodash',
        'Package: npm/lodash@4.17.15',
        'Affected: introduced 0, fixed 4.17.20',
        'Fixed in: 4.17.20',
        'Aliases: CVE-2020-8203',
        'References:',
        '- https://nvd.nist.gov/vuln/detail/CVE-2020-8203',
      ].join('\n'),
    );
    expect(rule?.help?.markdown).not.toContain('javascript:');
    expect(rule?.properties).toEqual({ tags: ['security', 'dependency', 'external/cwe/cwe-1321'], 'security-severity': '7.4' });
  });

  it('cuts the least severe results beyond maxResultsPerRun and reports the cut', () => {
    const findings = ['low', 'critical', 'medium', 'high', 'low'].map((severity, index) =>
      codeFinding({ id: `c${index}`, severity: severity as 'low', score: undefined }),
    );
    const { log, cut } = codeScanningSarif({ target: 'web', findings, tools: {}, retiredCategories: [], maxResultsPerRun: 3 });
    expect(cut).toEqual([{ category: 'sieve/eslint/', dropped: 2 }]);
    expect(log.runs[0]?.results?.map((result) => result.properties?.['sieve/id']).sort()).toEqual(['c1', 'c2', 'c3']);
  });

  it('keeps at most 20 runs per file, dropping the least severe runs', () => {
    const findings = Array.from({ length: 22 }, (_, index) =>
      dependencyFinding({ id: `d${index}`, severity: index < 2 ? 'low' : 'high', location: { path: `p${index}/package-lock.json`, startLine: 1 } }),
    );
    const { log, cut } = codeScanningSarif({ target: 'web', findings, tools: {}, retiredCategories: [] });
    expect(log.runs).toHaveLength(20);
    expect(cut).toEqual([
      { category: dependencyCategory('p0/package-lock.json'), dropped: 1 },
      { category: dependencyCategory('p1/package-lock.json'), dropped: 1 },
    ]);
  });

  it('says what to raise a declared floor to, and marks informational notices', () => {
    const ranged = dependencyFinding({
      id: 'ranged',
      location: { path: 'requirements.txt', startLine: 1 },
      message: 'your declared minimum 2.11.0 (>=2.11.0) is affected; raise it to 2.11.3',
      package: { ecosystem: 'PyPI', name: 'jinja2', version: '2.11.0', purl: 'pkg:pypi/jinja2@2.11.0', direct: true, scope: 'runtime', declaredRange: '>=2.11.0' },
      vulnerability: { id: 'PYSEC-2021-66', aliases: [], fixedVersions: ['2.11.3'], summary: 'ReDoS' },
    });
    const notice = dependencyFinding({ id: 'notice', vulnerability: { id: 'RUSTSEC-2021-0139', aliases: [], fixedVersions: [], informational: 'unmaintained', summary: 'ansi_term is unmaintained' } });
    const { log } = codeScanningSarif({ target: 'web', findings: [ranged, notice], tools: {}, retiredCategories: [] });
    const messages = log.runs.flatMap((run) => run.results ?? []).map((result) => result.message.text);
    expect(messages).toContain('PyPI/jinja2>=2.11.0 is affected by PYSEC-2021-66: ReDoS. Your declared minimum 2.11.0 (>=2.11.0) is affected; raise it to 2.11.3.');
    expect(messages.some((text) => text?.includes('RUSTSEC-2021-0139 (unmaintained, not a vulnerability): ansi_term is unmaintained.'))).toBe(true);
  });

  it('reads CWE ids in their usual spellings', () => {
    expect(cweTag('CWE-79')).toBe('external/cwe/cwe-79');
    expect(cweTag('cwe-0089')).toBe('external/cwe/cwe-89');
    expect(cweTag('22')).toBe('external/cwe/cwe-22');
    expect(cweTag('not a cwe')).toBeUndefined();
  });

  it.skipIf(!existsSync(multitool))('passes the SARIF Multitool validator with no errors', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sieve-sarif-'));
    try {
      const input = path.join(dir, 'code-scanning.sarif');
      const output = path.join(dir, 'validation.sarif');
      await writeFile(input, JSON.stringify(codeScanningSarif(everyFeature()).log, null, 2));
      const result = await run(multitool, ['validate', input, '--output', output], { timeoutMs: 120_000 });
      expect(existsSync(output), result.stdout + result.stderr).toBe(true);
      // Warnings (tool informationUri, branch in provenance) are advice; errors would fail an upload.
      const validation = JSON.parse(await readFile(output, 'utf8')) as Log;
      const errors = validation.runs.flatMap((r) => r.results ?? []).filter((r) => (r.level ?? 'warning') === 'error');
      expect(errors.map((e) => `${e.ruleId}: ${e.message.text ?? JSON.stringify(e.message)}`)).toEqual([]);
      // Tool execution problems (an unreadable file) show up as notifications, not results.
      const notifications = validation.runs.flatMap((r) => r.invocations ?? []).flatMap((i) => i.toolExecutionNotifications ?? []);
      expect(notifications.filter((n) => n.level === 'error')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
