import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mirrorPath } from '../../src/checkout/clone.js';
import type { TargetConfig } from '../../src/config/load.js';
import { houseKeep } from '../../src/pipeline/housekeeping.js';
import { tempDir } from '../helpers/git.js';

function target(repo: string): TargetConfig {
  return { name: repo, key: repo, kind: 'repo', repo, analyzers: [], sarif: [], paths: [], exclude: [], skipEcosystems: [], includeTestFixtures: false, rules: [] };
}

describe('houseKeep', () => {
  it('prunes old run folders, unused mirrors and what killed runs left, and keeps the rest', () => {
    const home = tempDir('sieve-housekeeping-');
    const runs = ['20260101T000000Z-aaaaaa', '20260815T000000Z-bbbbbb', '20260910T000000Z-cccccc', '20261201T000000Z-dddddd'];
    for (const run of runs) {
      mkdirSync(join(home, 'runs', run), { recursive: true });
      writeFileSync(join(home, 'runs', run, 'summary.json'), '{}');
    }
    const cache = join(home, 'cache');
    const used = mirrorPath(cache, 'https://example.invalid/used.git');
    const unused = mirrorPath(cache, 'https://example.invalid/gone.git');
    for (const dir of [used, unused, join(cache, 'git', '.tmp-abc-123', 'mirror.git'), join(cache, 'worktrees', 'left-by-a-kill'), join(cache, 'tmp', '20260910T000000Z-cccccc')]) {
      mkdirSync(dir, { recursive: true });
    }
    const result = houseKeep({ home, keepRunsDays: 90, now: new Date('2026-12-01T01:00:00Z'), targets: [target('https://example.invalid/used.git')], currentRun: runs[3] });
    expect(readdirSync(join(home, 'runs')).sort()).toEqual(runs.slice(2));
    expect(result.runsRemoved).toEqual(runs.slice(0, 2));
    expect(existsSync(used)).toBe(true);
    expect(existsSync(unused)).toBe(false);
    expect(readdirSync(join(cache, 'git'))).toEqual([used.split('/').at(-1)]);
    // No empty temp folders are left behind.
    expect(existsSync(join(cache, 'worktrees'))).toBe(false);
    expect(existsSync(join(cache, 'tmp'))).toBe(false);
  });

  it('always keeps the newest run, however old', () => {
    const home = tempDir('sieve-housekeeping-');
    mkdirSync(join(home, 'runs', '20200101T000000Z-aaaaaa'), { recursive: true });
    houseKeep({ home, keepRunsDays: 1, now: new Date('2026-12-01T00:00:00Z'), targets: [] });
    expect(readdirSync(join(home, 'runs'))).toEqual(['20200101T000000Z-aaaaaa']);
  });
});
