import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cargoLockExtractor, parseCargoLock } from '../../../src/inventory/cargo/cargo-lock.js';
import { inventoryDirs, malformedTests, project, readFixture, sampleTableTests, truncationTests } from '../helpers/sample-suite.js';

const { fixtures, samples } = inventoryDirs('cargo', 'rust/cargolock');

describe('Cargo.lock fixtures', () => {
  it.each(readdirSync(fixtures))('%s matches expected.json', (name) => {
    const { content, expected } = readFixture(fixtures, name, 'Cargo.lock');
    const result = parseCargoLock(content, 'Cargo.lock');
    expect(project(result.packages, { dependsOn: true })).toEqual(expected);
    for (const pkg of result.packages) expect(pkg.purl).toBe(`pkg:cargo/${pkg.name}@${pkg.version}`);
  });

  it('lists workspace members as local and git crates as git, with their repository', () => {
    const result = parseCargoLock(readFileSync(path.join(fixtures, 'workspace-git/Cargo.lock'), 'utf8'), 'Cargo.lock');
    const sources = Object.fromEntries(result.packages.map((p) => [`${p.name}@${p.version}`, p.source ?? 'registry']));
    expect(sources).toMatchObject({ 'app@0.1.0': 'local', 'core-lib@0.1.0': 'local', 'tokio-util@0.7.10': 'git', 'serde@1.0.190': 'registry' });
    expect(result.packages.find((p) => p.name === 'tokio-util')?.sourceRef).toBe('https://github.com/tokio-rs/tokio?branch=master#0123456789abcdef0123456789abcdef01234567');
    expect(result.warnings).toEqual([]);
  });

  it('lists every member and path dependency of a workspace cargo generated', () => {
    // fixtures/inventory/cargo/workspace-path: `cargo generate-lockfile` on members crates/a,
    // crates/b and a path dependency vendor/c outside the members.
    const result = parseCargoLock(readFileSync(path.join(fixtures, 'workspace-path/Cargo.lock'), 'utf8'), 'Cargo.lock');
    expect(result.packages.map((p) => [p.name, p.version, p.source])).toEqual([
      ['a', '0.1.0', 'local'],
      ['b', '0.2.0', 'local'],
      ['c', '2.1.6', 'local'],
    ]);
  });

  it('declares Cargo.lock', () => {
    expect(cargoLockExtractor.id).toBe('cargo/cargo-lock');
    expect(cargoLockExtractor.ecosystem).toBe('crates.io');
    expect(cargoLockExtractor.patterns).toEqual(['Cargo.lock']);
  });
});

describe('osv-scalibr Cargo.lock samples', () => {
  sampleTableTests<{ count: number; has: [string, string, number?][] }>({
    samples,
    parse: parseCargoLock,
    table: {
      'duplicate.lock': { count: 2, has: [['syn', '1.0.73', 5], ['syn', '2.0.0', 11]] },
      'empty.lock': { count: 0, has: [] },
      'many-packages.lock': { count: 6, has: [['zstd', '0.11.2', 5], ['memchr', '2.4.1', 20], ['syn', '2.0.15', 38]] },
      'not-toml.txt': 'throws',
      'one-package.lock': { count: 1, has: [['addr2line', '0.15.2', 5]] },
      'package-with-build-string.lock': { count: 1, has: [['wasi', '0.10.2+wasi-snapshot-preview1', 5]] },
      'package-with-comments.lock': { count: 2, has: [['addr2line', '0.15.2'], ['syn', '1.0.73', 10]] },
      // The local crate is listed (not matched), as osv-scalibr lists it.
      'two-packages-with-local.lock': { count: 2, has: [['addr2line', '0.15.2'], ['local-rust-pkg', '0.1.0']] },
      'two-packages.lock': { count: 2, has: [['addr2line', '0.15.2'], ['syn', '1.0.73', 14]] },
    },
    checkFound: (found, [, , line]) => {
      if (line !== undefined) expect(found?.location.line).toBe(line);
    },
  });

  it('links many-packages edges to the locked version', () => {
    const { packages } = parseCargoLock(readFileSync(path.join(samples, 'many-packages.lock'), 'utf8'), 'Cargo.lock');
    expect(packages.find((p) => p.name === 'aho-corasick')?.dependsOn).toEqual(['pkg:cargo/memchr@2.4.1']);
  });
});

describe('malformed Cargo.lock', () => {
  malformedTests(parseCargoLock, 'crates/Cargo.lock', [
    ['truncated string', 'version = 3\n\n[[package]]\nname = "serde\n', 'not valid TOML'],
    ['package without version', 'version = 3\n\n[[package]]\nname = "serde"\n', 'line 3: package #1 has no string name and version'],
    ['package not an array', 'package = "x"\n', '"package" is not an array'],
    ['dependencies not strings', '[[package]]\nname = "a"\nversion = "1.0.0"\nsource = "registry+x"\ndependencies = [1]\n', 'dependencies of a are not a list of strings'],
  ]);
});

describe('truncated input', () => {
  truncationTests(parseCargoLock, [samples, fixtures]);
});
