import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/model/errors.js';
import type { Package } from '../../../src/model/types.js';
import { parsePubspecLock, pubspecLockExtractor } from '../../../src/inventory/pub/pubspec-lock.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.join(repoRoot, 'fixtures/inventory/pub');
const samples = path.resolve(repoRoot, '../shared/lockfile-samples/dart/pubspec');

const project = (packages: Package[]) =>
  packages.map((p) => ({ name: p.name, version: p.version, direct: p.direct, scope: p.scope, line: p.location.line }));

describe('pubspec.lock fixtures', () => {
  it.each(readdirSync(fixtures))('%s matches expected.json', (name) => {
    const content = readFileSync(path.join(fixtures, name, 'pubspec.lock'), 'utf8');
    const expected: unknown = JSON.parse(readFileSync(path.join(fixtures, name, 'expected.json'), 'utf8'));
    expect(project(parsePubspecLock(content, 'pubspec.lock').packages)).toEqual(expected);
  });

  it('skips sdk and path packages and flags git ones', () => {
    const result = parsePubspecLock(readFileSync(path.join(fixtures, 'all-sources/pubspec.lock'), 'utf8'), 'pubspec.lock');
    expect(result.warnings).toEqual([
      'pubspec.lock:19: flutter comes from an SDK; skipped, it is not a published package',
      'pubspec.lock:38: local_utils comes from a local path; skipped, it is not a published package',
      'pubspec.lock:45: markdown 7.1.1 comes from git; advisories match it by version only',
    ]);
    expect(result.packages.find((p) => p.name === 'http')?.purl).toBe('pkg:pub/http@1.1.0');
  });

  it('declares pubspec.lock', () => {
    expect(pubspecLockExtractor.id).toBe('pub/pubspec-lock');
    expect(pubspecLockExtractor.patterns).toEqual(['pubspec.lock']);
  });
});

describe('osv-scalibr pubspec.lock samples', () => {
  const table: Record<string, { count: number; has: [string, string, boolean, 'dev' | 'runtime'][] } | 'throws'> = {
    'empty.lock': { count: 0, has: [] },
    'mixed-packages.lock': {
      count: 4,
      has: [['back_button_interceptor', '6.0.1', true, 'runtime'], ['build_runner', '2.2.1', true, 'dev'], ['shelf', '1.3.2', false, 'runtime'], ['shelf_web_socket', '1.0.2', false, 'runtime']],
    },
    'no-packages.lock': { count: 0, has: [] },
    'not-yaml.txt': 'throws',
    'one-package-dev.lock': { count: 1, has: [['build_runner', '2.2.1', true, 'dev']] },
    'one-package.lock': { count: 1, has: [['back_button_interceptor', '6.0.1', true, 'runtime']] },
    'source-git.lock': { count: 5, has: [['flutter_rust_bridge', '1.32.0', true, 'runtime'], ['screen_retriever', '0.1.2', false, 'runtime'], ['toggle_switch', '1.4.0', true, 'runtime']] },
    'source-path.lock': { count: 0, has: [] },
    'source-sdk.lock': { count: 0, has: [] },
    'two-packages.lock': { count: 2, has: [['shelf', '1.3.2', false, 'runtime'], ['shelf_web_socket', '1.0.2', false, 'runtime']] },
  };

  it('covers every sample', () => {
    expect(readdirSync(samples).sort()).toEqual(Object.keys(table).sort());
  });

  it.each(Object.entries(table))('%s', (file, expected) => {
    const content = readFileSync(path.join(samples, file), 'utf8');
    if (expected === 'throws') {
      expect(() => parsePubspecLock(content, file)).toThrow(ParseError);
      return;
    }
    const { packages } = parsePubspecLock(content, file);
    expect(packages).toHaveLength(expected.count);
    for (const [name, version, direct, scope] of expected.has) {
      const found = packages.find((p) => p.name === name && p.version === version);
      expect(found, `${name}@${version}`).toBeDefined();
      expect(found?.direct).toBe(direct);
      expect(found?.scope).toBe(scope);
    }
  });

  it('source-path.lock and source-sdk.lock say why they are empty', () => {
    expect(parsePubspecLock(readFileSync(path.join(samples, 'source-path.lock'), 'utf8'), 'pubspec.lock').warnings).toEqual([
      'pubspec.lock:4: maa_core comes from a local path; skipped, it is not a published package',
    ]);
    expect(parsePubspecLock(readFileSync(path.join(samples, 'source-sdk.lock'), 'utf8'), 'pubspec.lock').warnings).toEqual([
      'pubspec.lock:4: flutter_web_plugins comes from an SDK; skipped, it is not a published package',
    ]);
  });
});

describe('malformed pubspec.lock', () => {
  it.each([
    ['truncated', 'packages:\n  args:\n    dependency: transitive\n    version: "2.4', 'not valid YAML'],
    ['no packages key', 'sdks:\n  dart: ">=3.0.0"\n', 'no "packages" mapping'],
    ['packages is a list', 'packages:\n  - args\n', '"packages" is not a mapping'],
    ['entry without version', 'packages:\n  args:\n    source: hosted\n', 'line 2: package args has no string "version" and "source"'],
  ])('%s → ParseError naming the path', (_label, content, message) => {
    expect(() => parsePubspecLock(content, 'app/pubspec.lock')).toThrow(ParseError);
    expect(() => parsePubspecLock(content, 'app/pubspec.lock')).toThrow(/^app\/pubspec\.lock: /);
    expect(() => parsePubspecLock(content, 'app/pubspec.lock')).toThrow(message);
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
        parsePubspecLock(content.slice(0, end), 'cut');
      } catch (error) {
        if (!(error instanceof ParseError)) throw new Error(`prefix of ${end} bytes threw ${String(error)}`, { cause: error });
        expect(error.message.startsWith('cut: ')).toBe(true);
      }
    }
  });
});
