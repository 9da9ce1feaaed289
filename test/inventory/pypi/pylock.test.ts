import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePylock, pylockExtractor } from '../../../src/inventory/pypi/pylock.js';
import { claims, fixturesDir, readSample } from './helpers.js';
import { expectParseError, fixtureTests, sampleTests } from './suite.js';

describe('pylock: fixtures', () => {
  fixtureTests(pylockExtractor, 'pylock');
});

describe('pylock: shared samples', () => {
  sampleTests(
    pylockExtractor,
    'pylock',
    {
      'commits.toml': {
        // the git checkout and the project's own folder are listed, marked git and local
        count: 8,
        has: ['click@8.2.1', 'mleroc@0.1.0', 'net-inf-eval@', 'packaging@24.2', 'pathspec@0.12.1', 'python-dateutil@2.9.0.post0', 'scikit-learn@1.6.1', 'tqdm@4.67.1'],
      },
      'empty.toml': { count: 0 },
      'example.toml': { count: 3, has: ['attrs@25.1.0', 'cattrs@24.1.2', 'numpy@2.2.3'] },
      'names-outside-package-block.toml': { count: 2, has: ['first-pkg@1.0.0', 'second-pkg@2.0.0'], lacks: ['first-pkg-tool@'] },
      'not-toml.txt': 'ParseError',
      'pdm-full.toml': { count: 10, has: ['certifi@2025.1.31', 'chardet@3.0.4', 'idna@2.7', 'requests@2.27.1', 'urllib3@1.26.20'] },
      'pip-full.toml': { count: 5, has: ['annotated-types@0.7.0', 'packaging@25.0', 'pyproject-toml@0.1.0', 'setuptools@80.9.0', 'wheel@0.45.1'] },
      'pip-just-self.toml': { count: 1, has: ['hspaans-github-io@'] },
    },
    () => 'pylock.toml',
  );

  it('reads scopes from markers against default-groups (pdm-full.toml)', () => {
    const result = parsePylock(readSample('pylock', 'pdm-full.toml'), 'pylock.toml');
    expect(Object.fromEntries(result.packages.map((pkg) => [pkg.name, pkg.scope]))).toEqual({
      certifi: 'optional',
      chardet: 'runtime',
      'charset-normalizer': 'optional',
      colorama: 'optional',
      idna: 'runtime',
      py: 'optional',
      pytest: 'optional',
      requests: 'optional',
      setuptools: 'optional',
      urllib3: 'optional',
    });
    expect(result.packages.every((pkg) => !pkg.direct)).toBe(true);
  });

  it('derives direct from recorded edges and finds lines of both table forms', () => {
    const example = parsePylock(readSample('pylock', 'example.toml'), 'pylock.toml');
    expect(example.packages.map((pkg) => [pkg.name, pkg.direct, pkg.location.line])).toEqual([
      ['attrs', false, 7],
      ['cattrs', true, 20],
      ['numpy', true, 31],
    ]);
    const inline = parsePylock('packages = [\n  { name = "a", version = "1" },\n  { name = "b", version = "2" },\n]\n', 'pylock.toml');
    expect(inline.packages.map((pkg) => pkg.location.line)).toEqual([2, 3]);
  });
});

describe('pylock: pieces', () => {
  it('claims pylock.toml and pylock.<name>.toml', () => {
    expect(claims(pylockExtractor, 'pylock.toml')).toBe(true);
    expect(claims(pylockExtractor, 'pylock.dev.toml')).toBe(true);
    expect(claims(pylockExtractor, 'pyproject.toml')).toBe(false);
  });

  it('gives a ParseError naming the file when cut short or of the wrong shape', () => {
    const whole = readFileSync(path.join(fixturesDir, 'pylock/groups/pylock.toml'), 'utf8');
    expectParseError(pylockExtractor, whole.slice(0, whole.indexOf('commit-id')), 'pylock.toml', /not a valid pylock\.toml \(TOML error/);
    expectParseError(pylockExtractor, 'packages = "none"\n', 'pylock.dev.toml', /"packages" must be an array of tables/);
  });
});
