import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePoetryLock, poetryLockExtractor } from '../../../src/inventory/pypi/poetry-lock.js';
import { claims, fixturesDir, readSample } from './helpers.js';
import { expectParseError, fixtureTests, sampleTests } from './suite.js';

describe('poetry-lock: fixtures', () => {
  fixtureTests(poetryLockExtractor, 'poetry-lock');
});

describe('poetry-lock: shared samples', () => {
  sampleTests(
    poetryLockExtractor,
    'poetrylock',
    {
      'empty-file.lock': { count: 0 },
      'empty.lock': { count: 0 },
      'multiple-packages.v2.lock': {
        count: 11,
        has: ['async-timeout@5.0.1', 'factory-boy@3.3.1', 'proto-plus@1.22.0', 'proto-plus@1.23.0', 'python-dateutil@2.9.0.post0', 'urllib3@2.3.0'],
      },
      'names-outside-package-block.lock': { count: 2, has: ['first-pkg@1.0.0', 'second-pkg@2.0.0'], lacks: ['first-pkg-tool@', 'fake-pkg@'] },
      'not-toml.txt': 'ParseError',
      'one-package-with-metadata.lock': { count: 1, has: ['emoji@2.0.0'] },
      'one-package.lock': { count: 1, has: ['numpy@1.23.3'] },
      'optional-package.lock': { count: 1, has: ['numpy@1.23.3'] },
      'source-git.lock': { count: 1, has: ['ike@0.2.0'] },
      'source-legacy.lock': { count: 1, has: ['appdirs@1.4.4'] },
      'two-packages.lock': { count: 2, has: ['proto-plus@1.22.0', 'protobuf@4.21.5'] },
    },
    () => 'poetry.lock',
  );

  it('reads lock 2.x groups and markers into scopes, and edges by name', () => {
    const result = parsePoetryLock(readSample('poetrylock', 'multiple-packages.v2.lock'), 'poetry.lock');
    const view = Object.fromEntries(result.packages.map((pkg) => [`${pkg.name}@${pkg.version}`, [pkg.scope, pkg.direct, pkg.location.line]]));
    expect(view).toEqual({
      'async-timeout@5.0.1': ['optional', false, 4],
      'factory-boy@3.3.1': ['dev', true, 17],
      'faker@33.3.0': ['dev', false, 36],
      'proto-plus@1.22.0': ['runtime', true, 52],
      'proto-plus@1.23.0': ['runtime', true, 71],
      'protobuf@4.25.5': ['runtime', false, 90],
      'python-dateutil@2.9.0.post0': ['dev', false, 111],
      'redis@5.2.1': ['optional', true, 126],
      'six@1.17.0': ['runtime', false, 146],
      'typing-extensions@4.12.2': ['dev', false, 158],
      'urllib3@2.3.0': ['dev', true, 170],
    });
    expect(result.packages.find((pkg) => pkg.name === 'faker')?.dependsOn).toEqual(['pkg:pypi/python-dateutil@2.9.0.post0', 'pkg:pypi/typing-extensions@4.12.2']);
  });

  it('finds the name line of the package block, not one in a string or sub-table', () => {
    const result = parsePoetryLock(readSample('poetrylock', 'names-outside-package-block.lock'), 'poetry.lock');
    expect(result.packages.map((pkg) => pkg.location.line)).toEqual([5, 18]);
  });
});

describe('poetry-lock: pieces', () => {
  it('claims poetry.lock only', () => {
    expect(claims(poetryLockExtractor, 'poetry.lock')).toBe(true);
    expect(claims(poetryLockExtractor, 'pdm.lock')).toBe(false);
  });

  it('gives a ParseError naming the file when cut short or of the wrong shape', () => {
    const whole = readFileSync(path.join(fixturesDir, 'poetry-lock/sources/poetry.lock'), 'utf8');
    const cut = whole.slice(0, whole.indexOf('A simple framework.'));
    expectParseError(poetryLockExtractor, cut, 'sub/poetry.lock', /TOML error at line 6/);
    expectParseError(poetryLockExtractor, 'package = "flask"\n', 'poetry.lock', /"package" must be an array of tables/);
  });
});
