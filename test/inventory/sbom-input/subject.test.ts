import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sbomSubject, splitImageReference } from '../../../src/inventory/sbom-input/subject.js';
import { ParseError } from '../../../src/model/errors.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = (name: string) => readFileSync(path.join(repoRoot, 'fixtures/inventory/sbom-input', name), 'utf8');

describe('sbomSubject', () => {
  it.each([
    ['ghcr.io/org/notebook:2024-05@sha256:abc', { name: 'ghcr.io/org/notebook', version: '2024-05' }],
    ['ghcr.io/org/notebook@sha256:abc', { name: 'ghcr.io/org/notebook', version: 'sha256:abc' }],
    ['localhost:5000/team/img', { name: 'localhost:5000/team/img' }],
    ['localhost:5000/team/img:1.2', { name: 'localhost:5000/team/img', version: '1.2' }],
    ['alpine:3.19', { name: 'alpine', version: '3.19' }],
  ])('splits the image reference %s', (reference, expected) => {
    expect(splitImageReference(reference)).toEqual(expected);
  });

  it('names a CycloneDX JSON SBOM by its metadata component without tag or digest', () => {
    expect(sbomSubject(fixture('notebook-image.cdx.json'), 'a.cdx.json')).toEqual({
      name: 'ghcr.io/org/notebook',
      version: '2024-05',
    });
  });

  it('prefers the component version over the tag, and reads XML', () => {
    const doc = JSON.stringify({
      bomFormat: 'CycloneDX',
      metadata: { component: { type: 'container', name: 'quay.io/org/img:latest', version: 'sha256:ff' } },
    });
    expect(sbomSubject(doc, 'x.json')).toEqual({ name: 'quay.io/org/img', version: 'sha256:ff' });
    expect(sbomSubject(fixture('notebook-image.cdx.xml'), 'a.cdx.xml')).toEqual({
      name: 'ghcr.io/org/notebook',
      version: '2024-05',
    });
  });

  it('names an SPDX SBOM by its described root package, else by the document name', () => {
    expect(sbomSubject(fixture('python-app.spdx.json'), 'a.spdx.json')).toEqual({ name: 'ghcr.io/org/hub', version: '4.1.5' });
    expect(sbomSubject(fixture('described-libraries.spdx.json'), 'b.spdx.json')).toEqual({ name: 'vendored-libraries' });
  });

  it('falls back to the file name when the document names nothing', () => {
    expect(sbomSubject('{"bomFormat":"CycloneDX","specVersion":"1.6"}', 'sboms/notebook-image.cdx.json')).toEqual({
      name: 'notebook-image',
    });
  });

  it('throws ParseError for what is not an SBOM', () => {
    expect(() => sbomSubject('hello', 'x.json')).toThrow(ParseError);
    expect(() => sbomSubject('{"a":1}', 'x.json')).toThrow('x.json: not a CycloneDX JSON document');
  });
});
