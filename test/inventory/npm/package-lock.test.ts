import { describe, expect, it } from 'vitest';
import { InputLimitError, ParseError } from '../../../src/model/errors.js';
import { packageLockExtractor } from '../../../src/inventory/npm/package-lock.js';
import { brief, listSamples, readFixture, readSample } from './helpers.js';
import { deepPackageLockV1 } from '../../../bench/parser-growth.js';

const parse = (content: string, path = 'package-lock.json', readSibling?: (p: string) => string | undefined) =>
  packageLockExtractor.parse(content, path, readSibling);

describe('package-lock.json fixtures', () => {
  it('reads lockfileVersion 1: nested dependencies, npm: aliases, flags, git listed as git', () => {
    const result = parse(readFixture('package-lock/v1/package-lock.json'));
    expect(result.packages.map(brief)).toEqual([
      '@babel/core@7.20.0 direct runtime L7',
      'ms@2.0.0 transitive runtime L15',
      'debug@4.3.4 transitive runtime L21',
      'ms@2.1.2 transitive runtime L27',
      'left-pad@1.0.0 direct dev L30 alias=left-pad-old',
      'fsevents@2.3.2 direct optional L34',
      'mocha-helper@1.1.0 direct dev L38',
      'my-fork@ direct runtime L52 git',
      'weird"name@0.0.1 direct runtime L56',
    ]);
    const core = result.packages[0];
    expect(core?.purl).toBe('pkg:npm/%40babel/core@7.20.0');
    // requires resolve to the nearest copy: the nested ms 2.0.0, not the top-level 2.1.2
    expect(core?.dependsOn).toEqual(['pkg:npm/debug@4.3.4', 'pkg:npm/ms@2.0.0']);
    expect(result.packages.find((p) => p.name === 'debug')?.dependsOn).toEqual(['pkg:npm/ms@2.1.2']);
    expect(result.warnings).toEqual([]);
  });

  it('takes direct dependencies of a v1 lockfile from the package.json beside it', () => {
    const manifest = JSON.stringify({ dependencies: { debug: '^4' }, devDependencies: { 'left-pad-old': '*' } });
    const asked: string[] = [];
    const result = parse(readFixture('package-lock/v1/package-lock.json'), 'web/package-lock.json', (p) => {
      asked.push(p);
      return p === 'web/package.json' ? manifest : undefined;
    });
    expect(asked).toEqual(['web/package.json']);
    expect(result.packages.filter((p) => p.direct).map((p) => p.name)).toEqual(['debug', 'left-pad']);
    expect(result.packages[0]?.location).toEqual({ path: 'web/package-lock.json', line: 7 });
  });

  it('prefers the packages map of a v2 lockfile over its v1 dependencies section', () => {
    const result = parse(readFixture('package-lock/v2/package-lock.json'));
    expect(result.packages.map(brief)).toEqual([
      'express@4.18.2 direct runtime L20',
      'debug@2.6.9 transitive runtime L26',
      'ms@2.0.0 transitive runtime L32',
      'typescript@5.1.6 direct dev L35',
      'fsevents@2.3.2 direct optional L39',
    ]);
    expect(result.packages.map((p) => p.dependsOn)).toEqual([['pkg:npm/debug@2.6.9'], ['pkg:npm/ms@2.0.0'], [], [], []]);
    expect(result.warnings).toEqual([]);
  });

  it('reads v3 workspaces: workspace folders are local packages, links point at them, their dependencies are direct', () => {
    const result = parse(readFixture('package-lock/v3-workspaces/package-lock.json'));
    expect(result.packages.map(brief)).toEqual([
      'eslint@8.50.0 direct dev L23',
      // also installed under eslint (dev, line 75): reported once, at the first line, widest scope
      'lodash@4.17.21 direct runtime L31',
      'chokidar@3.5.3 transitive optional L34',
      'react@18.2.0 transitive runtime L41',
      'lodash@4.17.20 direct runtime L45 alias=lodash-es',
      'my-fork@ transitive runtime L49 git',
      'lodash@3.10.1 direct runtime L61',
      '@acme/web@0.1.0 direct runtime L52 local',
      '@acme/util@0.1.0 direct runtime L64 local',
      'semver@7.5.4 transitive runtime L71',
    ].sort((a, b) => Number(/ L(\d+)/.exec(a)?.[1]) - Number(/ L(\d+)/.exec(b)?.[1])));
    expect(result.packages.find((p) => p.name === 'eslint')?.dependsOn).toEqual([
      'pkg:npm/chokidar@3.5.3',
      'pkg:npm/lodash@4.17.21',
    ]);
    expect(result.packages.find((p) => p.name === '@acme/util')?.sourceRef).toBe('packages/util');
    expect(result.packages.find((p) => p.name === 'my-fork')?.sourceRef).toBe(
      'git+ssh://git@example.invalid/me/my-fork.git#0123456789abcdef0123456789abcdef01234567',
    );
    expect(result.warnings).toEqual([]);
  });

  it('keeps a token out of a git source', () => {
    const result = parse(readSample('packagelockjson', 'commits.v2.json'));
    expect(result.packages.find((p) => p.name === 'is-number-5')?.sourceRef).toBe(
      'git+https://github.com/jonschlinkert/is-number.git#af885e2e890b9ef0875edd2b117305119ee5bdc5',
    );
  });

  it('keeps bundled packages and says they are not installed separately', () => {
    const result = parse(readFixture('package-lock/v3-bundled/npm-shrinkwrap.json'), 'npm-shrinkwrap.json');
    expect(result.packages.map(brief)).toEqual(['npm-thing@1.2.0 direct runtime L14', 'abbrev@2.0.0 transitive runtime L23']);
    expect(result.warnings).toEqual([
      "npm-shrinkwrap.json: 1 bundled package(s) ship inside their parent's tarball and are not installed separately: abbrev@2.0.0",
    ]);
  });

  it('declares its id and file names', () => {
    expect(packageLockExtractor.id).toBe('npm/package-lock');
    expect(packageLockExtractor.patterns).toEqual(['package-lock.json', 'npm-shrinkwrap.json']);
  });
});

