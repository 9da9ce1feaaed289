import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/model/errors.js';
import { packagesLockExtractor, parsePackagesLock } from '../../../src/inventory/nuget/packages-lock.js';
import { inventoryDirs, malformedTests, project, readFixture, truncationTests } from '../helpers/sample-suite.js';

const { fixtures, samples } = inventoryDirs('nuget', 'dotnet/packageslockjson');

describe('packages.lock.json fixtures', () => {
  it.each(readdirSync(fixtures))('%s matches expected.json', (name) => {
    const { content, expected } = readFixture(fixtures, name, 'packages.lock.json');
    const result = parsePackagesLock(content, 'packages.lock.json');
    expect(project(result.packages, { dependsOn: true })).toEqual(expected);
    expect(result.packages.map((p) => p.name)).not.toContain('my.library');
  });

  it('declares packages.lock.json', () => {
    expect(packagesLockExtractor.id).toBe('nuget/packages-lock');
    expect(packagesLockExtractor.patterns).toEqual(['packages.lock.json']);
  });
});

describe('osv-scalibr packages.lock.json samples', () => {
  it('valid/packages.lock.json has its 8 packages, Core.Dep direct', () => {
    const { packages } = parsePackagesLock(readFileSync(path.join(samples, 'valid/packages.lock.json'), 'utf8'), 'packages.lock.json');
    expect(packages).toHaveLength(8);
    expect(packages.filter((p) => p.direct).map((p) => `${p.name}@${p.version}`)).toEqual(['Core.Dep@1.24.0']);
    expect(packages.find((p) => p.name === 'Some.Dep.Five')?.version).toBe('4.7.2');
    expect(packages.find((p) => p.name === 'Another.Longer.Name.Dep')).toMatchObject({ version: '4.5.4', location: { line: 54 } });
    expect(packages.find((p) => p.name === 'Some.Dep.One')?.purl).toBe('pkg:nuget/Some.Dep.One@1.1.1');
    // Some.Dep.Three asks for Some.Dep.Five 4.6.0; the framework resolved 4.7.2, and the edge says so.
    expect(packages.find((p) => p.name === 'Some.Dep.Three')?.dependsOn).toEqual(['pkg:nuget/Some.Longer.Name.Dep@4.7.2', 'pkg:nuget/Some.Dep.Five@4.7.2']);
  });

  it('invalid/invalid throws ParseError', () => {
    expect(() => parsePackagesLock(readFileSync(path.join(samples, 'invalid/invalid'), 'utf8'), 'invalid')).toThrow(ParseError);
  });

  it('covers every sample', () => {
    expect(readdirSync(samples, { recursive: true }).map(String).sort()).toEqual(['invalid', 'invalid/invalid', 'valid', 'valid/packages.lock.json']);
  });
});

describe('malformed packages.lock.json', () => {
  malformedTests(parsePackagesLock, 'src/packages.lock.json', [
    ['truncated', '{\n  "version": 1,\n  "dependencies": {\n    "net6.0": {', 'not valid JSON'],
    ['no dependencies', '{"version": 1}', 'no "dependencies" object'],
    ['framework not an object', '{"dependencies": {"net6.0": []}}', 'dependencies["net6.0"] is not an object'],
    ['entry not an object', '{"dependencies": {"net6.0": {"A": 1}}}', 'dependencies["net6.0"]["A"] is not an object'],
  ]);
});

describe('truncated input', () => {
  truncationTests(parsePackagesLock, [samples, fixtures]);
});

describe('packages.lock.json: hostile input', () => {
  it('finds the line of a 600,000-character id without building a RegExp from it', () => {
    const id = `N${'a'.repeat(600_000)}`;
    const content = JSON.stringify({ version: 1, dependencies: { 'net8.0': { Small: { type: 'Direct', resolved: '1.0.0' }, [id]: { type: 'Transitive', resolved: '2.0.0' } } } }, null, 2);
    const result = parsePackagesLock(content, 'packages.lock.json');
    expect(result.packages.map((pkg) => `${pkg.name.slice(0, 5)} ${pkg.location.line}`)).toEqual(['Small 5', 'Naaaa 9']);
  });
});
