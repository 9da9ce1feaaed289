import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/model/errors.js';
import type { Package } from '../../../src/model/types.js';
import { cargoLockExtractor, parseCargoLock } from '../../../src/inventory/cargo/cargo-lock.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.join(repoRoot, 'fixtures/inventory/cargo');
const samples = path.resolve(repoRoot, '../shared/lockfile-samples/rust/cargolock');

const project = (packages: Package[]) =>
  packages.map((p) => ({ name: p.name, version: p.version, direct: p.direct, scope: p.scope, line: p.location.line, dependsOn: p.dependsOn }));

describe('Cargo.lock fixtures', () => {
  it.each(readdirSync(fixtures))('%s matches expected.json', (name) => {
    const content = readFileSync(path.join(fixtures, name, 'Cargo.lock'), 'utf8');
    const expected: unknown = JSON.parse(readFileSync(path.join(fixtures, name, 'expected.json'), 'utf8'));
    const result = parseCargoLock(content, 'Cargo.lock');
    expect(project(result.packages)).toEqual(expected);
    for (const pkg of result.packages) expect(pkg.purl).toBe(`pkg:cargo/${pkg.name}@${pkg.version}`);
  });

  it('keeps git sources with a warning and skips workspace members', () => {
    const result = parseCargoLock(readFileSync(path.join(fixtures, 'workspace-git/Cargo.lock'), 'utf8'), 'Cargo.lock');
    expect(result.packages.map((p) => p.name)).not.toContain('app');
    expect(result.packages.map((p) => p.name)).not.toContain('core-lib');
    expect(result.warnings).toEqual([
      'Cargo.lock:49: tokio-util 0.7.10 comes from git (git+https://github.com/tokio-rs/tokio?branch=master#0123456789abcdef0123456789abcdef01234567); advisories match it by version only',
    ]);
  });

  it('declares Cargo.lock', () => {
    expect(cargoLockExtractor.id).toBe('cargo/cargo-lock');
    expect(cargoLockExtractor.ecosystem).toBe('crates.io');
    expect(cargoLockExtractor.patterns).toEqual(['Cargo.lock']);
  });
});

describe('osv-scalibr Cargo.lock samples', () => {
  const table: Record<string, { count: number; has: [string, string, number?][] } | 'throws'> = {
    'duplicate.lock': { count: 2, has: [['syn', '1.0.73', 5], ['syn', '2.0.0', 11]] },
    'empty.lock': { count: 0, has: [] },
    'many-packages.lock': { count: 6, has: [['zstd', '0.11.2', 5], ['memchr', '2.4.1', 20], ['syn', '2.0.15', 38]] },
    'not-toml.txt': 'throws',
    'one-package.lock': { count: 1, has: [['addr2line', '0.15.2', 5]] },
    'package-with-build-string.lock': { count: 1, has: [['wasi', '0.10.2+wasi-snapshot-preview1', 5]] },
    'package-with-comments.lock': { count: 2, has: [['addr2line', '0.15.2'], ['syn', '1.0.73', 10]] },
    'two-packages-with-local.lock': { count: 1, has: [['addr2line', '0.15.2']] },
    'two-packages.lock': { count: 2, has: [['addr2line', '0.15.2'], ['syn', '1.0.73', 14]] },
  };

  it('covers every sample', () => {
    expect(readdirSync(samples).sort()).toEqual(Object.keys(table).sort());
  });

  it.each(Object.entries(table))('%s', (file, expected) => {
    const content = readFileSync(path.join(samples, file), 'utf8');
    if (expected === 'throws') {
      expect(() => parseCargoLock(content, file)).toThrow(ParseError);
      return;
    }
    const { packages } = parseCargoLock(content, file);
    expect(packages).toHaveLength(expected.count);
    for (const [name, version, line] of expected.has) {
      const found = packages.find((p) => p.name === name && p.version === version);
      expect(found, `${name}@${version}`).toBeDefined();
      if (line !== undefined) expect(found?.location.line).toBe(line);
    }
  });

  it('links many-packages edges to the locked version', () => {
    const { packages } = parseCargoLock(readFileSync(path.join(samples, 'many-packages.lock'), 'utf8'), 'Cargo.lock');
    expect(packages.find((p) => p.name === 'aho-corasick')?.dependsOn).toEqual(['pkg:cargo/memchr@2.4.1']);
  });
});

describe('malformed Cargo.lock', () => {
  it.each([
    ['truncated string', 'version = 3\n\n[[package]]\nname = "serde\n', 'not valid TOML'],
    ['package without version', 'version = 3\n\n[[package]]\nname = "serde"\n', 'line 3: package #1 has no string name and version'],
    ['package not an array', 'package = "x"\n', '"package" is not an array'],
    ['dependencies not strings', '[[package]]\nname = "a"\nversion = "1.0.0"\nsource = "registry+x"\ndependencies = [1]\n', 'dependencies of a are not a list of strings'],
  ])('%s → ParseError naming the path', (_label, content, message) => {
    expect(() => parseCargoLock(content, 'crates/Cargo.lock')).toThrow(ParseError);
    expect(() => parseCargoLock(content, 'crates/Cargo.lock')).toThrow(/^crates\/Cargo\.lock: /);
    expect(() => parseCargoLock(content, 'crates/Cargo.lock')).toThrow(message);
  });
});

describe('truncated input', () => {
  // Every prefix of every sample and fixture (every byte for small files) parses or throws ParseError: nothing else.
  const files = [...[samples], fixtures].flatMap((dir) =>
    readdirSync(dir, { recursive: true })
      .map(String)
      .filter((file) => !file.endsWith('expected.json'))
      .map((file) => path.join(dir, file))
      .filter((file) => statSync(file).isFile()),
  );

  it.each(files.map((file) => [path.relative(repoRoot, file), file]))('%s', (_label, file) => {
    const content = readFileSync(file, 'utf8');
    const step = Math.max(1, Math.floor(content.length / 400));
    for (let end = 0; end <= content.length; end += step) {
      try {
        parseCargoLock(content.slice(0, end), 'cut');
      } catch (error) {
        if (!(error instanceof ParseError)) throw new Error(`prefix of ${end} bytes threw ${String(error)}`, { cause: error });
        expect(error.message.startsWith('cut: ')).toBe(true);
      }
    }
  });
});
