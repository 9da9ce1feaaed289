import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compare as pep440Compare } from '@renovatebot/pep440';
import { describe, expect, it } from 'vitest';
import { InvalidVersionError } from '../../src/model/errors.js';
import { registeredSchemes, schemeFor, versionSchemes } from '../../src/versioning/registry.js';
import type { VersionScheme } from '../../src/versioning/types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const versioningDir = path.join(repoRoot, 'src/versioning');
const fixturesDir = path.join(repoRoot, 'fixtures/versions');

/** Scheme folders: every directory under src/versioning/. */
const folders = readdirSync(versioningDir)
  .filter((name) => statSync(path.join(versioningDir, name)).isDirectory())
  .sort();

function isScheme(value: unknown): value is VersionScheme {
  return (
    typeof value === 'object' &&
    value !== null &&
    'compare' in value &&
    'isValid' in value &&
    Array.isArray((value as VersionScheme).ecosystems)
  );
}

async function schemeOfFolder(folder: string): Promise<VersionScheme> {
  const module = (await import(/* @vite-ignore */ pathToFileURL(path.join(versioningDir, folder, 'index.ts')).href)) as Record<string, unknown>;
  const exported = Object.values(module).filter(isScheme);
  if (exported.length !== 1) throw new Error(`src/versioning/${folder}/index.ts exports ${exported.length} schemes`);
  return exported[0] as VersionScheme;
}

interface Case {
  readonly a: string;
  readonly op: '<' | '==';
  readonly b: string;
  readonly line: number;
}

/** Reads `a < b`, `a > b` (stored flipped) and `a == b` lines; `#` starts a comment. */
function readFixture(folder: string): Case[] {
  const text = readFileSync(path.join(fixturesDir, `${folder}.txt`), 'utf8');
  return text.split('\n').flatMap((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return [];
    const match = /^(\S+)\s+(<|>|==)\s+(\S+)$/.exec(line);
    if (!match) throw new Error(`fixtures/versions/${folder}.txt:${index + 1}: cannot read "${raw}"`);
    const [, a, op, b] = match as unknown as [string, string, string, string];
    return op === '>' ? [{ a: b, op: '<' as const, b: a, line: index + 1 }] : [{ a, op: op as '<' | '==', b, line: index + 1 }];
  });
}

const schemes = new Map<string, VersionScheme>();
for (const folder of folders) schemes.set(folder, await schemeOfFolder(folder));

const table = folders.flatMap((folder) => readFixture(folder).map((c) => ({ folder, ...c })));

describe('version orderings from fixtures/versions/<scheme>.txt', () => {
  it.each(table)('$folder:$line  $a $op $b', ({ folder, a, op, b }) => {
    const scheme = schemes.get(folder) as VersionScheme;
    expect(scheme.isValid(a)).toBe(true);
    expect(scheme.isValid(b)).toBe(true);
    if (op === '==') {
      expect(scheme.compare(a, b)).toBe(0);
      expect(scheme.compare(b, a)).toBe(0);
    } else {
      expect(scheme.compare(a, b)).toBeLessThan(0);
      expect(scheme.compare(b, a)).toBeGreaterThan(0);
    }
    // Comparing again hits the memo and must agree.
    expect(Math.sign(scheme.compare(a, b))).toBe(op === '==' ? 0 : -1);
  });

  it('every fixture has the tricky cases: at least 15 lines, more for PyPI, Maven, Debian, Alpine', () => {
    const richer = new Set(['pypi', 'maven', 'debian', 'alpine']);
    for (const folder of folders) {
      expect(readFixture(folder).length, folder).toBeGreaterThanOrEqual(richer.has(folder) ? 35 : 15);
    }
  });
});

