import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/model/errors.js';
import { yarnLockExtractor } from '../../../src/inventory/npm/yarn-lock.js';
import { brief, listSamples, readSample, repoRoot } from './helpers.js';

const fixtureDir = path.join(repoRoot, 'fixtures/inventory/npm/yarn-lock');

/** Parses a fixture folder's yarn.lock, reading sibling package.json files from that folder. */
function parseFixture(name: string) {
  const dir = path.join(fixtureDir, name);
  const asked: string[] = [];
  const result = yarnLockExtractor.parse(readFileSync(path.join(dir, 'yarn.lock'), 'utf8'), 'yarn.lock', (rel) => {
    asked.push(rel);
    try {
      return readFileSync(path.join(dir, rel), 'utf8');
    } catch {
      return undefined;
    }
  });
  return { result, asked };
}

describe('yarn.lock fixtures', () => {
  it('reads classic v1: multi-specifier headers, aliases, optional edges, dev from package.json', () => {
    const { result, asked } = parseFixture('classic');
    expect(asked).toEqual(['package.json']);
    expect(result.packages.map(brief)).toEqual([
      '@babel/core@7.20.0 direct runtime L5',
      'debug@4.3.4 transitive runtime L14',
      'fsevents@2.3.2 transitive optional L20',
      'ms@2.1.2 transitive runtime L24',
      'jest@29.7.0 direct dev L28',
      'ms@2.0.0 direct runtime L34 alias=old-ms',
    ]);
    expect(result.packages[0]?.dependsOn).toEqual(['pkg:npm/debug@4.3.4', 'pkg:npm/fsevents@2.3.2']);
    expect(result.warnings).toEqual([
      'yarn.lock:38: my-fork@github:me/my-fork#main is not from the registry (https://codeload.example.invalid/me/my-fork/tar.gz/0123456); skipped',
    ]);
  });

  it('reads classic v1 without package.json: entries nothing requires are direct, all runtime', () => {
    const content = readFileSync(path.join(fixtureDir, 'classic/yarn.lock'), 'utf8');
    const result = yarnLockExtractor.parse(content, 'yarn.lock');
    expect(result.packages.filter((p) => p.direct).map((p) => p.name)).toEqual(['@babel/core', 'jest', 'ms']);
    expect(result.packages.find((p) => p.name === 'jest')?.scope).toBe('runtime');
  });

  it('reads Berry: workspaces, npm: aliases, patch: resolved to the npm version, link/git skipped', () => {
    const { result, asked } = parseFixture('berry');
    expect(asked.sort()).toEqual(['package.json', 'packages/app/package.json']);
    expect(result.packages.map(brief)).toEqual([
      'left-pad@1.3.0 direct runtime L18',
      'fsevents@2.3.3 direct optional L39',
      'left-pad@1.1.0 direct runtime L45 alias=pad-old',
      // the patched copy (line 59) is the same package
      'resolve@1.22.8 direct runtime L51',
      'is-core-module@2.13.1 transitive runtime L67',
      'typescript@5.3.3 direct dev L73',
    ]);
    expect(result.packages.find((p) => p.name === 'resolve')?.dependsOn).toEqual(['pkg:npm/is-core-module@2.13.1']);
    expect(result.warnings).toEqual([
      'yarn.lock:85: private-lib@https://example.invalid/private-lib.git#commit=0123456789 is not from the registry; skipped',
    ]);
  });

  it.each([
    ['just some text\n', /line 1: expected an entry header/],
    ['foo@^1:\n  version "1.0.0"\n  dependencies:\n    "bar\n', /line 4: cannot read the dependency/],
    ['  version "1.0.0"\n', /line 1: indented line before the first entry/],
    ['__metadata:\n  version: [\n', /not valid YAML/],
    ['__metadata:\n  cacheKey: 8\n', /__metadata.version is missing/],
  ])('rejects %j', (content, message) => {
    expect(() => yarnLockExtractor.parse(content, 'yarn.lock')).toThrow(ParseError);
    expect(() => yarnLockExtractor.parse(content, 'yarn.lock')).toThrow(message);
  });
});

