import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { sharedDir, sieve, sieveBin } from '../helpers/cli.js';
import { TestRepo, tempDir } from '../helpers/git.js';

const samples = join(sharedDir, 'lockfile-samples');

/** Twenty real lockfiles from the shared samples, in ecosystems the shared OSV data covers. */
const REAL_LOCKFILES: Array<[string, string]> = [
  ['javascript/packagelockjson/two-packages.v2.json', 'package-lock.json'],
  ['javascript/packagelockjson/nested-dependencies.v2.json', 'package-lock.json'],
  ['javascript/packagelockjson/scoped-packages.v2.json', 'package-lock.json'],
  ['javascript/packagelockjson/one-package.v1.json', 'package-lock.json'],
  ['javascript/packagelockjson/alias.v2.json', 'package-lock.json'],
  ['javascript/packagelockjson/optional-package.v2.json', 'package-lock.json'],
  ['javascript/packagelockjson/same-package-different-groups.v2.json', 'package-lock.json'],
  ['javascript/pnpmlock/multiple-packages.yaml', 'pnpm-lock.yaml'],
  ['javascript/pnpmlock/one-package.v9.yaml', 'pnpm-lock.yaml'],
  ['javascript/pnpmlock/multiple-versions.v9.yaml', 'pnpm-lock.yaml'],
  ['javascript/bunlock/two-packages.json5', 'bun.lock'],
  ['javascript/bunlock/scoped-packages.json5', 'bun.lock'],
  ['python/poetrylock/multiple-packages.v2.lock', 'poetry.lock'],
  ['python/poetrylock/two-packages.lock', 'poetry.lock'],
  ['python/pipfilelock/two-packages.json', 'Pipfile.lock'],
  ['python/pdmlock/two-packages.toml', 'pdm.lock'],
  ['rust/cargolock/many-packages.lock', 'Cargo.lock'],
  ['rust/cargolock/two-packages.lock', 'Cargo.lock'],
  ['golang/gomod/two-packages.mod', 'go.mod'],
  ['golang/gomod/indirect-packages.mod', 'go.mod'],
];

interface Summary {
  targets: Array<{ name: string; status: string; reason?: string; errors: string[]; commit?: string }>;
  interrupted?: { signal: string; notScanned: string[] };
}

function runDirOf(stderr: string): string {
  const finished = stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; runDir?: string })
    .find((entry) => entry.msg === 'scan finished');
  if (!finished?.runDir) throw new Error(`no "scan finished" line:\n${stderr}`);
  return finished.runDir;
}

function summaryOf(stderr: string): Summary {
  return JSON.parse(readFileSync(join(runDirOf(stderr), 'summary.json'), 'utf8')) as Summary;
}

function statuses(summary: Summary): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const target of summary.targets) counts[target.status] = (counts[target.status] ?? 0) + 1;
  return counts;
}

