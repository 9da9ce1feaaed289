import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAnalyzer } from '../../src/analyzers/registry.js';
import { runAnalyzer } from '../../src/analyzers/run.js';
import { importSarif } from '../../src/sarif/import.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fakeBin = (name: string): string => path.join(repoRoot, 'fixtures/bin', name);

let temp: string;
let checkout: string;
beforeAll(() => {
  temp = mkdtempSync(path.join(tmpdir(), 'sieve-analyzers-'));
  checkout = path.join(temp, 'checkout');
  cpSync(path.join(repoRoot, 'fixtures/code'), checkout, { recursive: true });
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const custom = (name: string, command: string[], extra: Record<string, unknown> = {}) =>
  resolveAnalyzer({ name, command, ...extra });

describe('runAnalyzer with fake analyzers', () => {
  it('accepts SARIF written to {output} by a tool that exits 1', async () => {
    const result = await runAnalyzer(custom('fake', [process.execPath, fakeBin('writes-sarif-exit-1.mjs'), '{output}']), checkout, { tempDir: temp });
    expect(result).toMatchObject({ tool: 'fake', status: 'ok', exitCode: 1, toolVersion: '1.2.3', sources: ['fake', 'faketool'] });
    expect(result.error).toBeUndefined();
    const imported = importSarif(result.sarifText ?? '', { sourceName: 'fake', checkoutDir: checkout });
    expect(imported.findings.map((f) => [f.source, f.rule?.id, f.location.path, f.location.startLine, f.message])).toEqual([
      ['faketool', 'FAKE001', 'js/app.js', 3, 'found in checkout'],
    ]);
  });

  it('reads stdout when the command has no {output}, and passes only PATH/HOME/LANG/TMPDIR plus the allow-list', async () => {
    process.env.SIEVE_TEST_ALLOWED = 'yes';
    process.env.SIEVE_TEST_SECRET = 'do-not-pass';
    try {
      const result = await runAnalyzer(
        custom('fake-stdout', [process.execPath, fakeBin('writes-sarif-exit-1.mjs')], { env: ['SIEVE_TEST_ALLOWED'] }),
        checkout,
        { tempDir: temp },
      );
      expect(result.status).toBe('ok');
      const log = JSON.parse(result.sarifText ?? '{}') as { runs: Array<{ results: Array<{ properties: { env: string[] } }> }> };
      const seen = log.runs[0]?.results[0]?.properties.env ?? [];
      // Node itself may add nothing; anything else would be a leak.
      expect(seen.filter((name) => !['PATH', 'HOME', 'LANG', 'TMPDIR', 'SIEVE_TEST_ALLOWED'].includes(name))).toEqual([]);
      expect(seen).toContain('SIEVE_TEST_ALLOWED');
      expect(seen).not.toContain('SIEVE_TEST_SECRET');
    } finally {
      delete process.env.SIEVE_TEST_ALLOWED;
      delete process.env.SIEVE_TEST_SECRET;
    }
  });

  it('reports a crash without output as failed, naming the tool and its stderr', async () => {
    const result = await runAnalyzer(custom('crashy', [process.execPath, fakeBin('crashes.mjs'), '{output}']), checkout, { tempDir: temp });
    expect(result).toMatchObject({ tool: 'crashy', status: 'failed', exitCode: 70, sources: ['crashy'] });
    expect(result.error).toBe(
      'crashy exited with code 70 without writing SARIF output: fake analyzer: internal error: segmentation of the imagination',
    );
    expect(result.sarifText).toBeUndefined();
  });

  it('reports output that is not JSON as failed', async () => {
    const result = await runAnalyzer(custom('texty', [process.execPath, fakeBin('not-json.mjs'), '{output}']), checkout, { tempDir: temp });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^texty wrote output that is not JSON \(exit code 0\): /);
    const stdout = await runAnalyzer(custom('texty-stdout', [process.execPath, fakeBin('not-json.mjs')]), checkout, { tempDir: temp });
    expect(stdout.error).toMatch(/^texty-stdout wrote output that is not JSON/);
  });

  it('kills a tool that hangs at the timeout and reports it failed', async () => {
    const started = Date.now();
    const result = await runAnalyzer(custom('sleepy', [process.execPath, fakeBin('hangs.mjs')]), checkout, { tempDir: temp, timeoutMs: 1000 });
    expect(result).toMatchObject({ tool: 'sleepy', status: 'failed', error: 'sleepy timed out after 1 s and was killed' });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('reports a program that does not exist as failed', async () => {
    const result = await runAnalyzer(custom('ghost', ['sieve-no-such-analyzer-program']), checkout, { tempDir: temp });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^ghost could not be started or was killed by a signal \(sieve-no-such-analyzer-program\)/);
  });

  it('reads an output file inside the checkout, but not through a symlink that leaves it', async () => {
    const analyzer = custom('cwd-writer', [process.execPath, fakeBin('writes-into-cwd.mjs')], { output: 'fake-results.sarif' });
    const result = await runAnalyzer(analyzer, checkout, { tempDir: temp });
    expect(result).toMatchObject({ status: 'ok', sources: ['cwd-writer', 'cwdtool'] });

    const other = path.join(temp, 'other-checkout');
    cpSync(path.join(repoRoot, 'fixtures/code'), other, { recursive: true });
    symlinkSync(path.join(temp, 'outside.sarif'), path.join(other, 'linked.sarif'));
    const linked = custom('linker', [process.execPath, '-e', 'require("fs").writeFileSync(process.argv[1], "{}")', path.join(temp, 'outside.sarif')], {
      output: 'linked.sarif',
    });
    const refused = await runAnalyzer(linked, other, { tempDir: temp });
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/resolves outside the checkout/);
    expect(() => resolveAnalyzer({ name: 'y', command: ['x'], output: '../up.sarif' })).not.toThrow();
    const escaping = await runAnalyzer(resolveAnalyzer({ name: 'y', command: ['true'], output: '../up.sarif' }), checkout, { tempDir: temp });
    expect(escaping.error).toBe('y could not be prepared: output path "../up.sarif" is outside the checkout');
  });

  it('does not run codeql: it is import-only, and the run says so as a failure', async () => {
    const result = await runAnalyzer(resolveAnalyzer('codeql'), checkout, { tempDir: temp });
    expect(result).toMatchObject({ tool: 'codeql', status: 'failed', sources: ['codeql'] });
    expect(result.error).toMatch(/^codeql is import-only/);
  });
});

describe('runAnalyzer with real analyzers', () => {
  it("runs the ESLint preset with Sieve's own config, never the repository's", async () => {
    const result = await runAnalyzer(resolveAnalyzer('eslint'), checkout, { tempDir: temp });
    expect(result).toMatchObject({ tool: 'eslint', status: 'ok', exitCode: 1 });
    expect(result.toolVersion).toMatch(/^\d+\.\d+\.\d+$/);
    // The hostile eslint.config.js in the fixture would have written this marker if executed.
    expect(existsSync(path.join(checkout, 'SIEVE-RAN-REPOSITORY-CODE'))).toBe(false);

    const { findings, errors } = importSarif(result.sarifText ?? '', {
      sourceName: 'eslint',
      checkoutDir: checkout,
      readFile: (p) => readFileSync(path.join(checkout, p), 'utf8'),
    });
    expect(errors).toEqual([]);
    expect(findings.map((f) => [f.rule?.id, f.location.path, f.location.startLine, f.suppressedInSource])).toEqual([
      ['no-eval', 'js/app.js', 3, false],
      ['no-implied-eval', 'js/app.js', 4, false],
      ['no-new-func', 'js/app.js', 5, false],
      ['no-eval', 'js/app.js', 7, true],
    ]);
    expect(findings[0]?.fingerprints?.primaryLocationLineHash).toMatch(/^[0-9a-f]+:1$/);
  });

  const hasFlawfinder = (() => {
    try {
      execFileSync('flawfinder', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  // CI installs flawfinder; only a developer machine without it may skip.
  const flawfinderTest = hasFlawfinder || process.env.CI ? it : it.skip;

  flawfinderTest('runs the flawfinder preset on a C file with strcpy and gets', async () => {
    const result = await runAnalyzer(resolveAnalyzer('flawfinder'), checkout, { tempDir: temp });
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ tool: 'flawfinder', status: 'ok', exitCode: 0 });
    const { findings, errors } = importSarif(result.sarifText ?? '', { sourceName: 'flawfinder', checkoutDir: checkout });
    expect(errors).toEqual([]);
    const byRule = Object.fromEntries(findings.map((f) => [f.rule?.name, f]));
    expect(byRule['buffer/strcpy']).toMatchObject({ source: 'flawfinder', severity: 'high', location: { path: 'c/copy.c', startLine: 8 } });
    expect(byRule['buffer/strcpy']?.cwes).toContain('CWE-120');
    expect(byRule['buffer/gets']).toMatchObject({ severity: 'high', location: { path: 'c/copy.c', startLine: 9 } });
  });
});
