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

  it('lists sdk and path packages as local and git ones as git', () => {
    const result = parsePubspecLock(readFileSync(path.join(fixtures, 'all-sources/pubspec.lock'), 'utf8'), 'pubspec.lock');
    expect(result.warnings).toEqual([]);
    const byName = new Map(result.packages.map((p) => [p.name, p]));
    expect(byName.get('flutter')).toMatchObject({ source: 'local', sourceRef: 'sdk:flutter' });
    expect(byName.get('local_utils')).toMatchObject({ source: 'local', sourceRef: '../local_utils' });
    expect(byName.get('markdown')).toMatchObject({ source: 'git', sourceRef: 'https://github.com/example/markdown.git#0123456789abcdef0123456789abcdef01234567' });
    expect(byName.get('http')?.purl).toBe('pkg:pub/http@1.1.0');
    expect(byName.get('http')?.source).toBeUndefined();
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
      'source-path.lock': { count: 1, has: [['maa_core', '0.0.1', true, 'runtime']] },
      'source-sdk.lock': { count: 1, has: [['flutter_web_plugins', '0.0.0', false, 'runtime']] },
      'two-packages.lock': { count: 2, has: [['shelf', '1.3.2', false, 'runtime'], ['shelf_web_socket', '1.0.2', false, 'runtime']] },
    },
    checkFound: (found, [, , direct, scope]) => {
      expect(found?.direct).toBe(direct);
      expect(found?.scope).toBe(scope);
    },
  });

  it('source-path.lock and source-sdk.lock list their package as local', () => {
    expect(parsePubspecLock(readFileSync(path.join(samples, 'source-path.lock'), 'utf8'), 'pubspec.lock').packages[0]?.source).toBe('local');
    expect(parsePubspecLock(readFileSync(path.join(samples, 'source-sdk.lock'), 'utf8'), 'pubspec.lock').packages[0]?.sourceRef).toBe('sdk:flutter');
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
