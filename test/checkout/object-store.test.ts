import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mirrorPath, openCommit, resolveRemoteRef } from '../../src/checkout/clone.js';
import { isPartialMirror } from '../../src/checkout/git-objects.js';
import type { TargetConfig } from '../../src/config/load.js';
import { checkoutTarget } from '../../src/pipeline/checkout-target.js';
import { inventoryTarget } from '../../src/pipeline/inventory-target.js';
import { git, TestRepo, tempDir } from '../helpers/git.js';

const lock = (name: string, version: string) =>
  JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app' }, [`node_modules/${name}`]: { version } } });

function target(repo: string, extra: Partial<TargetConfig> = {}): TargetConfig {
  return { name: 't', key: 't', kind: 'repo', repo, analyzers: [], sarif: [], paths: [], exclude: [], skipEcosystems: [], includeTestFixtures: false, rules: [], ...extra };
}

function repoWithLockfiles(root: string): TestRepo {
  const repo = new TestRepo(root, 'app');
  // The remote lets clients leave blobs behind, as hosted forges do.
  git(repo.bare, 'config', 'uploadpack.allowFilter', 'true');
  git(repo.bare, 'symbolic-ref', 'HEAD', 'refs/heads/main');
  repo.write({
    'package-lock.json': lock('lodash', '4.17.4'),
    'docs/big.txt': 'x'.repeat(100_000),
    'services/api/package-lock.json': lock('qs', '6.11.0'),
    'node_modules/left-pad/package-lock.json': lock('left-pad', '1.0.0'),
  });
  mkdirSync(join(repo.work, 'linked'), { recursive: true });
  symlinkSync('../package-lock.json', join(repo.work, 'linked', 'package-lock.json'));
  repo.commit('lockfiles');
  return repo;
}

describe('git targets read from the object store', () => {
  it('reads lockfiles from a partial mirror without a worktree, skipping symlinks and skipped folders', async () => {
    const root = tempDir('sieve-objects-');
    const repo = repoWithLockfiles(root);
    const home = join(root, 'home');
    const checkout = await checkoutTarget(target(repo.url), home);
    try {
      expect(checkout.dir).toBe('');
      expect(checkout.commit).toBe(git(repo.work, 'rev-parse', 'HEAD'));
      const inventory = await inventoryTarget(target(repo.url), checkout);
      expect(inventory.files.map((file) => file.path)).toEqual(['package-lock.json', 'services/api/package-lock.json']);
      expect(inventory.failures).toEqual([]);
      expect(inventory.packages.map((pkg) => pkg.name).sort()).toEqual(['lodash', 'qs']);
    } finally {
      await checkout.git?.close();
    }
    const mirror = mirrorPath(join(home, 'cache'), repo.url);
    expect(isPartialMirror(mirror)).toBe(true);
    // The large blob nobody asked for never came over.
    const bigOid = git(repo.work, 'rev-parse', 'HEAD:docs/big.txt');
    const missing = git(mirror, 'rev-list', '--objects', '--missing=print', 'HEAD').split('\n').filter((line) => line.startsWith('?'));
    expect(missing).toContain(`?${bigOid}`);
    expect(existsSync(join(home, 'cache', 'worktrees'))).toBe(false);
    expect(readdirSync(join(home, 'cache', 'git')).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
  });

  it('materialises a worktree only for targets whose analyzers need files', async () => {
    const root = tempDir('sieve-objects-');
    const repo = repoWithLockfiles(root);
    const checkout = await checkoutTarget(target(repo.url, { sarif: ['*.sarif'] }), join(root, 'home'));
    try {
      expect(checkout.temporary).toBe(true);
      expect(readFileSync(join(checkout.dir, 'package-lock.json'), 'utf8')).toContain('lodash');
      // Symlinks become plain files holding the link text: nothing points out of the worktree.
      expect(readFileSync(join(checkout.dir, 'linked', 'package-lock.json'), 'utf8')).toBe('../package-lock.json');
    } finally {
      await checkout.git?.close();
    }
  });

  it('heals a half-made mirror left by a killed clone', async () => {
    const root = tempDir('sieve-objects-');
    const repo = repoWithLockfiles(root);
    const cacheDir = join(root, 'home', 'cache');
    const mirror = mirrorPath(cacheDir, repo.url);
    // What `git clone --mirror` leaves when killed early: a repository with no refs and no remote.
    mkdirSync(mirror, { recursive: true });
    git(mirror, 'init', '--bare', '--quiet');
    const view = await openCommit({ repo: repo.url, cacheDir });
    await view.close();
    expect(view.commit).toBe(git(repo.work, 'rev-parse', 'HEAD'));

    // A mirror whose objects are gone is cloned again too.
    const second = repo.write({ 'package-lock.json': lock('lodash', '4.17.21') }).commit('upgrade');
    writeFileSync(join(mirror, 'packed-refs'), 'garbage\n');
    for (const pack of readdirSync(join(mirror, 'objects', 'pack'))) writeFileSync(join(mirror, 'objects', 'pack', pack), 'corrupt');
    const healed = await openCommit({ repo: repo.url, cacheDir });
    await healed.close();
    expect(healed.commit).toBe(second);
    expect(healed.entries.some((entry) => entry.path === 'package-lock.json')).toBe(true);
  });

  it('resolves a local repository\'s refs from its files, branches and tags alike', async () => {
    const root = tempDir('sieve-objects-');
    const repo = repoWithLockfiles(root);
    const head = git(repo.work, 'rev-parse', 'HEAD');
    git(repo.work, 'tag', '-a', '-m', 'release', 'v1');
    git(repo.work, 'push', '--quiet', 'origin', 'v1');
    expect((await resolveRemoteRef(repo.url, undefined))?.commit).toBe(head);
    expect((await resolveRemoteRef(repo.bare, 'main'))?.commit).toBe(head);
    expect((await resolveRemoteRef(repo.url, 'v1'))?.commit).toBe(head);
    git(repo.bare, 'pack-refs', '--all');
    expect((await resolveRemoteRef(repo.url, 'v1'))?.commit).toBe(head);
    await expect(resolveRemoteRef(repo.url, 'nope')).rejects.toThrow(/not found/);
  });
});