describe('package-lock.json errors', () => {
  it.each([
    ['{ "lockfileVersion": 3, ', /not valid JSON/],
    ['[]', /expected a JSON object/],
    ['null', /expected a JSON object/],
    ['{ "packages": {} }', /no lockfileVersion/],
    ['{ "lockfileVersion": 4, "packages": {} }', /unsupported lockfileVersion 4/],
    ['{ "lockfileVersion": "3", "packages": {} }', /unsupported lockfileVersion "3"/],
    ['{ "lockfileVersion": 3, "packages": [] }', /"packages" must be an object/],
    ['{ "lockfileVersion": 1, "dependencies": "x" }', /"dependencies" must be an object/],
    ['{ "lockfileVersion": 3 }', /lockfileVersion 3 without a "packages" map/],
  ])('rejects %s', (content, message) => {
    const attempt = () => parse(content);
    expect(attempt).toThrow(ParseError);
    expect(attempt).toThrow(message);
  });

  it('ignores entries that are not objects instead of crashing', () => {
    const result = parse('{"lockfileVersion":3,"packages":{"":{},"node_modules/a":5,"node_modules/b":{"version":"1.0.0"}}}');
    expect(result.packages.map(brief)).toEqual(['b@1.0.0 transitive runtime L1']);
  });
});

