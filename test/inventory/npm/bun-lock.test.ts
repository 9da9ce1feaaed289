import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/model/errors.js';
import { bunLockExtractor, jsoncToJson } from '../../../src/inventory/npm/bun-lock.js';
import { brief, listSamples, readFixture, readSample } from './helpers.js';
import { bunLock } from '../../../bench/parser-growth.js';

const parse = (content: string) => bunLockExtractor.parse(content, 'bun.lock');

describe('bun.lock fixtures', () => {
  it('reads workspaces, nested install paths, comments and trailing commas', () => {
    const result = parse(readFixture('bun-lock/workspaces/bun.lock'));
    expect(result.packages.map(brief)).toEqual([
      // the workspace itself: listed, never matched
      '@acme/web@ direct runtime L20 local',
      // @acme/web's own lodash, nested under the workspace's name
      'lodash@3.10.1 direct runtime L22',
      '@babel/core@7.20.0 direct runtime L24',
      'debug@4.3.4 transitive runtime L26',
      'lodash@4.17.21 transitive runtime L28',
      'typescript@5.3.3 direct dev L30',
    ]);
    expect(result.packages[2]?.dependsOn).toEqual(['pkg:npm/debug@4.3.4']);
    expect(result.warnings).toEqual([]);
  });

  it('turns JSONC into JSON without moving lines or touching strings', () => {
    const text = '{\n  "a": "x // not a comment, ]", // c\n  "b": [1, 2,], /* x\n y */ "c": {"d": 1,},\n}';
    const json = jsoncToJson(text);
    expect(JSON.parse(json)).toEqual({ a: 'x // not a comment, ]', b: [1, 2], c: { d: 1 } });
    expect(json.split('\n')).toHaveLength(text.split('\n').length);
  });

  it.each([
    ['{"lockfileVersion": 2, "packages": {}}', /unsupported lockfileVersion 2/],
    ['{"packages": {}}', /no lockfileVersion/],
    ['{"lockfileVersion": 1, "packages": []}', /"packages" must be an object/],
    ['{"lockfileVersion": 1, ', /not valid JSONC/],
    ['[1]', /expected an object/],
  ])('rejects %s', (content, message) => {
    expect(() => parse(content)).toThrow(ParseError);
    expect(() => parse(content)).toThrow(message);
  });
});