/** A `git` first on PATH that logs each call and runs the real one: how the test sees git work. */
function gitSpy(root: string): { path: string; calls: () => string[] } {
  const bin = join(root, 'spy-bin');
  const log = join(root, 'git-calls.log');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  mkdirSync(bin, { recursive: true });
  writeFileSync(log, '');
  const script = join(bin, 'git');
  writeFileSync(script, `#!/bin/sh\necho "$*" >> ${JSON.stringify(log)}\nexec ${JSON.stringify(realGit)} "$@"\n`, { flag: 'w' });
  chmodSync(script, 0o755);
  return { path: `${bin}:${process.env.PATH}`, calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('incremental nights over a fleet of real local repositories', () => {
  it('skips all 20 unchanged repositories, rescans only the one with a new commit, and matches again without git when only the OSV data changed', () => {
    const root = tempDir('sieve-nights-');
    const osvDb = join(root, 'osv-db');
    cpSync(join(sharedDir, 'osv-db'), osvDb, { recursive: true });
    const repos = REAL_LOCKFILES.map(([sample, name], index) => {
      const repo = new TestRepo(root, `repo-${index}`);
      repo.write({ [name]: readFileSync(join(samples, sample), 'utf8'), 'README.md': `repository ${index}\n` }).commit('init');
      return repo;
    });
    const config = join(root, 'scan-targets.json');
    writeFileSync(config, JSON.stringify({ targets: repos.map((repo, index) => ({ name: `repo-${index}`, repo: repo.url })) }));
    const home = join(root, 'home');
    const spy = gitSpy(root);
    const night = (...extra: string[]) =>
      sieve(['scan', '--targets', config, '--home', home, '--osv-db', osvDb, '--json', '--concurrency', '4', ...extra], {
        cwd: root,
        env: { PATH: spy.path },
      });

    const first = night();
    expect(first.code, first.stderr).toBe(0);
    expect(statuses(summaryOf(first.stderr))).toEqual({ ok: 20 });

    const before = spy.calls().length;
    const unchanged = night();
    expect(unchanged.code, unchanged.stderr).toBe(0);
    const skipped = summaryOf(unchanged.stderr);
    expect(statuses(skipped)).toEqual({ skipped: 20 });
    expect(skipped.targets[0]?.reason).toMatch(/unchanged since/);
    expect(JSON.parse(readFileSync(join(runDirOf(unchanged.stderr), 'new.json'), 'utf8'))).toEqual([]);
    // Local repositories' refs are read from their files: an unchanged night runs no git at all.
    expect(spy.calls().slice(before)).toEqual([]);
    // One JSON line per target as it finishes, with its duration and stage timings.
    const finished = unchanged.stderr.split('\n').filter((line) => line.includes('"target finished"')).map((line) => JSON.parse(line) as { outcome: string; durationMs: number; stages: Record<string, number> });
    expect(finished).toHaveLength(20);
    expect(finished.every((line) => line.outcome === 'skipped' && typeof line.durationMs === 'number' && 'resolve' in line.stages)).toBe(true);

    const moved = repos[3] as TestRepo;
    const commit = moved.write({ 'README.md': 'changed\n' }).commit('docs');
    const oneCommit = summaryOf(night().stderr);
    expect(statuses(oneCommit)).toEqual({ ok: 1, skipped: 19 });
    expect(oneCommit.targets.find((target) => target.status === 'ok')).toMatchObject({ name: 'repo-3', commit });

    // New OSV data (a newer download): every target is matched again from its stored inventory.
    const beforeOsv = spy.calls().length;
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(osvDb, 'npm', 'all.zip'), later, later);
    const osvOnly = night();
    expect(osvOnly.code, osvOnly.stderr).toBe(0);
    const rematched = summaryOf(osvOnly.stderr);
    expect(statuses(rematched)).toEqual({ ok: 20 });
    expect(spy.calls().slice(beforeOsv)).toEqual([]);
    const lines = osvOnly.stderr.split('\n').filter((line) => line.includes('"target finished"')).map((line) => JSON.parse(line) as { rematched?: boolean });
    expect(lines.every((line) => line.rematched === true)).toBe(true);

    // --force scans everything again.
    const forced = summaryOf(night('--force').stderr);
    expect(statuses(forced)).toEqual({ ok: 20 });
    expect(spy.calls().length).toBeGreaterThan(beforeOsv);
  }, 240_000);

  it('on SIGTERM finishes the target in hand, records the run as interrupted, and exits 143', async () => {
    const root = tempDir('sieve-sigterm-');
    const targets = [];
    for (let index = 0; index < 12; index++) {
      const repo = new TestRepo(root, `repo-${index}`);
      repo.write({ 'package-lock.json': readFileSync(join(samples, 'javascript/packagelockjson/two-packages.v2.json'), 'utf8') }).commit('init');
      targets.push({ name: `repo-${index}`, repo: repo.url });
    }
    const config = join(root, 'scan-targets.json');
    writeFileSync(config, JSON.stringify({ targets }));
    const home = join(root, 'home');
    const child = spawn(process.execPath, [sieveBin, 'scan', '--targets', config, '--home', home, '--osv-db', join(sharedDir, 'osv-db'), '--json', '--concurrency', '1'], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let signalled = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (!signalled && stderr.includes('"target finished"')) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
    expect(code, stderr).toBe(143);
    const summary = summaryOf(stderr);
    expect(summary.interrupted?.signal).toBe('SIGTERM');
    expect(summary.targets.length).toBeGreaterThanOrEqual(1);
    expect(summary.targets.length + (summary.interrupted?.notScanned.length ?? 0)).toBe(12);
    expect(summary.interrupted?.notScanned.length).toBeGreaterThan(0);
    expect(summary.targets.every((target) => target.status === 'ok')).toBe(true);
    const store = Store.open(join(home, 'sieve.db'));
    try {
      expect(store.runs().at(-1)?.interrupted).toBe('SIGTERM');
    } finally {
      store.close();
    }
    // The lock is released: the next night runs.
    const next = sieve(['scan', '--targets', config, '--home', home, '--osv-db', join(sharedDir, 'osv-db'), '--json'], { cwd: root });
    expect(next.code, next.stderr).toBe(0);
  }, 180_000);
});
