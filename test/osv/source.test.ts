import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importOsv, indexFileName } from '../../src/osv/db.js';
import { offlineSource } from '../../src/osv/source.js';
import { fixturesDir, pkg } from './helpers.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'sieve-osv-source-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('offlineSource', () => {
  it('matches against the imported index and reports ecosystems without data', async () => {
    const osvDir = path.join(home, 'osv');
    await importOsv(osvDir, [path.join(fixturesDir, 'records')], { now: new Date('2025-01-01T00:00:00Z') });
    const result = await offlineSource(osvDir).lookup([pkg('npm', 'last-pkg', '1.0.0'), pkg('Go', 'example.com/x', 'v1.0.0')], {});
    expect(result.findings.map((f) => f.title)).toEqual(['TEST-LAST in last-pkg@1.0.0: introduced 0, last_affected 2.0.0']);
    // No data for Go: a warning the run gives once, not a failure; Go's findings stay as they were.
    expect(result.problems).toEqual([]);
    expect(result.missingData).toEqual(['Go']);
    expect(result.failures).toEqual([]);
    expect(result.keepOpen).toEqual([expect.objectContaining({ stage: 'osv', scope: { kind: 'dependencies', ecosystem: 'Go' } })]);
    expect(result.provenance).toEqual({
      source: 'offline',
      ecosystems: { npm: { records: 12, lastModified: '2024-03-01T00:00:00Z', importedAt: '2025-01-01T00:00:00.000Z' } },
    });
  });

  it('keeps the findings of local, git and ${VAR}-versioned packages as they were, without calling the target partial', async () => {
    const osvDir = path.join(home, 'osv-keep');
    await importOsv(osvDir, [path.join(fixturesDir, 'records')], { now: new Date('2025-01-01T00:00:00Z') });
    const local = { ...pkg('npm', 'last-pkg', '1.0.0'), source: 'local' as const, sourceRef: 'packages/last-pkg' };
    const git = { ...pkg('npm', 'fixed-pkg', '1.1.0'), source: 'git' as const };
    const unjudgeable = { ...pkg('npm', 'other-pkg', ''), unpinned: true };
    const result = await offlineSource(osvDir).lookup([local, git, unjudgeable], {});
    expect(result.findings).toEqual([]);
    expect(result.failures).toEqual([]);
    expect(result.keepOpen?.map((entry) => entry.message)).toEqual([
      'last-pkg comes from a local path, not a registry: not matched',
      'fixed-pkg comes from git, not a registry: not matched',
      'other-pkg@(unpinned) could not be matched',
    ]);
  });

  it('keeps a damaged index a failure of the data, unlike data never imported', async () => {
    const osvDir = path.join(home, 'osv-damaged');
    await importOsv(osvDir, [path.join(fixturesDir, 'records')], { now: new Date('2025-01-01T00:00:00Z') });
    writeFileSync(path.join(osvDir, indexFileName('PyPI')), '{ not an index');
    const result = await offlineSource(osvDir).lookup([pkg('PyPI', 'django', '1.0')], {});
    expect(result.failures).toEqual([expect.objectContaining({ stage: 'osv', scope: { kind: 'dependencies', ecosystem: 'PyPI' } })]);
    expect(result.missingData).toEqual([]);
  });
});