const invalid: Record<string, string[]> = {
  npm: ['', 'latest', '1.x', 'not-a-version', '1.2.3.4'],
  pypi: ['', 'dev-main', 'abc', '1.0-beta-gamma', '1.0+', 'foo1.0'],
  go: ['', 'latest', 'master', 'v1.2.3.4', 'v01.2.3', '1.2.3-'],
  'crates-io': ['', '1.0', 'v1.0.0', '01.0.0', '1.0.0-', '1.0.0.0'],
  rubygems: ['', '   ', 'abc', '1.0.0+build', '1..0', '1.0 beta'],
  maven: ['', '1.0 beta', '1.0/2', '1.0\n'],
  nuget: ['', 'v1.0.0', '1.0.0.0.0', '1.0.0-', 'abc', '1.0.0-beta..1'],
  packagist: ['', 'dev-main', 'dev-master', '1.x-dev', 'abc', '1.0.0.0.0', '1.0.0-foo'],
  pub: ['', '1.0', 'v1.0.0', '1.0.0-', '1.0.0.0'],
  hex: ['', '1.0', 'v1.0.0', '1.0.0.0', '1.0.0-'],
  debian: ['', 'abc', '1.0-', ':1.0', 'a:1.0', '1.0 1', '1:', '1.0-1_2'],
  alpine: ['', 'abc', '1.0_foo', '1.0-1', '1.0-r1_rc1', '1.0_rc1.2', '1.0-rx', 'v1.0'],
  'github-actions': ['', 'main', 'a1b2c3d', 'v1.2.3.4', 'release-1.0', 'v1.', 'latest'],
};

describe('invalid versions', () => {
  const cases = Object.entries(invalid).flatMap(([folder, versions]) => versions.map((version) => ({ folder, version })));
  it.each(cases)('$folder rejects $version', ({ folder, version }) => {
    const scheme = schemes.get(folder) as VersionScheme;
    expect(scheme.isValid(version)).toBe(false);
    const valid = readFixture(folder)[0]?.a as string;
    expect(() => scheme.compare(version, valid)).toThrow(InvalidVersionError);
    expect(() => scheme.compare(valid, version)).toThrow(InvalidVersionError);
  });

  it('names the ecosystem and the version in the error', () => {
    expect(() => schemes.get('debian')?.compare('1.0', 'not a version')).toThrow('Debian: cannot parse version "not a version"');
  });

  it('refuses over-long strings in every scheme', () => {
    const long = `1.${'1'.repeat(300)}`;
    for (const [folder, scheme] of schemes) expect(scheme.isValid(long), folder).toBe(false);
  });

  it('rejects adversarial strings quickly in every scheme (no regex backtracking blow-up)', () => {
    const evil = [
      `1.0.0-beta${'1'.repeat(200)} !`,
      `1${'.1'.repeat(120)}!`,
      `1.0${'a1'.repeat(120)}!`,
      `1.0${'-1'.repeat(120)}a!`,
      `1.0_${'p1'.repeat(120)}!`,
      `1:${'0~'.repeat(120)}!`,
      `v${'1'.repeat(250)} !`,
    ];
    const start = performance.now();
    for (const scheme of schemes.values()) for (const version of evil) expect(scheme.isValid(version)).toBe(false);
    // Each check takes well under a millisecond; an exponential regex would take minutes.
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('has invalid cases for every scheme', () => {
    expect(Object.keys(invalid).sort()).toEqual(folders);
  });
});

describe('registry', () => {
  it('registers the scheme of every folder under src/versioning/ and has its fixture', () => {
    expect(folders.length).toBe(13);
    for (const folder of folders) {
      expect(registeredSchemes, folder).toContain(schemes.get(folder));
      expect(statSync(path.join(fixturesDir, `${folder}.txt`)).isFile(), folder).toBe(true);
    }
    expect(registeredSchemes.length).toBe(folders.length);
  });

  it('serves every OSV ecosystem Sieve supports', () => {
    expect([...versionSchemes.keys()].sort()).toEqual(
      ['Alpine', 'Debian', 'GitHub Actions', 'Go', 'Hex', 'Maven', 'NuGet', 'Packagist', 'Pub', 'PyPI', 'RubyGems', 'Ubuntu', 'crates.io', 'npm'].sort(),
    );
  });

  it('finds the base scheme of suffixed ecosystems', () => {
    expect(schemeFor('Debian:12')).toBe(schemes.get('debian'));
    expect(schemeFor('Ubuntu:22.04:LTS')).toBe(schemes.get('debian'));
    expect(schemeFor('Alpine:v3.18')).toBe(schemes.get('alpine'));
    expect(schemeFor('PyPI')).toBe(schemes.get('pypi'));
    expect(schemeFor('Nonexistent')).toBeUndefined();
  });
});

describe('PyPI sort key', () => {
  it('agrees with @renovatebot/pep440 on every fixture pair', () => {
    const scheme = schemes.get('pypi') as VersionScheme;
    for (const { a, b } of readFixture('pypi')) {
      expect(Math.sign(scheme.compare(a, b)), `${a} vs ${b}`).toBe(Math.sign(pep440Compare(a, b)));
    }
  });
});
