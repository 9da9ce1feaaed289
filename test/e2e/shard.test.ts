import { createHash } from 'node:crypto';
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
      // Pinned before the second night below: merge orders scans by time.
      const result = sieve(['scan', '--targets', config, '--shard', `${index}/2`, '--osv-db', osv, '--home', join(root, `shard-${index}`), '--json'], { cwd: root, env: { SIEVE_NOW: '2026-11-02T03:00:00Z' } });
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

    // Merging is idempotent: a bundle merged again (even twice in one call) changes nothing.
    const dup = sieve(['merge', shardRuns[0]!.runDir, shardRuns[0]!.runDir, '--home', central, '--json'], { cwd: root });
    expect(dup.code, dup.stderr).toBe(0);
    const dupSummary = JSON.parse(readFileSync(join(lastRunDir(dup.stderr), 'summary.json'), 'utf8')) as { targets: Array<{ status: string; counts: { fixed: number; new: number } }> };
    expect(dupSummary.targets.map((target) => target.status)).toEqual(shardRuns[0]!.names.flatMap(() => ['skipped', 'skipped']));
    expect(JSON.parse(readFileSync(join(lastRunDir(dup.stderr), 'new.json'), 'utf8'))).toEqual([]);
  });

  it('is order-safe: an older bundle after a newer one never reopens a fix, and runs/*/ of a home with two runs merges in scan order', () => {
    const root = tempDir('sieve-merge-order-');
    const app = join(root, 'app');
    mkdirSync(app);
    const config = join(root, 'scan-targets.json');
    writeFileSync(config, JSON.stringify({ targets: [{ name: 'app', path: app }] }));
    const osv = join(sharedDir, 'osv-db');
    const shardHome = join(root, 'shard-1');
    const night = (at: string) => {
      const result = sieve(['scan', '--targets', config, '--shard', '1/1', '--osv-db', osv, '--home', shardHome, '--json'], { cwd: root, env: { SIEVE_NOW: at } });
      expect(result.code, result.stderr).toBe(0);
      return lastRunDir(result.stderr);
    };
    writeFileSync(join(app, 'package-lock.json'), lock('semver', '4.3.0'));
    const older = night('2026-11-02T03:00:00Z');
    writeFileSync(join(app, 'package-lock.json'), lock('semver', '7.5.4'));
    const newer = night('2026-11-03T03:00:00Z');
    const merge = (home: string, ...runs: string[]) => {
      const result = sieve(['merge', ...runs, '--home', home, '--json'], { cwd: root, env: { SIEVE_NOW: '2026-11-04T03:00:00Z' } });
      expect(result.code, result.stderr).toBe(0);
      const dir = lastRunDir(result.stderr);
      return {
        summary: JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { targets: Array<{ status: string; counts: Record<string, number> }> },
        alerts: (JSON.parse(readFileSync(join(dir, 'new.json'), 'utf8')) as unknown[]).length,
      };
    };
    const states = (home: string) =>
      ['open', 'fixed'].flatMap((state) => (JSON.parse(sieve(['findings', '--home', home, '--state', state, '--format', 'json'], { cwd: root }).stdout) as unknown[]).map(() => state));

    // The older night, then the newer (the fix), then the older replayed: skipped, the fix stands.
    const a = join(root, 'central-a');
    expect(merge(a, older).alerts).toBe(1);
    expect(merge(a, newer).summary.targets[0]?.counts.fixed).toBe(1);
    const replay = merge(a, older);
    expect(replay.summary.targets.map((target) => target.status)).toEqual(['skipped']);
    expect(replay.alerts).toBe(0);
    expect(states(a)).toEqual(['fixed']);

    // The documented glob over a shard home that holds both runs (given newest first): applied oldest first.
    const b = join(root, 'central-b');
    // A run folder without a bundle (a killed run) is passed over.
    mkdirSync(join(shardHome, 'runs', 'zzz-not-a-run'));
    const both = merge(b, join(shardHome, 'runs', 'zzz-not-a-run'), newer, older);
    expect(both.summary.targets.map((target) => [target.status, target.counts.new, target.counts.fixed])).toEqual([
      ['ok', 1, 0],
      ['ok', 0, 1],
    ]);
    // The older night's alert is fixed by the newer one before the merge delivers: nothing to tell.
    expect(both.alerts).toBe(0);
    expect(states(b)).toEqual(['fixed']);
    expect(merge(b, older, newer).summary.targets.map((target) => target.status)).toEqual(['skipped', 'skipped']);
    expect(states(b)).toEqual(['fixed']);
  });

  it('bundle.json carries no webhook URL; merge takes notification settings from the targets file and refuses a bundle that does not fit its schema', () => {
    const root = tempDir('sieve-bundle-');
    const dir = join(root, 'app');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package-lock.json'), lock('semver', '4.3.0'));
    const config = join(root, 'scan-targets.json');
    // Nothing listens on the discard port: deliveries fail and stay pending, on loopback only.
    const hook = 'http://127.0.0.1:9/hooks/T000/B000/SECRET-TOKEN';
    writeFileSync(config, JSON.stringify({ notify: { webhooks: [{ url: hook }] }, targets: [{ name: 'app', path: dir, notify: { webhooks: [{ url: `${hook}-2` }] } }] }));
    const shard = sieve(['scan', '--targets', config, '--shard', '1/1', '--offline', '--osv-db', join(sharedDir, 'osv-db'), '--home', join(root, 'shard'), '--json'], { cwd: root });
    expect(shard.code, shard.stderr).toBe(0);
    const bundleFile = join(lastRunDir(shard.stderr), 'bundle.json');
    const text = readFileSync(bundleFile, 'utf8');
    expect(text).not.toContain('SECRET-TOKEN');
    expect(text).not.toContain('notify');

    const merged = sieve(['merge', bundleFile, '--targets', config, '--home', join(root, 'central'), '--json'], { cwd: root });
    expect(merged.code, merged.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(lastRunDir(merged.stderr), 'summary.json'), 'utf8')) as { notifications?: Array<{ channel: string; pending: number }> };
    // The target's webhook (which routes its alerts) came from the targets file, not the bundle.
    const channel = `webhook:${createHash('sha256').update(`${hook}-2`).digest('hex').slice(0, 16)}`;
    expect(summary.notifications?.map((entry) => entry.channel)).toEqual([channel]);

    const tampered = join(root, 'tampered.json');
    writeFileSync(tampered, JSON.stringify({ ...JSON.parse(text), notify: { webhooks: [{ url: hook }] } }));
    const refused = sieve(['merge', tampered, '--home', join(root, 'central')], { cwd: root });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`${tampered}: not a valid Sieve bundle`);
    expect(refused.stderr).toContain('notification settings');
    expect(refused.stderr).not.toMatch(/^\s+at /m);
  });
});
