import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseUvLock, uvLockExtractor } from '../../../src/inventory/pypi/uv-lock.js';
import { claims, fixturesDir, readSample } from './helpers.js';
import { expectParseError, fixtureTests, sampleTests } from './suite.js';

describe('uv-lock: fixtures', () => {
  fixtureTests(uvLockExtractor, 'uv-lock');
});

describe('uv-lock: shared samples', () => {
  sampleTests(
    uvLockExtractor,
    'uvlock',
    {
      'empty.lock': { count: 0 },
      'grouped-packages.lock': {
        count: 14,
        has: ['black@24.10.0', 'click@8.1.7', 'emoji@2.14.0', 'flake8@7.1.1', 'typing-extensions@4.12.2'],
        lacks: ['uv-lockfiles@0.1.0'],
      },
      'names-outside-package-block.lock': { count: 2, has: ['first-pkg@1.0.0', 'second-pkg@2.0.0'], lacks: ['first-pkg-tool@'] },
      'not-toml.txt': 'ParseError',
      'one-package.lock': { count: 1, has: ['emoji@2.14.0'], lacks: ['uv-lockfiles@0.1.0'] },
      'source-git.lock': { count: 1, has: ['ruff@0.8.1'] },
      'two-packages.lock': { count: 2, has: ['emoji@2.14.0', 'protobuf@4.25.5'] },
    },
    () => 'uv.lock',
  );

  it('takes direct and scope from the project entry: dependencies runtime, extras optional', () => {
    const result = parseUvLock(readSample('uvlock', 'grouped-packages.lock'), 'uv.lock');
    const view = Object.fromEntries(result.packages.map((pkg) => [pkg.name, `${pkg.direct ? 'direct' : 'transitive'} ${pkg.scope}`]));
    expect(view).toEqual({
      black: 'direct optional',
      click: 'direct optional',
      colorama: 'transitive optional',
      emoji: 'direct runtime',
      flake8: 'direct optional',
      mccabe: 'transitive optional',
      'mypy-extensions': 'transitive optional',
      packaging: 'transitive optional',
      pathspec: 'transitive optional',
      platformdirs: 'transitive optional',
      pycodestyle: 'transitive optional',
      pyflakes: 'transitive optional',
      tomli: 'transitive optional',
      'typing-extensions': 'transitive optional',
    });
    expect(result.packages.find((pkg) => pkg.name === 'typing-extensions')?.location.line).toBe(185);
  });
});

describe('uv-lock: pieces', () => {
  it('claims uv.lock only', () => {
    expect(claims(uvLockExtractor, 'uv.lock')).toBe(true);
    expect(claims(uvLockExtractor, 'uv.toml')).toBe(false);
  });

  it('gives a ParseError naming the file when cut short or of the wrong shape', () => {
    const whole = readFileSync(path.join(fixturesDir, 'uv-lock/workspace/uv.lock'), 'utf8');
    expectParseError(uvLockExtractor, whole.slice(0, whole.indexOf('{ name = "httpx" }') + 10), 'uv.lock', /not a valid uv\.lock \(TOML error/);
    expectParseError(uvLockExtractor, '[package]\nname = "x"\n', 'uv.lock', /"package" must be an array of tables/);
  });
});
