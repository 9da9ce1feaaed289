import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycloneDxXmlExtractor, parseCycloneDxXml } from '../../../src/inventory/sbom-input/cyclonedx-xml.js';
import { ParseError } from '../../../src/model/errors.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const content = readFileSync(path.join(repoRoot, 'fixtures/inventory/sbom-input/notebook-image.cdx.xml'), 'utf8');

describe('sbom-input/cyclonedx-xml', () => {
  it('declares its patterns', () => {
    expect(cycloneDxXmlExtractor.id).toBe('sbom-input/cyclonedx-xml');
    expect(cycloneDxXmlExtractor.patterns).toEqual(['*.cdx.xml', 'bom.xml']);
  });

  it('reads nested components, scopes, the dependency graph and start lines (comments skipped)', () => {
    const { packages, warnings } = parseCycloneDxXml(content, 'bom.xml');
    expect(
      packages.map(
        (p) =>
          `${p.ecosystem}|${p.name}|${p.version}|${p.purl}|${p.scope}|${p.direct ? 'direct' : 'transitive'}|${p.location.line}|${(p.dependsOn ?? []).join(',')}`,
      ),
    ).toEqual([
      'Debian|openssl|3.0.11-1~deb12u2|pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12|runtime|direct|11|',
      'Alpine|busybox|1.36.1-r15|pkg:apk/alpine/busybox@1.36.1-r15|runtime|transitive|16|',
      'PyPI|jupyter-server|2.14.0|pkg:pypi/jupyter-server@2.14.0|runtime|direct|24|pkg:deb/ubuntu/zlib1g@1:1.2.11.dfsg-2ubuntu9.2',
      'Ubuntu|zlib1g|1:1.2.11.dfsg-2ubuntu9.2|pkg:deb/ubuntu/zlib1g@1:1.2.11.dfsg-2ubuntu9.2|runtime|transitive|29|',
      'Maven|junit:junit|4.12|pkg:maven/junit/junit@4.12|dev|transitive|35|',
    ]);
    expect(warnings).toEqual(['bom.xml: 2 entries skipped, without a purl: notebook-app, /etc/os-release']);
  });

  it.each([
    ['<bom><components>', /^bom\.xml: not well-formed XML at line 1/],
    ['<project><dependencies/></project>', /^bom\.xml: not a CycloneDX XML document/],
    ['<bom xmlns="http://example.org/other"/>', /^bom\.xml: not a CycloneDX XML document/],
  ])('throws ParseError for %s', (text, message) => {
    expect(() => parseCycloneDxXml(text, 'bom.xml')).toThrow(ParseError);
    expect(() => parseCycloneDxXml(text, 'bom.xml')).toThrow(message);
  });

  it('reads an empty bom', () => {
    expect(parseCycloneDxXml('<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"/>', 'bom.xml')).toEqual({
      packages: [],
      warnings: [],
    });
  });
});

describe('CycloneDX XML: hostile input', () => {
  it('a document the validator passes and the parser refuses is a ParseError naming the file', () => {
    const run = () => parseCycloneDxXml('<?"?><bom/>', 'bom.cdx.xml');
    expect(run).toThrow(ParseError);
    expect(run).toThrow(/^bom\.cdx\.xml: /);
  });
});
