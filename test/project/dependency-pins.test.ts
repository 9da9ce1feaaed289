import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface LockPackage {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/**
 * A specifier is pinned when it is a semver range (a fixed set of versions) or names its source
 * exactly (an `npm:` alias to a range, a file, a git commit). A bare word such as `latest` or
 * `next` is a dist-tag: it moves when a new version is published, and `npm ci` then fails.
 */
export function floatingSpecifier(spec: string): boolean {
  if (spec.startsWith('npm:')) return floatingSpecifier(spec.slice(spec.lastIndexOf('@') + 1));
  if (/^(file|link|workspace|git\+|git|https?):/.test(spec) || spec.includes('/')) return false;
  return semver.validRange(spec) === null;
}

function floating(manifest: LockPackage, where: string): string[] {
  const found: string[] = [];
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const) {
    for (const [name, spec] of Object.entries(manifest[field] ?? {})) {
      if (floatingSpecifier(spec)) found.push(`${where}: ${field}.${name} = "${spec}"`);
    }
  }
  return found;
}

describe('dependency pins', () => {
  it('tells a dist-tag from a range', () => {
    expect(['latest', 'next', 'beta', 'npm:foo@latest'].map(floatingSpecifier)).toEqual([true, true, true, true]);
    expect(['^1.2.3', '1.x', '*', '>=1 <2', '1.2.3', 'npm:foo@^1.0.0', 'file:../x', 'github:a/b#abc'].map(floatingSpecifier)).toEqual([
      false, false, false, false, false, false, false, false,
    ]);
  });

  it('package-lock.json holds no dependency that floats on a dist-tag', () => {
    const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockPackage> };
    const overrides = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { overrides?: Record<string, unknown> }).overrides ?? {};
    const found = Object.entries(lock.packages)
      .flatMap(([where, manifest]) => floating(manifest, where || 'package.json'))
      // A dist-tag that package.json overrides with a fixed version no longer floats.
      .filter((line) => !Object.keys(overrides).some((name) => line.includes(`.${name} = `)));
    expect(found).toEqual([]);
  });
});
