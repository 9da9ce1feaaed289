import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sieve } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';

describe('sieve sbom PATH', () => {
  it('writes the CycloneDX 1.6 JSON of a directory to stdout, without a store', () => {
    const home = join(tempDir(), 'home');
    const result = sieve(['sbom', join(repoRoot, 'fixtures/example-app'), '--home', home]);
    expect(result.code, result.stderr).toBe(0);
    const bom = JSON.parse(result.stdout) as { specVersion: string; components: Array<{ purl: string; scope?: string }> };
    expect(bom.specVersion).toBe('1.6');
    expect(bom.components.map((component) => `${component.purl} ${component.scope ?? ''}`).sort()).toEqual([
      'pkg:npm/lodash@4.17.4 required',
      'pkg:npm/moment@2.11.0 required',
      'pkg:npm/ms@0.7.0 excluded',
      'pkg:npm/semver@4.3.0 required',
    ]);
    expect(() => readFileSync(join(home, 'sieve.db'))).toThrow();
  });

  it('writes XML to a file on request', () => {
    const out = join(tempDir(), 'bom.xml');
    const result = sieve(['sbom', join(repoRoot, 'fixtures/example-app'), '--format', 'xml', '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    const xml = readFileSync(out, 'utf8');
    expect(xml).toContain('xmlns="http://cyclonedx.org/schema/bom/1.6"');
    expect(xml).toContain('pkg:npm/lodash@4.17.4');
  });

  it('names a broken lockfile, still lists the others, and exits 3', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'web'));
    writeFileSync(join(dir, 'web', 'package-lock.json'), '{ "lockfileVersion": 3, "packages": ');
    writeFileSync(join(dir, 'requirements.txt'), 'requests==2.31.0\n');
    const result = sieve(['sbom', dir]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('web/package-lock.json');
    const bom = JSON.parse(result.stdout) as { components: Array<{ purl: string }> };
    expect(bom.components.map((component) => component.purl)).toEqual(['pkg:pypi/requests@2.31.0']);
  });
});
