import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/model/errors.js';
import { pnpmLockExtractor } from '../../../src/inventory/npm/pnpm-lock.js';
import { brief, listSamples, readFixture, readSample, repoRoot } from './helpers.js';

const parse = (content: string) => pnpmLockExtractor.parse(content, 'pnpm-lock.yaml');

describe('pnpm-lock.yaml fixtures', () => {
  it('reads 9.0 workspaces: importers give direct and dev, snapshots give edges, peers stripped', () => {
    const result = parse(readFixture('pnpm-lock/v9-workspace/pnpm-lock.yaml'));
    expect(result.packages.map(brief)).toEqual(EXPECTED_V9);
    expect(result.packages.find((p) => p.name === 'react-dom')?.dependsOn).toEqual([
      'pkg:npm/loose-envify@1.4.0',
      'pkg:npm/react@18.2.0',
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('lists workspace projects and file: folders as local packages, named from their package.json (pnpm 9.15 generated)', () => {
    const dir = path.join(repoRoot, 'fixtures/inventory/npm/pnpm-lock/v9-local');
    const result = pnpmLockExtractor.parse(readFixture('pnpm-lock/v9-local/pnpm-lock.yaml'), 'pnpm-lock.yaml', (rel) => {
      try {
        return readFileSync(path.join(dir, rel), 'utf8');
      } catch {
        return undefined;
      }
    });
    expect(result.packages.map(brief)).toEqual([
      'a@0.1.0 direct runtime L18 local',
      'b@0.2.0 direct runtime L27 local',
      'c@2.1.6 direct runtime L35 local',
      'lodash@4.17.20 direct runtime L38',
      'minimist@1.2.5 direct runtime L41',
      'ms@2.0.0 transitive runtime L44',
    ]);
    expect(result.packages.find((p) => p.name === 'a')?.dependsOn).toEqual(['pkg:npm/b@0.2.0', 'pkg:npm/minimist@1.2.5']);
    expect(result.packages.find((p) => p.name === 'c')?.sourceRef).toBe('vendor/c');
    expect(result.warnings).toEqual([]);
  });

  it('reads 5.x keys with a registry host and _peer suffixes, and 6.x keys with (peer) suffixes', () => {
    expect(parse(readFixture('pnpm-lock/v5/pnpm-lock.yaml')).packages.map(brief)).toEqual(EXPECTED_V5);
    expect(parse(readFixture('pnpm-lock/v6/pnpm-lock.yaml')).packages.map(brief)).toEqual(EXPECTED_V6);
  });

  it.each([
    ['lockfileVersion: 4\npackages: {}\n', /unsupported lockfileVersion 4/],
    ['packages: {}\n', /no lockfileVersion/],
    ["lockfileVersion: '9.0'\npackages: [1]\n", /"packages" must be a mapping/],
    ["lockfileVersion: '9.0'\npackages: {\n", /not valid YAML/],
    ['- a\n- b\n', /expected a YAML mapping/],
  ])('rejects %j', (content, message) => {
    expect(() => parse(content)).toThrow(ParseError);
    expect(() => parse(content)).toThrow(message);
  });
});

/** osv-scalibr's pnpm-lock.yaml samples, each checked by reading it. */
describe('pnpm-lock.yaml samples', () => {
  const expected: Record<string, string[] | RegExp> = {
    'commits.v9.yaml': [
      'ansi-regex@6.0.1 direct runtime L20 git',
      'is-number@7.0.0 direct runtime L25 git',
    ],
    'commits.yaml': [
      'my-bitbucket-package@1.0.0 transitive runtime L14 git',
      '@my-scope/my-package@1.0.0 direct runtime L20 git',
      '@my-scope/my-other-package@1.0.0 transitive runtime L28 git',
      'faker-parser@0.0.1 transitive runtime L34 git',
      'mocks@20.0.1 direct runtime L42 git',
    ],
    'empty.yaml': [],
    'exotic.yaml': [
      'foo@1.0.0 transitive runtime L10',
      '@foo/bar@1.0.0 transitive runtime L11',
      'foo@1.1.0 transitive runtime L12',
      '@foo/bar@1.1.0 transitive runtime L13',
      'foo@1.2.0 transitive runtime L15',
      'foo@1.3.0 transitive runtime L16',
      'foo@1.4.0 transitive runtime L17',
    ],
    'files.yaml': [
      'my-file-package@0.0.0 transitive runtime L10 local',
      'a-local-package@1.0.0 transitive runtime L16 local',
      'a-nested-local-package@1.0.0 transitive runtime L22 local',
      'one-up@1.0.0 transitive runtime L28 local',
      'one-up-with-peer@1.0.0 transitive runtime L34 local',
    ],
    'invalid-path.yaml': [
      'acorn@8.7.0 transitive runtime L11',
    ],
    'invalid-paths.yaml': [
      'acorn@8.7.0 transitive runtime L17',
    ],
    'missing-packages.yaml': [],
    'mixed-groups.v9.yaml': [
      'ansi-regex@5.0.1 direct runtime L25',
      'is-number@7.0.0 direct dev L29',
      'uuid@8.3.2 direct optional L33',
    ],
    'multiple-packages.yaml': [
      'aws-sdk@2.1087.0 direct runtime L11',
      'base64-js@1.5.1 transitive runtime L26',
      'buffer@4.9.2 transitive runtime L30',
      'events@1.1.1 transitive runtime L38',
      'ieee754@1.1.13 transitive runtime L43',
      'isarray@1.0.0 transitive runtime L47',
      'jmespath@0.16.0 transitive runtime L51',
      'punycode@1.3.2 transitive runtime L56',
      'querystring@0.2.0 transitive runtime L60',
      'sax@1.2.1 transitive runtime L66',
      'url@0.10.3 transitive runtime L70',
      'uuid@3.3.2 transitive runtime L77',
      'xml2js@0.4.19 transitive runtime L83',
      'xmlbuilder@9.0.7 transitive runtime L90',
    ],
    'multiple-versions.v9.yaml': [
      'uuid@8.0.0 transitive runtime L20',
      'uuid@8.3.2 direct runtime L24',
      'xmlbuilder@11.0.1 transitive runtime L28',
    ],
    'multiple-versions.yaml': [
      'uuid@3.3.2 transitive runtime L13',
      'uuid@8.3.2 direct runtime L19',
      'xmlbuilder@9.0.7 transitive runtime L24',
    ],
    'no-packages.v9.yaml': [],
    'no-packages.yaml': [],
    'not-yaml.txt': /expected a YAML mapping at the top level/,
    'one-package-dev.v9.yaml': [
      'acorn@8.11.3 direct dev L17',
    ],
    'one-package-dev.yaml': [
      'acorn@8.7.0 direct runtime L11',
    ],
    'one-package-v6-lockfile.yaml': [
      'acorn@8.7.0 direct runtime L10',
    ],
    'one-package.v9.yaml': [
      'acorn@8.11.3 direct runtime L17',
    ],
    'one-package.yaml': [
      'acorn@8.7.0 direct runtime L11',
    ],
    'peer-dependencies-advanced-rc-v6.yaml': [
      'js-tokens@4.0.0 transitive runtime L14',
      'loose-envify@1.4.0 transitive runtime L18',
      'react-dom@18.0.0-rc.3 direct runtime L25',
      'react@18.2.0 transitive runtime L35',
      'scheduler@0.21.0 transitive runtime L42',
    ],
    'peer-dependencies-advanced-v6.yaml': [
      'js-tokens@4.0.0 transitive runtime L14',
      'loose-envify@1.4.0 transitive runtime L18',
      'react-dom@18.3.0-canary-ab31a9ed2-20230824 direct runtime L25',
      'react@18.3.0-canary-ab31a9ed2-20230824 transitive runtime L35',
      'scheduler@0.24.0-canary-ab31a9ed2-20230824 transitive runtime L42',
    ],
    'peer-dependencies-advanced.v9.yaml': [
      '@eslint-community/eslint-utils@4.4.0 transitive runtime L26',
      '@eslint/eslintrc@2.1.4 transitive runtime L32',
      '@typescript-eslint/eslint-plugin@5.62.0 direct runtime L36',
      '@typescript-eslint/parser@5.62.0 direct runtime L47',
      '@typescript-eslint/type-utils@5.62.0 transitive runtime L57',
      '@typescript-eslint/typescript-estree@5.62.0 transitive runtime L67',
      '@typescript-eslint/utils@5.62.0 transitive runtime L76',
      'debug@4.3.4 transitive runtime L82',
      'eslint@8.57.0 direct runtime L91',
      'has-flag@4.0.0 transitive runtime L96',
      'supports-color@7.2.0 transitive runtime L100',
      'tsutils@3.21.0 transitive runtime L104',
      'typescript@4.9.5 direct runtime L110',
    ],
    'peer-dependencies-advanced.yaml': [
      '@typescript-eslint/eslint-plugin@5.13.0 direct runtime L17',
      '@typescript-eslint/parser@5.13.0 direct runtime L44',
      '@typescript-eslint/type-utils@5.13.0 transitive runtime L64',
      '@typescript-eslint/types@5.13.0 transitive runtime L83',
      '@typescript-eslint/typescript-estree@5.13.0 transitive runtime L88',
      '@typescript-eslint/utils@5.13.0 transitive runtime L109',
      'eslint-utils@3.0.0 transitive runtime L127',
      'eslint@8.10.0 direct runtime L137',
      'tsutils@3.21.0 transitive runtime L181',
    ],
    'peer-dependencies-v6.yaml': [
      'js-tokens@4.0.0 transitive runtime L14',
      'loose-envify@1.4.0 transitive runtime L18',
      'react-dom@18.2.0 direct runtime L25',
      'react@18.2.0 transitive runtime L35',
      'scheduler@0.23.0 transitive runtime L42',
    ],
    'peer-dependencies.v9.yaml': [
      'acorn-jsx@5.3.2 direct runtime L17',
      'acorn@8.11.3 transitive runtime L22',
    ],
    'peer-dependencies.yaml': [
      'acorn-jsx@5.3.2 direct runtime L13',
      'acorn@8.7.0 direct runtime L21',
    ],
    'scoped-packages-v6-lockfile.yaml': [
      '@typescript-eslint/types@5.57.1 direct runtime L10',
    ],
    'scoped-packages.v9.yaml': [
      '@typescript-eslint/types@5.62.0 direct runtime L17',
    ],
    'scoped-packages.yaml': [
      '@typescript-eslint/types@5.13.0 direct runtime L11',
    ],
    'tarball.yaml': [
      '@my-org/my-package@3.2.3 direct dev L10',
    ],
  };

  it('has an expectation for every sample', () => {
    expect(listSamples('pnpmlock')).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s', (name, want) => {
    const content = readSample('pnpmlock', name);
    if (want instanceof RegExp) {
      expect(() => parse(content)).toThrow(ParseError);
      expect(() => parse(content)).toThrow(want);
      return;
    }
    expect(parse(content).packages.map(brief)).toEqual(want);
  });

  it('lists packages resolved from commits as git, with their repository and commit', () => {
    for (const name of ['commits.v9.yaml', 'commits.yaml']) {
      const result = parse(readSample('pnpmlock', name));
      expect(result.warnings).toEqual([]);
      expect(result.packages.every((p) => p.source === 'git')).toBe(true);
    }
    expect(parse(readSample('pnpmlock', 'commits.yaml')).packages.find((p) => p.name === '@my-scope/my-package')?.sourceRef).toBe(
      'git+ssh://git@github.com/my-org/my-package.git#267087851ad5fac92a184749c27cd539e2fc862e',
    );
  });
});

const EXPECTED_V9 = [
  // a workspace project: listed, its version unknown without its package.json
  'web@ direct runtime L15 local',
  'fsevents@2.3.3 direct optional L33',
  'js-tokens@4.0.0 transitive runtime L37',
  'loose-envify@1.4.0 transitive runtime L40',
  'ms@2.0.0 direct runtime L44 alias=old-ms',
  'react-dom@18.2.0 direct runtime L47',
  'react@18.2.0 transitive runtime L52',
  'typescript@5.3.3 direct dev L55',
];

// the git fork on line 43 is skipped with a warning
const EXPECTED_V5 = [
  '@babel/core@7.20.0 direct runtime L17',
  'acorn-jsx@5.3.2 direct runtime L23',
  'acorn@8.7.0 transitive runtime L31',
  'debug@4.3.4 transitive runtime L35',
  'jest@29.7.0 direct dev L39',
];

const EXPECTED_V6 = [
  '@types/react@18.2.0 direct dev L22',
  'react-dom@18.2.0 direct runtime L26',
  'react@18.2.0 transitive runtime L34',
  'string-width@4.2.3 direct runtime L38 alias=string-width-cjs',
];

describe('pnpm-lock.yaml: cut or hostile', () => {
  const head = "lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n      react:\n        specifier: ^18.2.0\n        version: 18.2.0\n";

  it('a file cut before `packages:` is a failed read, not "no packages"', () => {
    expect(() => parse(head)).toThrow(ParseError);
    expect(() => parse(head)).toThrow('pnpm-lock.yaml: no "packages" section, yet the project declares 1 registry dependencies: the file is cut short (truncated?)');
    // 5.x/6.x single-project files declare at the top level
    expect(() => parse("lockfileVersion: 5.4\nspecifiers:\n  a: ^1.0.0\ndependencies:\n  a: 1.0.0\n")).toThrow(/no "packages" section/);
  });

  it('a project whose only dependencies are links or workspaces has no packages section, and that is fine', () => {
    const links = "lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n      lib:\n        specifier: workspace:*\n        version: link:../lib\n";
    expect(parse(links).packages).toEqual([]);
    expect(parse("lockfileVersion: '6.0'\n").packages).toEqual([]);
  });

  it('a name no purl can hold (a lone surrogate) is a ParseError at its line', () => {
    const content = `${head}\npackages:\n  "react\\ud800@18.2.0":\n    resolution: {integrity: sha512-AAAA}\n`;
    expect(() => parse(content)).toThrow(ParseError);
    expect(() => parse(content)).toThrow(/^pnpm-lock\.yaml: line 11: "react\uFFFD" "18\.2\.0" is not a valid package name/);
  });
});
