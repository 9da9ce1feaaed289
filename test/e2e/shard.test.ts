import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDir, sieve } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';

function lock(name: string, version: string): string {
  return JSON.stringify({ name: 'x', lockfileVersion: 3, packages: { '': { name: 'x', dependencies: { [name]: version } }, [`node_modules/${name}`]: { version } } });
}

function lastRunDir(stderr: string): string {
  const finished = stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; runDir?: string })
    .filter((entry) => entry.msg === 'scan finished')
    .at(-1);
  return finished?.runDir ?? '';
}

describe('sharded scans merged into one store', () => {
  it('splits targets over shards and merges their bundles without losing or repeating findings', () => {
    const root = tempDir('sieve-shard-');
    const targets = ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((name, index) => {
      const dir = join(root, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'package-lock.json'), lock(['semver', 'moment', 'lodash', 'ms', 'qs'][index] as string, ['4.3.0', '2.11.0', '4.17.4', '0.7.0', '0.6.0'][index] as string));
      return { name, path: dir };
    });
    const config = join(root, 'scan-targets.json');
    writeFileSync(config, JSON.stringify({ targets }));
    const osv = join(sharedDir, 'osv-db');
    const central = join(root, 'central');

    const shardRuns = [1, 2].map((index) => {
      const result = sieve(['scan', '--targets', config, '--shard', `${index}/2`, '--osv-db', osv, '--home', join(root, `shard-${index}`), '--json'], { cwd: root });
      expect(result.code, result.stderr).toBe(0);
      const runDir = lastRunDir(result.stderr);
      const bundle = JSON.parse(readFileSync(join(runDir, 'bundle.json'), 'utf8')) as { targets: Array<{ target: { name: string } }> };
      return { runDir, names: bundle.targets.map((entry) => entry.target.name) };
    });
    // Every target on exactly one shard.
    expect([...shardRuns[0]!.names, ...shardRuns[1]!.names].sort()).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);

    const merged = sieve(['merge', ...shardRuns.map((run) => run.runDir), '--home', central, '--json'], { cwd: root });
    expect(merged.code, merged.stderr).toBe(0);
    const mergedRun = lastRunDir(merged.stderr);
    const newFindings = JSON.parse(readFileSync(join(mergedRun, 'new.json'), 'utf8')) as Array<{ target: string }>;
    expect([...new Set(newFindings.map((finding) => finding.target))].sort()).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);

    // The next night: same results, merged again, nothing new.
    const again = [1, 2].map((index) => {
      const result = sieve(['scan', '--targets', config, '--shard', `${index}/2`, '--osv-db', osv, '--home', join(root, `shard-${index}`), '--json'], { cwd: root, env: { SIEVE_NOW: '2026-11-03T03:00:00Z' } });
      return lastRunDir(result.stderr);
    });
    const second = sieve(['merge', ...again, '--home', central, '--json'], { cwd: root });
    expect(second.code).toBe(0);
    expect(JSON.parse(readFileSync(join(lastRunDir(second.stderr), 'new.json'), 'utf8'))).toEqual([]);
    const summary = JSON.parse(readFileSync(join(lastRunDir(second.stderr), 'summary.json'), 'utf8')) as { targets: Array<{ counts: { unchanged: number } }> };
    expect(summary.targets.every((target) => target.counts.unchanged > 0)).toBe(true);

    const dup = sieve(['merge', shardRuns[0]!.runDir, shardRuns[0]!.runDir, '--home', central], { cwd: root });
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('more than one bundle');
  });
});
