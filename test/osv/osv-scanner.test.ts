import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osvScannerSource } from '../../src/osv/osv-scanner.js';
import { pkg, repoRoot } from './helpers.js';

const savedPath = process.env.PATH;
let checkout: string;
beforeAll(() => {
  process.env.PATH = `${path.join(repoRoot, 'fixtures/bin')}${path.delimiter}${savedPath ?? ''}`;
  checkout = mkdtempSync(path.join(os.tmpdir(), 'sieve-osv-scanner-'));
});
afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(checkout, { recursive: true, force: true });
});

// The fake osv-scanner in fixtures/bin ignores the database; an empty one is laid out for it.
const scannerOptions = () => ({ osvDir: path.join(checkout, 'no-osv-data'), cacheDir: path.join(checkout, 'cache') });

describe('osvScannerSource', () => {
  it('reads osv-scanner JSON into one finding per alias group, located at the lockfile', async () => {
    const result = await osvScannerSource(scannerOptions()).lookup([pkg('npm', 'lodash', '4.17.15')], { checkoutDir: checkout });
    expect(result.problems).toEqual([]);
    expect(result.provenance).toEqual({ source: 'osv-scanner', ecosystems: { npm: { records: 2 } } });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      kind: 'dependency',
      source: 'osv',
      severity: 'high',
      title: 'CVE-2020-8203 in lodash@4.17.15: summary of CVE-2020-8203',
      location: { path: 'app/package-lock.json', startLine: 1 },
      cwes: ['CWE-1321'],
      package: { ecosystem: 'npm', name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15' },
      vulnerability: { id: 'CVE-2020-8203', aliases: ['GHSA-p6mc-m468-83gw'], fixedVersions: ['4.17.19'] },
    });
  });

  it('keeps open what osv-scanner did not read: a lockfile Sieve read and osv-scanner left out', async () => {
    const read = { ...pkg('npm', 'lodash', '4.17.15'), location: { path: 'app/package-lock.json', line: 3 } };
    const unread = { ...pkg('GitHub Actions', 'actions/checkout', 'v2'), location: { path: '.github/workflows/ci.yml', line: 9 } };
    const result = await osvScannerSource(scannerOptions()).lookup([read, unread], { checkoutDir: checkout });
    expect(result.findings.map((finding) => finding.location.path)).toEqual(['app/package-lock.json']);
    expect(result.keepOpen).toEqual([
      { stage: 'osv', scope: { kind: 'dependencies', lockfile: '.github/workflows/ci.yml' }, message: 'osv-scanner did not read .github/workflows/ci.yml: its findings stay as they were' },
    ]);
  });

  it('a scanner that fails fails the lookup with its stderr', async () => {
    const failing = mkdtempSync(path.join(os.tmpdir(), 'sieve-osv-scanner-fail-'));
    writeFileSync(path.join(failing, 'fail'), '');
    try {
      await expect(osvScannerSource(scannerOptions()).lookup([], { checkoutDir: failing })).rejects.toThrow(/osv-scanner exited with code 127: failed to scan: boom/);
    } finally {
      rmSync(failing, { recursive: true, force: true });
    }
  });

  it('a missing binary says so', async () => {
    await expect(osvScannerSource({ ...scannerOptions(), binary: 'sieve-no-such-osv-scanner' }).lookup([], { checkoutDir: checkout })).rejects.toThrow(
      'sieve-no-such-osv-scanner not found on PATH',
    );
  });
});
