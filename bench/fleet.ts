/**
 * A night's scan of a fleet: 40 git repositories (bare remotes on this machine), each with a
 * 500-package package-lock.json, scanned by the built CLI at --concurrency 4; then the same
 * fleet again, when nothing changed (mirrors fetched, everything unchanged).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPOS = 40;
const PACKAGES = 500;

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'user.name=bench', '-c', 'user.email=bench@sieve.invalid', ...args], { cwd, stdio: 'ignore' });
}

function lockfile(seed: number): string {
  const packages: Record<string, unknown> = { '': { name: `app-${seed}`, dependencies: {} } };
  const known = [['lodash', '4.17.4'], ['moment', '2.11.0'], ['semver', '4.3.0'], ['qs', '6.11.0']];
  for (let i = 0; i < PACKAGES; i++) {
    const [name, version] = i < known.length && (seed + i) % 3 === 0 ? (known[i] as [string, string]) : [`pkg-${seed}-${i}`, `1.${i % 10}.${seed % 7}`];
    packages[`node_modules/${name}`] = { version, integrity: 'sha512-AAAA' };
  }
  return JSON.stringify({ name: `app-${seed}`, lockfileVersion: 3, packages }, null, 2);
}

export async function bench(): Promise<void> {
  // The fleet runs the built bin, so build what is in src/ first.
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'sieve-bench-fleet-'));
  try {
    const targets = [];
    for (let i = 0; i < REPOS; i++) {
      const work = join(dir, `work-${i}`);
      const bare = join(dir, `repo-${i}.git`);
      mkdirSync(work);
      git(dir, 'init', '--bare', '--quiet', bare);
      git(work, 'init', '--quiet');
      writeFileSync(join(work, 'package-lock.json'), lockfile(i));
      git(work, 'add', '-A');
      git(work, 'commit', '--quiet', '-m', 'init');
      git(work, 'push', '--quiet', bare, 'HEAD:refs/heads/main');
      targets.push({ name: `repo-${i}`, repo: `file://${bare}` });
    }
    const config = join(dir, 'scan-targets.json');
    writeFileSync(config, JSON.stringify({ targets }));
    const args = [join(root, 'bin/sieve.js'), 'scan', '--targets', config, '--home', join(dir, 'home'), '--osv-db', resolve(root, '../shared/osv-db'), '--concurrency', '4', '--json'];
    for (const night of ['first night (clone every mirror)', 'second night (nothing changed)']) {
      const started = performance.now();
      const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
      const seconds = (performance.now() - started) / 1000;
      const finished = result.stderr.split('\n').filter((line) => line.includes('"scan finished"')).map((line) => JSON.parse(line) as { newFindings: number })[0];
      console.log(`fleet ${night}: ${REPOS} repositories x ${PACKAGES} packages in ${seconds.toFixed(1)} s (${(seconds / REPOS).toFixed(2)} s per repository at concurrency 4), ${finished?.newFindings} new findings, exit ${result.status}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
