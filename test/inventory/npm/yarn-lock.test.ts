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
      'my-fork@1.0.0 direct runtime L38 git',
      'local@0.0.1 direct runtime L42 local',
    ]);
    expect(result.packages[0]?.dependsOn).toEqual(['pkg:npm/debug@4.3.4', 'pkg:npm/fsevents@2.3.2']);
    expect(result.packages.find((p) => p.name === 'my-fork')?.sourceRef).toBe('https://codeload.example.invalid/me/my-fork/tar.gz/0123456');
    expect(result.packages.find((p) => p.name === 'local')?.sourceRef).toBe('./local');
    expect(result.warnings).toEqual([]);
  });

  it('reads classic v1 without package.json: entries nothing requires are direct, all runtime', () => {
    const content = readFileSync(path.join(fixtureDir, 'classic/yarn.lock'), 'utf8');
    const result = yarnLockExtractor.parse(content, 'yarn.lock');
    expect(result.packages.filter((p) => p.direct).map((p) => p.name)).toEqual(['@babel/core', 'jest', 'ms', 'my-fork', 'local']);
    expect(result.packages.find((p) => p.name === 'jest')?.scope).toBe('runtime');
  });

  it('reads Berry: workspaces (0.0.0-use.local) and link: folders listed local, git listed git, npm: aliases, patch: resolved to the npm version', () => {
    const { result, asked } = parseFixture('berry');
    expect(asked.sort()).toEqual(['package.json', 'packages/app/package.json']);
    expect(result.packages.map(brief)).toEqual([
      '@acme/app@0.0.0-use.local direct runtime L8 local',
      'left-pad@1.3.0 direct runtime L18',
      'monorepo@0.0.0-use.local direct runtime L25 local',
      'fsevents@2.3.3 direct optional L39',
      'left-pad@1.1.0 direct runtime L45 alias=pad-old',
      // the patched copy (line 59) is the same package
      'resolve@1.22.8 direct runtime L51',
      'is-core-module@2.13.1 transitive runtime L67',
      'typescript@5.3.3 direct dev L73',
      'tools@0.0.0-use.local transitive runtime L79 local',
      'private-lib@2.0.0 transitive runtime L85 git',
    ]);
    expect(result.packages.find((p) => p.name === 'resolve')?.dependsOn).toEqual(['pkg:npm/is-core-module@2.13.1']);
    expect(result.packages.find((p) => p.name === '@acme/app')?.sourceRef).toBe('packages/app');
    expect(result.packages.find((p) => p.name === 'private-lib')?.sourceRef).toBe('https://example.invalid/private-lib.git#commit=0123456789');
    expect(result.warnings).toEqual([]);
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
    'commits.v1.lock': [
      'mine1@1.0.0-alpha.37 direct runtime L5 git',
      'mine2@0.0.1 direct runtime L11 git',
      'mine3@1.2.3 direct runtime L17 git',
      'mine4@0.0.2 direct runtime L21 git',
      'mine4@0.0.4 direct runtime L25 git',
      'my-package@1.8.3 direct runtime L29 git',
      '@bower_components/angular-animate@1.4.14 direct runtime L33 git',
      '@bower_components/alertify@0.0.0 direct runtime L37 git',
      'minimist@0.0.8 direct runtime L41 git',
      'bats-assert@2.0.0 direct runtime L45 git',
      'bats-support@0.3.0 direct runtime L49 git',
      'bats@1.5.0 direct runtime L53 git',
      'vue@2.6.12 direct runtime L57 git',
      'kit@1.0.0 direct runtime L61 git',
      'casadistance@1.0.0 direct runtime L68 git',
      'babel-preset-php@1.1.1 direct runtime L72 git',
      'is-number@2.0.0 direct runtime L78 git',
      'is-number@5.0.0 direct runtime L82 git',
    ],
    'commits.v2.lock': [
      '@my-scope/my-first-package@0.0.6 direct runtime L8 git',
      'my-second-package@0.2.2 direct runtime L12 git',
      '@typegoose/typegoose@7.2.0 direct runtime L21 git',
      'vuejs@2.5.0 direct runtime L37 git',
      'my-third-package@0.16.1-dev direct runtime L45 git',
      'my-node-sdk@1.1.0 direct runtime L50 git',
      'is-really-great@1.0.0 direct runtime L58 git',
    ],
    'empty.v1.lock': [],
    'empty.v2.lock': [],
    'exclude-root.v2.lock': [
      '@ws/ansi-regex@0.0.0-use.local direct runtime L8 local',
      'ansi-regex@6.1.0 direct runtime L16',
      'ansi-regex@0.0.0-use.local direct runtime L23 local',
    ],
    'files.v1.lock': [
      'etag@1.8.1 transitive optional L5',
      'filedep@1.2.0 transitive runtime L9 local',
      'lodash@1.3.1 transitive runtime L12',
      'other_package@0.0.2 direct runtime L16 local',
      'sprintf-js@0.0.0 direct runtime L24 local',
      'etag@1.8.0 transitive runtime L27 local',
    ],
    'files.v2.lock': [
      'my-package@0.0.2 direct runtime L8 local',
    ],
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
      'mine@0.0.0-use.local direct runtime L29 local',
    ],
    'with-build-string.v1.lock': [
      'domino@2.1.6+git direct runtime L5 git',
      'tslib@2.6.2 direct runtime L10',
    ],
    'with-build-string.v2.lock': [
      'domino@2.1.6+git direct runtime L8 git',
      'tslib@2.6.2 direct runtime L15',
      'zone.js@0.0.0-use.local direct runtime L22 local',
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
      'eslint-plugin-jest@0.0.0-use.local direct runtime L22 local',
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

  it('lists every git source as git, with no warning', () => {
    for (const name of ['commits.v1.lock', 'commits.v2.lock']) {
      const result = yarnLockExtractor.parse(readSample('yarnlock', name), 'yarn.lock');
      expect(result.warnings).toEqual([]);
      expect(result.packages.every((p) => p.source === 'git')).toBe(true);
    }
    // a token in the URL stays out of the SBOM
    const v1 = yarnLockExtractor.parse(readSample('yarnlock', 'commits.v1.lock'), 'yarn.lock').packages;
    expect(v1.find((p) => p.version === '5.0.0')?.sourceRef).toBe('https://github.com/jonschlinkert/is-number.git#af885e2e890b9ef0875edd2b117305119ee5bdc5');
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
