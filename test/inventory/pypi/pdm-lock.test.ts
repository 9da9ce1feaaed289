import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePdmLock, pdmLockExtractor } from '../../../src/inventory/pypi/pdm-lock.js';
import { claims, compact, fixturesDir, readSample } from './helpers.js';
import { expectParseError, fixtureTests, sampleTests } from './suite.js';

describe('pdm-lock: fixtures', () => {
  fixtureTests(pdmLockExtractor, 'pdm-lock');
});

describe('pdm-lock: shared samples', () => {
  sampleTests(
    pdmLockExtractor,
    'pdmlock',
    {
      'dev-dependency.toml': { count: 3, has: ['pyroute2@0.7.11', 'toml@0.10.2', 'win-inet-pton@1.1.0'] },
      'empty-file.toml': { count: 0 },
      'empty.toml': { count: 0 },
      'git-dependency.toml': { count: 1, has: ['toml@0.10.2'] },
      'names-outside-package-block.toml': { count: 2, has: ['first-pkg@1.0.0', 'second-pkg@2.0.0'], lacks: ['first-pkg-tool@'] },
      'not-toml.txt': 'ParseError',
      'optional-dependency.toml': { count: 3, has: ['pyroute2@0.7.11', 'toml@0.10.2', 'win-inet-pton@1.1.0'] },
      'single-package.toml': { count: 1, has: ['toml@0.10.2'] },
      'two-packages.toml': { count: 2, has: ['six@1.16.0', 'toml@0.10.2'] },
    },
    () => 'pdm.lock',
  );

  it('reads the dev group as dev and another non-default group as optional', () => {
    const dev = parsePdmLock(readSample('pdmlock', 'dev-dependency.toml'), 'pdm.lock');
    expect(dev.packages.map(compact)).toEqual([
      { name: 'pyroute2', version: '0.7.11', direct: true, scope: 'dev', path: 'pdm.lock', line: 11, dependsOn: ['pkg:pypi/win-inet-pton@1.1.0'] },
      { name: 'toml', version: '0.10.2', direct: true, scope: 'runtime', path: 'pdm.lock', line: 23 },
      { name: 'win-inet-pton', version: '1.1.0', direct: false, scope: 'dev', path: 'pdm.lock', line: 34 },
    ]);
    const optional = parsePdmLock(readSample('pdmlock', 'optional-dependency.toml'), 'pdm.lock');
    expect(optional.packages.map((pkg) => pkg.scope)).toEqual(['optional', 'runtime', 'optional']);
  });
});

describe('pdm-lock: pieces', () => {
  it('claims pdm.lock only', () => {
    expect(claims(pdmLockExtractor, 'pdm.lock')).toBe(true);
    expect(claims(pdmLockExtractor, 'poetry.lock')).toBe(false);
  });

  it('gives a ParseError naming the file when cut short or of the wrong shape', () => {
    const whole = readFileSync(path.join(fixturesDir, 'pdm-lock/groups/pdm.lock'), 'utf8');
    expectParseError(pdmLockExtractor, whole.slice(0, whole.indexOf('"urllib3<3')), 'pdm.lock', /not a valid pdm\.lock \(TOML error/);
    expectParseError(pdmLockExtractor, 'package = [1, 2]\n', 'pdm.lock', /"package" must be an array of tables/);
  });
});
