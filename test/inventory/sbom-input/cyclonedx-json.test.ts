import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycloneDxJsonExtractor, parseCycloneDxJson } from '../../../src/inventory/sbom-input/cyclonedx-json.js';
import { ParseError } from '../../../src/model/errors.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const content = readFileSync(path.join(repoRoot, 'fixtures/inventory/sbom-input/notebook-image.cdx.json'), 'utf8');
const file = 'sboms/notebook-image.cdx.json';

describe('sbom-input/cyclonedx-json', () => {
  it('declares its patterns', () => {
    expect(cycloneDxJsonExtractor.id).toBe('sbom-input/cyclonedx-json');
    expect(cycloneDxJsonExtractor.patterns).toEqual(['*.cdx.json', 'bom.json']);
    expect(cycloneDxJsonExtractor.mixedEcosystems).toBe(true);
  });

  it('reads nested components with distro and language purls; direct from the metadata component', () => {
    const { packages } = parseCycloneDxJson(content, file);
    expect(packages).toEqual([
      {
        ecosystem: 'Debian',
        name: 'openssl',
        version: '3.0.11-1~deb12u2',
        purl: 'pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12',
        direct: true,
        scope: 'runtime',
        location: { path: file, line: 26 },
        dependsOn: ['pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12'],
      },
      {
        ecosystem: 'Debian',
        name: 'libc6',
        version: '2.36-9+deb12u4',
        purl: 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12',
        direct: false,
        scope: 'runtime',
        location: { path: file, line: 33 },
      },
      {
        ecosystem: 'Ubuntu',
        name: 'zlib1g',
        version: '1:1.2.11.dfsg-2ubuntu9.2',
        purl: 'pkg:deb/ubuntu/zlib1g@1:1.2.11.dfsg-2ubuntu9.2?distro=ubuntu-22.04',
        direct: false,
        scope: 'runtime',
        location: { path: file, line: 40 },
      },
      {
        ecosystem: 'Alpine',
        name: 'busybox',
        version: '1.36.1-r15',
        purl: 'pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1',
        direct: true,
        scope: 'runtime',
        location: { path: file, line: 47 },
      },
      {
        ecosystem: 'PyPI',
        name: 'jupyter-server',
        version: '2.14.0',
        purl: 'pkg:pypi/jupyter-server@2.14.0',
        direct: true,
        scope: 'runtime',
        location: { path: file, line: 60 },
        // "os" has no purl, so the edge to it is dropped
        dependsOn: ['pkg:pypi/tornado@6.4'],
      },
      {
        ecosystem: 'PyPI',
        name: 'tornado',
        version: '6.4',
        purl: 'pkg:pypi/tornado@6.4',
        direct: false,
        scope: 'runtime',
        location: { path: file, line: 67 },
      },
      {
        ecosystem: 'npm',
        name: '@jupyterlab/application',
        version: '4.1.8',
        purl: 'pkg:npm/%40jupyterlab/application@4.1.8',
        direct: false,
        scope: 'dev',
        location: { path: file, line: 77 },
      },
    ]);
  });

  it('warns once per cause about what it skips', () => {
    expect(parseCycloneDxJson(content, file).warnings).toEqual([
      `${file}: 2 entries skipped, without a purl: debian@12.5, notebook-app`,
      `${file}: 1 entry skipped, purl type "rpm" is not an ecosystem Sieve matches: bash@5.1`,
      `${file}: 1 entry skipped, "apk/wolfi" is not a distribution Sieve matches: git@2.45.0-r0`,
    ]);
  });

  it('without a dependency graph nothing is direct; a purl without version is unpinned', () => {
    const doc = JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.4',
      components: [{ type: 'library', name: 'left-pad', purl: 'pkg:npm/left-pad' }],
    });
    expect(parseCycloneDxJson(doc, 'bom.json').packages).toEqual([
      {
        ecosystem: 'npm',
        name: 'left-pad',
        version: '',
        purl: 'pkg:npm/left-pad',
        direct: false,
        scope: 'runtime',
        location: { path: 'bom.json', line: 1 },
        unpinned: true,
      },
    ]);
  });

  it.each([
    ['{ nope', /^bom\.json: not JSON: /],
    ['{"spdxVersion":"SPDX-2.3"}', /^bom\.json: not a CycloneDX JSON document: "bomFormat" is not "CycloneDX"$/],
    ['[]', /^bom\.json: not a CycloneDX JSON document/],
  ])('throws ParseError for %s', (text, message) => {
    expect(() => parseCycloneDxJson(text, 'bom.json')).toThrow(ParseError);
    expect(() => parseCycloneDxJson(text, 'bom.json')).toThrow(message);
  });
});