/** osv-scalibr's package-lock samples, each checked by reading it. */
describe('package-lock.json samples', () => {
  const expected: Record<string, string[] | RegExp> = {
    'alias.v1.json': [
      '@babel/code-frame@7.0.0 direct runtime L5 alias=babel-code-frame',
      'string-width@5.1.2 direct runtime L13',
      'string-width@4.2.0 direct runtime L23 alias=string-width-cjs',
    ],
    'alias.v2.json': [
      '@babel/code-frame@7.0.0 direct runtime L13 alias=babel-code-frame',
      'string-width@5.1.2 direct runtime L22',
      'string-width@4.2.0 direct runtime L32 alias=string-width-cjs',
    ],
    'both/npm-shrinkwrap.json': ['wrappy@1.0.2 direct runtime L13', 'supports-color@5.5.0 direct runtime L18'],
    'both/package-lock.json': ['wrappy@1.0.2 direct runtime L13', 'supports-color@5.5.0 direct runtime L18'],
    'bundled-dependencies.v3.json': [
      'ansi-regex@6.2.2 transitive runtime L22',
      'semver@7.7.2 direct dev L35',
      'strip-ansi@7.1.2 direct runtime L49',
    ],
    // Git and file: dependencies are listed, marked git or local, and never matched.
    'commits.v1.json': [
      '@segment/analytics.js-integration-facebook-pixel@ direct runtime L5 git',
      'ansi-styles@1.0.0 direct runtime L19',
      'babel-preset-php@ direct runtime L24 git',
      'is-number-1@ direct dev L31 git',
      'is-number-2@ direct runtime L38 git',
      'is-number-3@ direct dev L42 git',
      'is-number-4@ direct dev L47 git',
      'is-number-5@ direct dev L55 git',
      'is-number-6@ direct dev L63 git',
      'postcss-calc@7.0.1 direct runtime L70',
      'is-number-1@ transitive dev L75 git',
      'is-number-2@ transitive runtime L82 git',
      'is-number-3@ transitive dev L86 git',
      'raven-js@ direct runtime L93 git',
      'slick-carousel@ direct dev L97 git',
    ],
    'commits.v2.json': [
      '@segment/analytics.js-integration-facebook-pixel@2.4.1 direct runtime L26 git',
      'ansi-styles@1.0.0 transitive runtime L42',
      'babel-preset-php@1.1.1 direct dev L50 git',
      'is-number-1@3.0.0 direct dev L60 git',
      'is-number-2@2.0.0 direct dev L73 git',
      'is-number-3@2.0.0 direct dev L83 git',
      'is-number-4@3.0.0 direct dev L93 git',
      'is-number-5@3.0.0 direct dev L106 git',
      'postcss-calc@7.0.1 transitive runtime L119',
      'is-number-1@3.0.0 transitive dev L130 git',
      'is-number-2@2.0.0 transitive dev L143 git',
      'is-number-3@3.0.0 transitive dev L153 git',
      'raven-js@ direct runtime L163 git',
      'slick-carousel@1.7.1 direct dev L166 git',
    ],
    'empty.v1.json': [],
    'empty.v2.json': [],
    'files.v1.json': [
      'lodash@1.3.1 transitive runtime L5',
      'other_package@ direct runtime L10 local',
    ],
    'files.v2.json': [
      'etag@1.8.0 transitive dev L16 local',
      'abbrev@1.0.9 transitive dev L36',
      'abbrev@2.3.4 transitive dev L42',
    ],
    'nested-dependencies.v1.json': [
      'postcss@6.0.23 transitive runtime L5',
      'postcss-calc@7.0.1 direct runtime L15',
      'postcss@7.0.16 transitive runtime L26',
      'supports-color@6.1.0 transitive runtime L36',
      'supports-color@5.5.0 transitive runtime L46',
    ],
    'nested-dependencies.v2.json': [
      'postcss@6.0.23 transitive runtime L10',
      'postcss-calc@7.0.1 transitive runtime L23',
      'postcss@7.0.16 transitive runtime L34',
      'supports-color@6.1.0 transitive runtime L47',
      'supports-color@5.5.0 transitive runtime L58',
    ],
    'nested-dependencies-dup.v2.json': ['supports-color@6.1.0 transitive runtime L10', 'supports-color@2.0.0 transitive runtime L32'],
    'not-json.txt': /not valid JSON/,
    'npm-shrinkwrap-only/npm-shrinkwrap.json': ['wrappy@1.0.2 direct runtime L13', 'supports-color@5.5.0 direct runtime L18'],
    'null.v2.jsontest': /expected a JSON object/,
    'one-package-dev.v1.json': ['wrappy@1.0.2 direct dev L5'],
    'one-package-dev.v2.json': ['wrappy@1.0.2 direct dev L10'],
    'one-package.v1.json': ['wrappy@1.0.2 direct runtime L5'],
    'one-package.v2.json': ['wrappy@1.0.2 direct runtime L10'],
    'optional-package.v1.json': ['wrappy@1.0.2 direct dev L5', 'supports-color@5.5.0 direct optional L12'],
    // supports-color is devOptional: installed in production only as an optional dependency
    'optional-package.v2.json': ['wrappy@1.0.2 direct optional L10', 'supports-color@5.5.0 transitive optional L16'],
    'package-lock-only/package-lock.json': ['wrappy@1.0.2 direct runtime L13', 'supports-color@5.5.0 direct runtime L18'],
    'same-package-different-groups.v1.json': [
      'ajv@5.5.2 direct runtime L5',
      'eslint@1.2.3 direct dev L17',
      'table@1.0.0 direct runtime L49',
    ],
    'same-package-different-groups.v2.json': [
      'ajv@5.5.2 transitive runtime L10',
      'eslint@1.2.3 transitive dev L22',
      'table@1.0.0 transitive runtime L50',
    ],
    'scoped-packages.v1.json': ['@babel/code-frame@7.0.0 direct runtime L5', 'wrappy@1.0.2 direct runtime L13'],
    'scoped-packages.v2.json': ['@babel/code-frame@7.0.0 transitive runtime L10', 'wrappy@1.0.2 transitive runtime L18'],
    'two-packages.v1.json': ['wrappy@1.0.2 direct runtime L5', 'supports-color@5.5.0 direct runtime L10'],
    'two-packages.v2.json': ['wrappy@1.0.2 direct runtime L13', 'supports-color@5.5.0 direct runtime L18'],
  };

  it('has an expectation for every sample', () => {
    const samples = listSamples('packagelockjson').filter((name) => name !== 'nested-dependencies-dup.v1.json');
    expect(samples).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s', (name, want) => {
    const content = readSample('packagelockjson', name);
    const canonical = name.endsWith('npm-shrinkwrap.json') ? 'npm-shrinkwrap.json' : 'package-lock.json';
    if (want instanceof RegExp) {
      expect(() => parse(content, canonical)).toThrow(ParseError);
      expect(() => parse(content, canonical)).toThrow(want);
      return;
    }
    expect(parse(content, canonical).packages.map(brief)).toEqual(want);
  });

  it('nested-dependencies-dup.v1.json: 39 distinct name@version, duplicates reported once', () => {
    const result = parse(readSample('packagelockjson', 'nested-dependencies-dup.v1.json'));
    expect(result.packages).toHaveLength(39);
    const supportsColor = result.packages.filter((p) => p.name === 'supports-color').map(brief);
    expect(supportsColor).toEqual([
      'supports-color@6.1.0 transitive runtime L21',
      'supports-color@2.0.0 transitive runtime L64',
      'supports-color@5.5.0 direct runtime L759',
    ]);
    const cssnanoPreset = result.packages.find((p) => p.name === 'cssnano-preset-default');
    expect(cssnanoPreset?.dependsOn).toHaveLength(29);
  });
});

