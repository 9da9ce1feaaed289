import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDir, sieve } from '../helpers/cli.js';
import { git, TestRepo, tempDir } from '../helpers/git.js';

const vulnerableLock = JSON.stringify({
  name: 'outside',
  lockfileVersion: 3,
  packages: { '': { name: 'outside', dependencies: { lodash: '4.17.4' } }, 'node_modules/lodash': { version: '4.17.4' } },
});

function scanConfig(root: string, targets: unknown[]) {
  const config = join(root, 'scan-targets.json');
  writeFileSync(config, JSON.stringify({ targets }));
  const home = join(root, 'home');
  const result = sieve(['scan', '--targets', config, '--home', home, '--osv-db', join(sharedDir, 'osv-db'), '--json'], { cwd: root });
  const finished = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; runDir?: string })
    .find((entry) => entry.msg === 'scan finished');
  const newFindings = finished?.runDir ? (JSON.parse(readFileSync(join(finished.runDir, 'new.json'), 'utf8')) as Array<{ target: string; package?: { name: string } }>) : [];
  const summary = finished?.runDir
    ? (JSON.parse(readFileSync(join(finished.runDir, 'summary.json'), 'utf8')) as { targets: Array<{ name: string; status: string; errors: string[] }> })
    : undefined;
  return { ...result, newFindings, summary };
}

describe('scanned repositories are untrusted', () => {
  it('never follows a symlink out of a git checkout or a plain directory', () => {
    const root = tempDir('sieve-safety-');
    const outside = join(root, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'package-lock.json'), vulnerableLock);

    const repo = new TestRepo(root, 'linky');
    mkdirSync(join(repo.work, 'nested'), { recursive: true });
    symlinkSync(join(outside, 'package-lock.json'), join(repo.work, 'package-lock.json'));
    symlinkSync(outside, join(repo.work, 'nested', 'vendor-link'));
    repo.commit('links that point outside');

    const plain = join(root, 'plain');
    mkdirSync(plain);
    symlinkSync(join(outside, 'package-lock.json'), join(plain, 'package-lock.json'));
    symlinkSync(outside, join(plain, 'linked-dir'));

    const result = scanConfig(root, [
      { name: 'linky', repo: repo.url },
      { name: 'plain', path: plain },
    ]);
    expect(result.newFindings).toEqual([]);
    // A symlink in a git target is a blob of mode 120000: skipped like a symlink on disk, not read
    // as a broken lockfile (which made the target partial every night).
    const status = Object.fromEntries(result.summary?.targets.map((target) => [target.name, target.status]) ?? []);
    expect(status).toEqual({ linky: 'ok', plain: 'ok' });
    expect(result.summary?.targets.find((target) => target.name === 'linky')?.errors).toEqual([]);
  });

  it('runs no hook and no configured command of a local repository it clones', () => {
    const root = tempDir('sieve-hooks-');
    const source = join(root, 'source');
    mkdirSync(source);
    git(source, 'init', '--quiet');
    writeFileSync(join(source, 'package-lock.json'), vulnerableLock);
    git(source, 'add', '-A');
    git(source, 'commit', '--quiet', '-m', 'init');
    const marker = join(root, 'pwned');
    for (const hook of ['post-checkout', 'post-merge', 'pre-commit', 'reference-transaction']) {
      const file = join(source, '.git', 'hooks', hook);
      writeFileSync(file, `#!/bin/sh\ntouch '${marker}-${hook}'\n`);
      chmodSync(file, 0o755);
    }
    git(source, 'config', 'core.fsmonitor', `touch '${marker}-fsmonitor'`);

    const result = scanConfig(root, [{ name: 'hooked', repo: source }]);
    expect(result.code).toBe(0);
    expect(result.newFindings.map((finding) => finding.package?.name)).toEqual(['lodash', 'lodash']);
    for (const suffix of ['post-checkout', 'post-merge', 'pre-commit', 'reference-transaction', 'fsmonitor']) {
      expect(existsSync(`${marker}-${suffix}`), suffix).toBe(false);
    }
  });

  it('refuses repository URLs and refs that git could read as options or commands', () => {
    const root = tempDir('sieve-urls-');
    for (const target of [
      { name: 'a', repo: '--upload-pack=touch /tmp/sieve-pwned' },
      { name: 'b', repo: 'ext::sh -c touch% /tmp/sieve-pwned' },
      { name: 'c', repo: 'https://example.invalid/x.git', ref: '--output=/tmp/sieve-pwned' },
    ]) {
      const result = scanConfig(root, [target]);
      expect(result.code, JSON.stringify(target)).toBe(2);
      expect(result.stderr).toMatch(/targets\[0\]\.(repo|ref)/);
    }
    expect(existsSync('/tmp/sieve-pwned')).toBe(false);
  });
});
