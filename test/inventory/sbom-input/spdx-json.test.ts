import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSpdxJson, spdxJsonExtractor } from '../../../src/inventory/sbom-input/spdx-json.js';
import { ParseError } from '../../../src/model/errors.js';
import { spdxJson } from '../../../bench/parser-growth.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = (name: string) => readFileSync(path.join(repoRoot, 'fixtures/inventory/sbom-input', name), 'utf8');

describe('sbom-input/spdx-json', () => {
  it('declares its patterns', () => {
    expect(spdxJsonExtractor.id).toBe('sbom-input/spdx-json');
    expect(spdxJsonExtractor.patterns).toEqual(['*.spdx.json']);
  });

  it('takes purls from PACKAGE-MANAGER refs; what the described root contains is direct', () => {
    const { packages, warnings } = parseSpdxJson(fixture('python-app.spdx.json'), 'hub.spdx.json');
    expect(packages).toEqual([
      {
        ecosystem: 'PyPI',
        name: 'jupyterhub',
        version: '4.1.5',
        purl: 'pkg:pypi/jupyterhub@4.1.5',
        direct: true,
        scope: 'runtime',
        location: { path: 'hub.spdx.json', line: 16 },
        dependsOn: ['pkg:pypi/sqlalchemy@2.0.30'],
      },
      {
        ecosystem: 'PyPI',
        name: 'sqlalchemy',
        version: '2.0.30',
        purl: 'pkg:pypi/sqlalchemy@2.0.30',
        direct: false,
        scope: 'runtime',
        location: { path: 'hub.spdx.json', line: 26 },
      },
      {
        ecosystem: 'Ubuntu',
        name: 'libssl3',
        version: '3.0.2-0ubuntu1.15',
        purl: 'pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.15?arch=amd64&distro=ubuntu-22.04',
        direct: true,
        scope: 'runtime',
        location: { path: 'hub.spdx.json', line: 35 },
      },
    ]);
    // The image itself is the subject, not a package, and is not reported as skipped.
    expect(warnings).toEqual(['hub.spdx.json: 1 entry skipped, without a purl: README']);
  });

  it('a described package without edges (documentDescribes) is a direct package', () => {
    const { packages } = parseSpdxJson(fixture('described-libraries.spdx.json'), 'libs.spdx.json');
    expect(packages.map((p) => `${p.ecosystem}|${p.name}|${p.version}|${p.direct}|${p.location.line}`)).toEqual([
      'npm|lodash|4.17.20|true|7',
      'Go|golang.org/x/net|v0.17.0|false|9',
    ]);
  });

  it.each([
    ['nope', /^x\.spdx\.json: not JSON/],
    ['{"bomFormat":"CycloneDX"}', /^x\.spdx\.json: not an SPDX JSON document: "spdxVersion" is missing$/],
    ['{"@context":"https://spdx.org/rdf/3.0.0/spdx-context.jsonld","@graph":[]}', /SPDX 3 \(JSON-LD\) is not supported/],
  ])('throws ParseError for %s', (text, message) => {
    expect(() => parseSpdxJson(text, 'x.spdx.json')).toThrow(ParseError);
    expect(() => parseSpdxJson(text, 'x.spdx.json')).toThrow(message);
  });
});

describe('sbom-input/spdx-json: large graphs', () => {
  it('reads an image of 40,000 packages without copying its root\'s edge list for each edge', () => {
    const result = parseSpdxJson(spdxJson(40_000), 'image.spdx.json');
    expect(result.packages).toHaveLength(40_000);
    expect(result.packages.every((pkg) => pkg.direct)).toBe(true);
  });
});
