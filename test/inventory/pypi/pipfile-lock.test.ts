import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePipfileLock, pipfileLockExtractor } from '../../../src/inventory/pypi/pipfile-lock.js';
import { claims, compact, fixturesDir, readSample } from './helpers.js';
import { expectParseError, fixtureTests, sampleTests } from './suite.js';
import { ParseError } from '../../../src/model/errors.js';

describe('pipfile-lock: fixtures', () => {
  fixtureTests(pipfileLockExtractor, 'pipfile-lock');
});

describe('pipfile-lock: shared samples', () => {
  sampleTests(
    pipfileLockExtractor,
    'pipfilelock',
    {
      'empty-file': { count: 0 },
      'empty.json': { count: 0 },
      'minified.json': { count: 1, has: ['markupsafe@2.1.1'] },
      'multiple-packages.json': { count: 4, has: ['itsdangerous@2.1.2', 'pluggy@1.0.1', 'markupsafe@2.1.1', 'pluggy@1.0.0'] },
      'no-version.json': { count: 0 },
      'not-json.txt': 'ParseError',
      'one-package-dev.json': { count: 1, has: ['markupsafe@2.1.1'] },
      'one-package.json': { count: 1, has: ['markupsafe@2.1.1'] },
      'two-packages-alt.json': { count: 2, has: ['itsdangerous@2.1.2', 'markupsafe@2.1.1'] },
      'two-packages.json': { count: 2, has: ['itsdangerous@2.1.2', 'markupsafe@2.1.1'] },
    },
    () => 'Pipfile.lock',
  );

  it('keeps both sections: a name in both at one version is runtime once, another version is dev', () => {
    const result = parsePipfileLock(readSample('pipfilelock', 'multiple-packages.json'), 'Pipfile.lock');
    expect(result.packages.map(compact)).toEqual([
      { name: 'itsdangerous', version: '2.1.2', direct: true, scope: 'runtime', path: 'Pipfile.lock', line: 19 },
      { name: 'pluggy', version: '1.0.1', direct: true, scope: 'runtime', path: 'Pipfile.lock', line: 27 },
      { name: 'markupsafe', version: '2.1.1', direct: true, scope: 'runtime', path: 'Pipfile.lock', line: 32 },
      { name: 'pluggy', version: '1.0.0', direct: true, scope: 'dev', path: 'Pipfile.lock', line: 88 },
    ]);
  });

  it('puts every package of a minified file on line 1 and skips git entries with a warning', () => {
    expect(parsePipfileLock(readSample('pipfilelock', 'minified.json'), 'Pipfile.lock').packages[0]?.location.line).toBe(1);
    expect(parsePipfileLock(readSample('pipfilelock', 'no-version.json'), 'Pipfile.lock').warnings).toEqual([
      'Pipfile.lock:19: markupsafe in "default" is not a pinned release (https://github.com/pallets/markupsafe), skipped',
      'Pipfile.lock:26: itsdangerous in "develop" is not a pinned release (https://github.com/pallets/itsdangerous), skipped',
    ]);
  });
});

describe('pipfile-lock: pieces', () => {
  it('claims Pipfile.lock only', () => {
    expect(claims(pipfileLockExtractor, 'Pipfile.lock')).toBe(true);
    expect(claims(pipfileLockExtractor, 'Pipfile')).toBe(false);
  });

  it('gives a ParseError naming the file when cut short or of the wrong shape', () => {
    const whole = readFileSync(path.join(fixturesDir, 'pipfile-lock/sections/Pipfile.lock'), 'utf8');
    expectParseError(pipfileLockExtractor, whole.slice(0, whole.indexOf('"develop"')), 'app/Pipfile.lock', /JSON error/);
    expectParseError(pipfileLockExtractor, '[]', 'Pipfile.lock', /top level must be a JSON object/);
    expectParseError(pipfileLockExtractor, '{"default": []}', 'Pipfile.lock', /"default" must be an object/);
    expectParseError(pipfileLockExtractor, '{"name": "x"}', 'Pipfile.lock', /no "_meta", "default" or "develop"/);
  });
});

describe('pipfile-lock: hostile input', () => {
  it('finds the line of a 600,000-character name without building a RegExp from it', () => {
    const name = 'a'.repeat(600_000);
    const content = JSON.stringify({ _meta: {}, default: { flask: { version: '==2.0.1' }, [name]: { version: '==1.0' } } }, null, 2);
    const result = parsePipfileLock(content, 'Pipfile.lock');
    expect(result.packages.map((pkg) => pkg.location.line)).toEqual([4, 7]);
    expect(result.packages[1]?.name).toBe(name);
  });

  it('a name no purl can hold (a lone surrogate) is a ParseError at its line', () => {
    const content = '{\n  "_meta": {},\n  "default": {\n    "flask\\ud800": { "version": "==2.0.1" }\n  }\n}';
    const run = () => parsePipfileLock(content, 'Pipfile.lock');
    expect(run).toThrow(ParseError);
    expect(run).toThrow(/^Pipfile\.lock: line 4: "flask\uFFFD" "2\.0\.1" is not a valid package name/);
  });
});
