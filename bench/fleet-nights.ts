/**
 * Incremental nights over a generated fleet: N git repositories (bare remotes on this machine),
 * each with a package-lock.json, scanned by the built CLI at --concurrency 4:
 *   1. the first night (every mirror cloned, every lockfile read),
 *   2. an unchanged night (every target should be skipped),
 *   3. a night after one commit (only that target rescanned),
 *   4. a night after new OSV data only (matched again from the stored inventories, no git process),
 * with Sieve's peak memory (max RSS) per night and the git processes it started. 100 repositories;
 * 1,000 more with SIEVE_BENCH_FLEET_LARGE=1 (slow: minutes on two cores).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = 60;

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'user.name=bench', '-c', 'user.email=bench@sieve.invalid', ...args], { cwd, stdio: 'ignore' });
}

function lockfile(seed: number, bump = 0): string {
  const packages: Record<string, unknown> = { '': { name: `app-${seed}` } };
  const known = [['lodash', '4.17.4'], ['minimist', '1.2.0'], ['qs', '6.11.0']];
  for (let i = 0; i < PACKAGES; i++) {
    const [name, version] = i < known.length && (seed + i) % 2 === 0 ? (known[i] as [string, string]) : [`pkg-${seed}-${i}`, `1.${i % 10}.${(seed + bump) % 7}`];
    packages[`node_modules/${name}`] = { version };
  }
  return JSON.stringify({ name: `app-${seed}`, lockfileVersion: 3, packages }, null, 2);
}

interface Night {
  seconds: number;
  statuses: Record<string, number>;
  rematched: number;
  newFindings: number;
  exitCode: number;
  maxRssMb: number;
  gitProcesses: number;
  stages: Record<string, number>;
}

async function fleet(repos: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sieve-bench-nights-'));
  try {
    const setupStarted = performance.now();
    const targets = [];
    for (let i = 0; i < repos; i++) {
      const work = join(dir, 'work', `repo-${i}`);
      const bare = join(dir, 'remotes', `repo-${i}.git`);
      mkdirSync(work, { recursive: true });
      git(dir, 'init', '--bare', '--quiet', bare);
      git(bare, 'config', 'uploadpack.allowFilter', 'true');
      git(work, 'init', '--quiet');
      writeFileSync(join(work, 'package-lock.json'), lockfile(i));
      writeFileSync(join(work, 'README.md'), `repository ${i}\n`);
      git(work, 'add', '-A');
      git(work, 'commit', '--quiet', '-m', 'init');
      git(work, 'push', '--quiet', bare, 'HEAD:refs/heads/main');
      targets.push({ name: `repo-${i}`, repo: `file://${bare}` });
    }
    console.log(`  (${repos} repositories made in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s)`);
    const config = join(dir, 'scan-targets.json');
    writeFileSync(config, JSON.stringify({ targets }));
    const osvDb = join(dir, 'osv-db');
    cpSync(resolve(root, '../shared/osv-db'), osvDb, { recursive: true });

    // A git first on PATH that counts calls and runs the real one.
    const spyBin = join(dir, 'spy-bin');
    const calls = join(dir, 'git-calls.log');
    mkdirSync(spyBin);
    writeFileSync(calls, '');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(spyBin, 'git'), `#!/bin/sh\necho x >> ${JSON.stringify(calls)}\nexec ${JSON.stringify(realGit)} "$@"\n`);
    chmodSync(join(spyBin, 'git'), 0o755);
    const gitCalls = () => readFileSync(calls, 'utf8').split('\n').filter(Boolean).length;
    // Sieve's own peak memory, reported by the process itself as it exits.
    const rssHook = `data:text/javascript,process.on('exit',()=>process.stderr.write(JSON.stringify({maxRssKb:process.resourceUsage().maxRSS})+'\\n'))`;

    const night = (): Night => {
      const before = gitCalls();
      const started = performance.now();
      const result = spawnSync(
        process.execPath,
        ['--import', rssHook, join(root, 'bin/sieve.js'), 'scan', '--targets', config, '--home', join(dir, 'home'), '--osv-db', osvDb, '--concurrency', '4', '--json'],
        { encoding: 'utf8', env: { ...process.env, PATH: `${spyBin}:${process.env.PATH}` }, maxBuffer: 256 * 1024 * 1024 },
      );
      const seconds = (performance.now() - started) / 1000;
      const lines = result.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
      const finished = lines.find((line) => line.msg === "scan finished") as { runDir: string; newFindings: number } | undefined;
      const summary = finished ? (JSON.parse(readFileSync(join(finished.runDir, 'summary.json'), 'utf8')) as { targets: Array<{ status: string }> }) : { targets: [] };
      const statuses: Record<string, number> = {};
      for (const target of summary.targets) statuses[target.status] = (statuses[target.status] ?? 0) + 1;
      const stages: Record<string, number> = {};
      const perTarget = lines.filter((line) => line.msg === 'target finished');
      for (const line of perTarget) {
        for (const [stage, ms] of Object.entries(line.stages as Record<string, number>)) stages[stage] = (stages[stage] ?? 0) + ms / perTarget.length;
      }
      const rss = lines.find((line) => typeof line.maxRssKb === 'number') as { maxRssKb: number } | undefined;
      return {
        seconds,
        statuses,
        rematched: lines.filter((line) => line.msg === 'target finished' && line.rematched === true).length,
        newFindings: finished?.newFindings ?? -1,
        exitCode: result.status ?? -1,
        maxRssMb: (rss?.maxRssKb ?? 0) / 1024,
        gitProcesses: gitCalls() - before,
        stages,
      };
    };
    const report = (label: string, result: Night) =>
      console.log(
        `fleet-nights ${repos} repos, ${label}: ${result.seconds.toFixed(1)} s, ${JSON.stringify(result.statuses)}${result.rematched ? `, ${result.rematched} matched again` : ''}, ` +
          `${result.newFindings} new, exit ${result.exitCode}, peak ${result.maxRssMb.toFixed(0)} MB, ${result.gitProcesses} git processes; ` +
          `mean per target: ${Object.entries(result.stages).map(([stage, ms]) => `${stage} ${ms.toFixed(0)} ms`).join(', ')}`,
      );

    report('first night', night());
    report('unchanged night', night());
    const work = join(dir, 'work', 'repo-7');
    writeFileSync(join(work, 'package-lock.json'), lockfile(7, 1));
    git(work, 'commit', '--quiet', '-am', 'bump');
    git(work, 'push', '--quiet', join(dir, 'remotes', 'repo-7.git'), 'HEAD:refs/heads/main');
    report('night after one commit', night());
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(osvDb, 'npm', 'all.zip'), later, later);
    report('night after new OSV data only', night());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench(): Promise<void> {
  // The fleet runs the built bin, so build what is in src/ first.
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  await fleet(100);
  if (process.env.SIEVE_BENCH_FLEET_LARGE === '1') await fleet(1000);
  else console.log('  (1,000 repositories: set SIEVE_BENCH_FLEET_LARGE=1)');
}
