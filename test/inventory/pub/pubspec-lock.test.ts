import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePubspecLock, pubspecLockExtractor } from '../../../src/inventory/pub/pubspec-lock.js';
import { inventoryDirs, malformedTests, project, readFixture, sampleTableTests, truncationTests } from '../helpers/sample-suite.js';

const { fixtures, samples } = inventoryDirs('pub', 'dart/pubspec');

describe('pubspec.lock fixtures', () => {
  it.each(readdirSync(fixtures))('%s matches expected.json', (name) => {
    const { content, expected } = readFixture(fixtures, name, 'pubspec.lock');
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
  sampleTableTests<{ count: number; has: [string, string, boolean, 'dev' | 'runtime'][] }>({
    samples,
    parse: parsePubspecLock,
    table: {
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
    },
    checkFound: (found, [, , direct, scope]) => {
      expect(found?.direct).toBe(direct);
      expect(found?.scope).toBe(scope);
    },
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
  malformedTests(parsePubspecLock, 'app/pubspec.lock', [
    ['truncated', 'packages:\n  args:\n    dependency: transitive\n    version: "2.4', 'not valid YAML'],
    ['no packages key', 'sdks:\n  dart: ">=3.0.0"\n', 'no "packages" mapping'],
    ['packages is a list', 'packages:\n  - args\n', '"packages" is not a mapping'],
    ['entry without version', 'packages:\n  args:\n    source: hosted\n', 'line 2: package args has no string "version" and "source"'],
  ]);
});

describe('truncated input', () => {
  truncationTests(parsePubspecLock, [samples, fixtures]);
});