/** osv-scalibr's yarn.lock samples, each checked by reading it. */
describe('yarn.lock samples', () => {
  const expected: Record<string, string[] | RegExp> = {
    'commits.v1.lock': [],
    'commits.v2.lock': [],
    'empty.v1.lock': [],
    'empty.v2.lock': [],
    'exclude-root.v2.lock': [
      'ansi-regex@6.1.0 direct runtime L16',
    ],
    'files.v1.lock': [
      'etag@1.8.1 direct runtime L5',
      'lodash@1.3.1 direct runtime L12',
    ],
    'files.v2.lock': [],
    'multiple-constraints.v1.lock': [
      'domelementtype@1.3.1 direct runtime L5',
      '@babel/code-frame@7.12.13 direct runtime L10',
    ],
    'multiple-versions.v1.lock': [
      'define-properties@1.1.3 direct runtime L5',
      'define-property@0.2.5 direct runtime L12',
      'define-property@1.0.0 direct runtime L19',
      'define-property@2.0.2 direct runtime L26',
    ],
    'multiple-versions.v2.lock': [
      'debug@4.3.3 direct runtime L8',
      'debug@2.6.9 direct runtime L20',
      'debug@3.2.7 direct runtime L29',
    ],
    'no-version.v1.lock': [
      'balanced-match@1.0.2 direct runtime L5',
    ],
    'one-package.v1.lock': [
      'balanced-match@1.0.2 direct runtime L5',
    ],
    'one-package.v2.lock': [
      'balanced-match@1.0.2 direct runtime L8',
    ],
    'scoped-packages.v1.lock': [
      '@babel/code-frame@7.12.11 direct runtime L5',
      '@babel/compat-data@7.14.0 direct runtime L12',
    ],
    'scoped-packages.v2.lock': [
      '@babel/cli@7.16.8 direct runtime L8',
      '@babel/code-frame@7.16.7 direct runtime L35',
      '@babel/compat-data@7.16.8 direct runtime L44',
    ],
    'two-packages.v1.lock': [
      'concat-map@0.0.1 direct runtime L5',
      'concat-stream@1.6.2 direct runtime L10',
    ],
    'two-packages.v2.lock': [
      'compare-func@2.0.0 direct runtime L8',
      'concat-map@0.0.1 direct runtime L18',
    ],
    'with-aliases.v1.lock': [
      'ansi-regex@5.0.1 direct runtime L5 alias=ansi-regex-cjs',
      'ansi-regex@6.0.1 direct runtime L10',
      '@babel/helper-validator-identifier@7.22.20 direct runtime L15 alias=babel-hvi',
    ],
    'with-aliases.v2.lock': [
      'ansi-regex@5.0.1 direct runtime L8 alias=ansi-regex-cjs',
      'ansi-regex@6.0.1 direct runtime L15',
      '@babel/helper-validator-identifier@7.22.20 direct runtime L22 alias=babel-hvi',
    ],
    'with-build-string.v1.lock': [
      'tslib@2.6.2 direct runtime L10',
    ],
    'with-build-string.v2.lock': [
      'tslib@2.6.2 direct runtime L15',
    ],
    'with-prerelease.v1.lock': [
      'css-tree@1.0.0-alpha.37 direct runtime L5',
      'gensync@1.0.0-beta.2 direct runtime L13',
      'node-fetch@3.0.0-beta.9 direct runtime L18',
      'resolve@1.20.0 direct runtime L26',
      'resolve@2.0.0-next.3 direct runtime L34',
    ],
    'with-prerelease.v2.lock': [
      '@nicolo-ribaudo/chokidar-2@2.1.8-no-fsevents.3 transitive runtime L8',
      'gensync@1.0.0-beta.2 transitive runtime L15',
    ],
    'with-quotes.v1.lock': [
      'concat-map@0.0.1 direct runtime L5',
      'concat-stream@1.6.2 direct runtime L10',
    ],
    'with-quotes.v2.lock': [
      'compare-func@2.0.0 direct runtime L8',
      'concat-map@0.0.1 direct runtime L18',
    ],
  };

  it('has an expectation for every sample', () => {
    expect(listSamples('yarnlock')).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s', (name, want) => {
    const content = readSample('yarnlock', name);
    if (want instanceof RegExp) {
      expect(() => yarnLockExtractor.parse(content, 'yarn.lock')).toThrow(want);
      return;
    }
    expect(yarnLockExtractor.parse(content, 'yarn.lock').packages.map(brief)).toEqual(want);
  });

  it('warns once for each git source it skips', () => {
    expect(yarnLockExtractor.parse(readSample('yarnlock', 'commits.v1.lock'), 'yarn.lock').warnings).toHaveLength(18);
    const v2 = yarnLockExtractor.parse(readSample('yarnlock', 'commits.v2.lock'), 'yarn.lock').warnings ?? [];
    expect(v2).toHaveLength(7);
    expect(v2[0]).toBe(
      'yarn.lock:8: @my-scope/my-first-package@https://github.com/my-org/my-first-package.git#commit=0b824c650d3a03444dbcf2b27a5f3566f6e41358 is not from the registry; skipped',
    );
  });
});

describe('yarn.lock: hostile input', () => {
  it('a name no purl can hold (a lone surrogate) is a ParseError at its line', () => {
    const content = '# yarn lockfile v1\n\n"left-pad\\ud800@^1.0.0":\n  version "1.3.0"\n  resolved "https://example.invalid/left-pad/-/left-pad-1.3.0.tgz"\n';
    const run = () => yarnLockExtractor.parse(content, 'yarn.lock');
    expect(run).toThrow(ParseError);
    expect(run).toThrow(/^yarn\.lock: line 3: "left-pad\uFFFD" "1\.3\.0" is not a valid package name/);
  });
});