/** osv-scalibr's bun.lock samples, each checked by reading it. */
describe('bun.lock samples', () => {
  const expected: Record<string, string[] | RegExp> = {
    'alias.json5': [
      'has-flag@4.0.0 transitive runtime L13',
      'supports-color@7.2.0 direct runtime L15',
      'supports-color@6.1.0 direct runtime L17 alias=supports-color-old',
      'has-flag@3.0.0 transitive runtime L19',
    ],
    'bad-tuple.json5': [
      'wrappy@1.0.2 direct runtime L13',
    ],
    'blog-sample.json5': [
      'uWebSockets.js@ direct runtime L11 git',
    ],
    'commits.json5': [
      '@babel/helper-plugin-utils@7.26.5 transitive dev L22',
      '@babel/helper-string-parser@7.25.9 transitive dev L24',
      '@babel/helper-validator-identifier@7.25.9 transitive dev L26',
      '@babel/parser@7.26.5 transitive dev L28',
      '@babel/types@7.26.5 transitive dev L30',
      '@prettier/sync@ direct dev L32 git',
      'babel-preset-php@ direct dev L34 git',
      'is-number@ direct dev L36 git',
      'is-number@ direct dev L38 git',
      'is-number@ direct dev L40 git',
      'jquery@3.7.1 transitive dev L42',
      'lodash@1.3.1 direct runtime L44',
      'make-synchronized@0.2.9 transitive dev L46',
      'php-parser@2.2.0 transitive dev L48',
      'prettier@3.4.2 transitive dev L50',
      'raven-js@ direct dev L52 git',
      'slick-carousel@ direct dev L54 git',
      'stopwords@0.0.1 direct runtime L56',
    ],
    'empty.json5': /no lockfileVersion: /,
    'files.json5': [
      'etag@ direct dev L15 local',
      'lodash@1.3.1 direct runtime L17',
    ],
    'nested-dependencies-dup.json5': [
      'ansi-styles@4.3.0 transitive dev L16',
      'chalk@4.1.2 direct dev L18',
      'color-convert@2.0.1 transitive dev L20',
      'color-name@1.1.4 transitive dev L22',
      'has-flag@2.0.0 direct runtime L24',
      'supports-color@7.2.0 direct runtime L26',
      'has-flag@4.0.0 transitive runtime L28',
    ],
    'nested-dependencies.json5': [
      'ansi-styles@4.3.0 transitive dev L16',
      'chalk@4.1.2 direct dev L18',
      'color-convert@2.0.1 transitive dev L20',
      'color-name@1.1.4 transitive dev L22',
      'has-flag@2.0.0 direct runtime L24',
      'supports-color@5.5.0 direct runtime L26',
      'supports-color@7.2.0 transitive dev L28',
      'has-flag@3.0.0 transitive runtime L30',
      'has-flag@4.0.0 transitive dev L32',
    ],
    'no-packages.json5': [],
    'not-json.txt': /not valid JSONC/,
    'one-package-dev.json5': [
      'wrappy@1.0.2 direct runtime L12',
    ],
    'one-package.json5': [
      'wrappy@1.0.2 direct runtime L12',
    ],
    'optional-package.json5': [
      'acorn@8.14.0 direct runtime L15',
      'fsevents@0.3.8 direct optional L17',
      'nan@2.22.0 transitive optional L19',
    ],
    'peer-dependencies-explicit.json5': [
      'acorn@8.14.0 direct runtime L13',
      'acorn-jsx@5.3.2 direct runtime L15',
    ],
    'peer-dependencies-implicit.json5': [
      'acorn@8.14.0 transitive runtime L12',
      'acorn-jsx@5.3.2 direct runtime L14',
    ],
    'same-package-different-groups.json5': [
      'has-flag@3.0.0 direct runtime L15',
      'supports-color@5.5.0 direct runtime L17',
    ],
    'scoped-packages-mixed.json5': [
      '@babel/code-frame@7.26.2 direct runtime L15',
      '@babel/helper-validator-identifier@7.25.9 transitive runtime L17',
      'js-tokens@4.0.0 transitive runtime L19',
      'picocolors@1.1.1 transitive runtime L21',
      'wrappy@1.0.2 direct dev L23',
    ],
    'scoped-packages.json5': [
      '@typescript-eslint/types@5.62.0 direct runtime L12',
    ],
    'two-packages.json5': [
      'has-flag@4.0.0 direct runtime L13',
      'wrappy@1.0.2 direct runtime L15',
    ],
  };

  it('has an expectation for every sample', () => {
    expect(listSamples('bunlock')).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s', (name, want) => {
    const content = readSample('bunlock', name);
    if (want instanceof RegExp) {
      expect(() => parse(content)).toThrow(ParseError);
      expect(() => parse(content)).toThrow(want);
      return;
    }
    expect(parse(content).packages.map(brief)).toEqual(want);
  });

  it('warns for malformed tuples, and lists git sources as git without a warning', () => {
    expect(parse(readSample('bunlock', 'bad-tuple.json5')).warnings).toEqual([
      'bun.lock:12: wrappy-bad1 is not a [name@version, ...] entry; skipped',
      'bun.lock:14: wrappy-bad2 is not a [name@version, ...] entry; skipped',
    ]);
    const commits = parse(readSample('bunlock', 'commits.json5'));
    expect(commits.warnings).toEqual([]);
    expect(commits.packages.filter((p) => p.source === 'git')).toHaveLength(7);
  });
});

describe('bun.lock: hostile and large input', () => {
  it('reads 20,000 packages with trailing commas in linear time', () => {
    const result = parse(bunLock(20_000));
    expect(result.packages).toHaveLength(20_000);
    expect(result.packages[0]).toMatchObject({ name: 'pkg-0', version: '1.0.0', direct: true });
    expect(result.packages[0]?.dependsOn).toEqual(['pkg:npm/pkg-1@1.1.1', 'pkg:npm/pkg-2@1.2.2', 'pkg:npm/pkg-3@1.3.3']);
  });

  it('drops 100,000 trailing commas without copying the text for each', () => {
    const text = `{"a": [${'[1,],'.repeat(100_000)}],}`;
    expect(JSON.parse(jsoncToJson(text)).a).toHaveLength(100_000);
  });

  it('resolves from an install path 1,000 segments deep, one step per segment', () => {
    const deep = Array.from({ length: 1_000 }, (_, i) => `p${i}`);
    const packages: Record<string, unknown> = { dep: ['dep@1.0.0', '', {}, 'sha512-A'] };
    for (let i = 1; i <= deep.length; i++) packages[deep.slice(0, i).join('/')] = [`p${i - 1}@1.0.${i}`, '', { dependencies: { dep: '^1.0.0' } }, 'sha512-A'];
    const result = parse(JSON.stringify({ lockfileVersion: 1, workspaces: { '': { name: 'x' } }, packages }));
    expect(result.packages).toHaveLength(1_001);
    expect(result.packages.find((pkg) => pkg.name === 'p999')?.dependsOn).toEqual(['pkg:npm/dep@1.0.0']);
  });

  it('a name no purl can hold (a lone surrogate) is a ParseError at its line', () => {
    const text = '{\n  "lockfileVersion": 1,\n  "packages": {\n    "x\\ud800": ["x\\ud800@1.0.0", "", {}, "sha512-A"],\n  },\n}';
    expect(() => parse(text)).toThrow(ParseError);
    expect(() => parse(text)).toThrow(/^bun\.lock: line 4: "x\uFFFD" "1\.0\.0" is not a valid package name and version/);
  });
});
