import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { importSarif } from '../../src/sarif/import.js';

/**
 * Every SARIF fixture except the deliberately broken ones must pass the SARIF Multitool validator,
 * so the importer is tested on logs real consumers accept. One invocation validates them all.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sarifRoot = path.join(repoRoot, 'fixtures/sarif');
const BROKEN_ON_PURPOSE = new Set(['invalid', 'unsafe']);

const fixtures = readdirSync(sarifRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((dir) =>
    readdirSync(path.join(sarifRoot, dir.name))
      .filter((file) => file.endsWith('.sarif'))
      .map((file) => ({ group: dir.name, file: path.join(sarifRoot, dir.name, file) })),
  );
const valid = fixtures.filter((f) => !BROKEN_ON_PURPOSE.has(f.group)).map((f) => f.file);
// A known-bad control: its '..' base must be reported, so the check can fail.
const control = path.join(sarifRoot, 'unsafe/base-climbs-out.sarif');

const temp = mkdtempSync(path.join(tmpdir(), 'sieve-multitool-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('SARIF fixtures', () => {
  it('pass the SARIF Multitool validator (and the control does not)', { timeout: 180_000 }, () => {
    expect(valid.length).toBeGreaterThanOrEqual(10);
    const require = createRequire(import.meta.url);
    const multitool = path.join(path.dirname(require.resolve('@microsoft/sarif-multitool/package.json')), 'bin.js');
    const output = path.join(temp, 'validation.sarif');
    const stdout = execFileSync(process.execPath, [multitool, 'validate', ...valid, control, '--output', output], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(stdout).toContain(`Done. ${valid.length + 1} files scanned.`);

    // The validator's own output is SARIF: read it with Sieve's importer.
    const report = importSarif(readFileSync(output, 'utf8'), { sourceName: output, checkoutDir: repoRoot });
    expect(report.errors).toEqual([]);
    const errors = report.findings
      .filter((f) => f.properties?.level === 'error')
      .map((f) => `${f.location.path}:${f.location.startLine ?? 0} ${f.rule?.id} ${f.message}`);
    expect(errors.filter((line) => !line.startsWith('fixtures/sarif/unsafe/'))).toEqual([]);
    expect(errors.some((line) => line.startsWith('fixtures/sarif/unsafe/base-climbs-out.sarif') && line.includes('SARIF1004'))).toBe(true);
  });
});