describe('package-lock.json: hostile and large input', () => {
  it('reads a v1 tree 1,000 levels deep in linear time, with lines and nearest-first edges', () => {
    const result = parse(deepPackageLockV1(1_000));
    expect(result.packages).toHaveLength(1_000);
    const byName = new Map(result.packages.map((pkg) => [pkg.name, pkg]));
    expect(byName.get('d0')?.location.line).toBe(5);
    expect(byName.get('d999')?.location.line).toBe(1_004);
    expect(byName.get('d500')?.dependsOn).toEqual(['pkg:npm/d0@1.0.0', 'pkg:npm/d501@1.0.501']);
    // every entry requires d0, so without a package.json beside it d0 is not taken as direct
    expect(byName.get('d0')?.direct).toBe(false);
    expect(byName.get('d999')?.dependsOn).toEqual(['pkg:npm/d0@1.0.0']);
  });

  it.each([20_000, 100_000])('refuses a v1 tree %i levels deep with the maxNestingDepth limit named', (depth) => {
    const run = () => parse(deepPackageLockV1(depth));
    expect(run).toThrow(InputLimitError);
    expect(run).toThrow('package-lock.json: "dependencies" nested more than 1000 levels deep: over the maxNestingDepth limit of 1000');
  });

  it('resolves v2 keys nested 300 node_modules deep without re-reading the long keys', () => {
    const packages: Record<string, unknown> = { '': { name: 'app', dependencies: { m0: '1' } } };
    let key = '';
    for (let i = 0; i < 300; i++) {
      key = `${key ? `${key}/` : ''}node_modules/m${i}`;
      packages[key] = { version: `1.0.${i}`, dependencies: { [`m${i + 1}`]: '1', top: '1' } };
    }
    packages['node_modules/top'] = { version: '2.0.0' };
    const result = parse(JSON.stringify({ lockfileVersion: 3, packages }));
    expect(result.packages).toHaveLength(301);
    expect(result.packages.find((pkg) => pkg.name === 'm298')?.dependsOn).toEqual(['pkg:npm/m299@1.0.299', 'pkg:npm/top@2.0.0']);
  });

  it('a name no purl can hold (a lone surrogate) is a ParseError at its line, not a URIError', () => {
    const text = JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/\ud800': { version: '1.0.0' } } }, null, 2);
    expect(() => parse(text)).toThrow(ParseError);
    expect(() => parse(text)).toThrow(/^package-lock\.json: line 5: "\uFFFD" "1\.0\.0" is not a valid package name/);
  });
});
