import { describe, expect, it } from 'vitest';
import { buildBom } from '../../src/sbom/build.js';
import type { BomInput } from '../../src/sbom/build.js';
import { serializeBom } from '../../src/sbom/serialize.js';
import { validateBomJson } from '../../src/sbom/validate.js';
import { purlFor } from '../../src/model/purl.js';
import type { Package } from '../../src/model/types.js';

const express = purlFor('npm', 'express', '4.18.2');
const bodyParser = purlFor('npm', 'body-parser', '1.20.1');
const vitest = purlFor('npm', 'vitest', '1.0.0');
const jackson = purlFor('Maven', 'com.fasterxml.jackson.core:jackson-databind', '2.15.0');
const fsevents = purlFor('npm', 'fsevents', '2.3.3');
const babel = purlFor('npm', '@babel/core', '7.0.0');

function packages(): Package[] {
  return [
    {
      ecosystem: 'npm', name: 'express', version: '4.18.2', purl: express, direct: true, scope: 'runtime',
      location: { path: 'package-lock.json', line: 10 }, dependsOn: [bodyParser, purlFor('npm', 'missing', '1.0.0')],
    },
    {
      ecosystem: 'npm', name: 'body-parser', version: '1.20.1', purl: bodyParser, direct: false, scope: 'runtime',
      location: { path: 'package-lock.json', line: 30 },
    },
    {
      ecosystem: 'npm', name: 'vitest', version: '1.0.0', purl: vitest, direct: true, scope: 'dev',
      location: { path: 'package-lock.json', line: 50 }, dependsOn: [bodyParser],
    },
    {
      ecosystem: 'npm', name: 'fsevents', version: '2.3.3', purl: fsevents, direct: false, scope: 'optional',
      location: { path: 'package-lock.json', line: 70 },
    },
    {
      ecosystem: 'npm', name: '@babel/core', version: '7.0.0', purl: babel, direct: false, scope: 'dev',
      location: { path: 'web/package-lock.json', line: 5 },
    },
    // The same package in a second lockfile, here as a direct runtime dependency: merged.
    {
      ecosystem: 'npm', name: '@babel/core', version: '7.0.0', purl: babel, direct: true, scope: 'runtime',
      location: { path: 'package-lock.json', line: 90 },
    },
    {
      ecosystem: 'Maven', name: 'com.fasterxml.jackson.core:jackson-databind', version: '2.15.0', purl: jackson,
      direct: true, scope: 'runtime', location: { path: 'pom.xml', line: 22 },
    },
  ];
}

function input(overrides: Partial<BomInput> = {}): BomInput {
  return {
    target: { name: 'jupyterhub', repo: 'https://example.org/org/jupyterhub.git', ref: 'main', commit: 'a'.repeat(40) },
    packages: packages(),
    timestamp: new Date('2024-05-01T02:03:04.000Z'),
    toolVersion: '0.1.0',
    ...overrides,
  };
}

interface JsonComponent {
  'bom-ref': string;
  type: string;
  name: string;
  group?: string;
  version?: string;
  purl?: string;
  scope?: string;
  properties?: { name: string; value: string }[];
}
interface JsonBom {
  bomFormat: string;
  specVersion: string;
  serialNumber: string;
  metadata: {
    timestamp: string;
    tools: { components: { name: string; version: string }[] };
    component: JsonComponent & { externalReferences: { type: string; url: string }[] };
  };
  components: JsonComponent[];
  dependencies: { ref: string; dependsOn?: string[] }[];
}

function json(bomInput: BomInput = input()): JsonBom {
  return JSON.parse(serializeBom(buildBom(bomInput), 'json')) as JsonBom;
}

function props(component: JsonComponent): string[] {
  return (component.properties ?? []).map((p) => `${p.name}=${p.value}`);
}

describe('buildBom', () => {
  it('writes CycloneDX 1.6 metadata naming the target, its repo and commit, and the tool', () => {
    const doc = json();
    expect(doc.bomFormat).toBe('CycloneDX');
    expect(doc.specVersion).toBe('1.6');
    expect(doc.metadata.timestamp).toBe('2024-05-01T02:03:04.000Z');
    expect(doc.metadata.tools.components.map((t) => `${t.name}@${t.version}`)).toEqual(['Sieve@0.1.0']);
    const target = doc.metadata.component;
    expect(target.type).toBe('application');
    expect(target.name).toBe('jupyterhub');
    expect(target.version).toBe('a'.repeat(40));
    expect(target.externalReferences).toEqual([{ type: 'vcs', url: 'https://example.org/org/jupyterhub.git' }]);
    expect(props(target)).toEqual([`sieve:commit=${'a'.repeat(40)}`, 'sieve:ref=main']);
  });

  it('makes one library component per distinct purl with group/name split like the purl', () => {
    const doc = json();
    expect(doc.components.map((c) => c['bom-ref'])).toEqual(
      [babel, bodyParser, express, fsevents, vitest, jackson].sort(),
    );
    const jack = doc.components.find((c) => c.purl === jackson)!;
    expect(jack).toMatchObject({
      type: 'library',
      group: 'com.fasterxml.jackson.core',
      name: 'jackson-databind',
      version: '2.15.0',
      'bom-ref': jackson,
    });
    const core = doc.components.find((c) => c.purl === babel)!;
    expect(core.group).toBe('@babel');
    expect(core.name).toBe('core');
  });

  it('maps scopes (runtime→required, optional→optional, dev→excluded) and merges duplicates', () => {
    const doc = json();
    const byPurl = new Map(doc.components.map((c) => [c.purl, c]));
    expect(byPurl.get(express)!.scope).toBe('required');
    expect(byPurl.get(fsevents)!.scope).toBe('optional');
    expect(byPurl.get(vitest)!.scope).toBe('excluded');
    expect(props(byPurl.get(vitest)!)).toEqual([
      'sieve:direct=true',
      'sieve:ecosystem=npm',
      'sieve:location=package-lock.json#L50',
      'sieve:scope=dev',
    ]);
    // @babel/core is dev in one lockfile and direct runtime in another: runtime and direct win.
    expect(byPurl.get(babel)!.scope).toBe('required');
    expect(props(byPurl.get(babel)!)).toEqual([
      'sieve:direct=true',
      'sieve:ecosystem=npm',
      'sieve:location=package-lock.json#L90',
      'sieve:location=web/package-lock.json#L5',
    ]);
    expect(props(byPurl.get(bodyParser)!)).toContain('sieve:direct=false');
  });

  it('builds the dependency graph: target → direct packages, package → known dependsOn', () => {
    const doc = json();
    const deps = new Map(doc.dependencies.map((d) => [d.ref, d.dependsOn ?? []]));
    expect(deps.get('sieve-target:jupyterhub')).toEqual([babel, express, vitest, jackson].sort());
    // The edge to a purl that is not in the inventory is dropped.
    expect(deps.get(express)).toEqual([bodyParser]);
    expect(deps.get(vitest)).toEqual([bodyParser]);
    expect(deps.get(bodyParser)).toEqual([]);
  });

  it('is deterministic: identical input gives identical JSON and XML, including the serial number', () => {
    const a = serializeBom(buildBom(input()), 'json');
    const b = serializeBom(buildBom({ ...input(), packages: packages().reverse() }), 'json');
    expect(a).toBe(b);
    expect(serializeBom(buildBom(input()), 'xml')).toBe(serializeBom(buildBom(input()), 'xml'));
    const doc = JSON.parse(a) as JsonBom;
    expect(doc.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(json(input({ target: { ...input().target, commit: 'b'.repeat(40) } })).serialNumber).not.toBe(doc.serialNumber);
  });

  it('keeps unpinned packages without a version and flags them', () => {
    const purl = purlFor('Maven', 'org.example:lib');
    const doc = json(
      input({
        packages: [
          {
            ecosystem: 'Maven', name: 'org.example:lib', version: '', purl, direct: true, scope: 'runtime',
            location: { path: 'pom.xml', line: 3 }, unpinned: true,
          },
        ],
      }),
    );
    expect(doc.components).toHaveLength(1);
    expect(doc.components[0]!.version).toBeUndefined();
    expect(props(doc.components[0]!)).toContain('sieve:unpinned=true');
  });

  it('records where each component was found as evidence occurrences (file and line)', () => {
    const components = json().components as Array<JsonComponent & { purl?: string; evidence?: { occurrences?: Array<{ location: string; line?: number }> } }>;
    for (const component of components) {
      const locations = props(component).filter((entry) => entry.startsWith('sieve:location='));
      expect(component.evidence?.occurrences?.map((occurrence) => `sieve:location=${occurrence.location}#L${occurrence.line}`)).toEqual(locations);
    }
    expect(components.some((component) => (component.evidence?.occurrences?.length ?? 0) > 0)).toBe(true);
  });

  it('produces JSON that validates against the CycloneDX 1.6 schema', async () => {
    expect(await validateBomJson(serializeBom(buildBom(input()), 'json'))).toEqual([]);
    expect(await validateBomJson(serializeBom(buildBom(input({ target: { name: 'local' }, packages: [] })), 'json'))).toEqual([]);
  });
});

describe('validateBomJson', () => {
  it('reports schema errors with a JSON pointer', async () => {
    const doc = JSON.parse(serializeBom(buildBom(input()), 'json')) as Record<string, unknown>;
    doc.specVersion = 1.6;
    const errors = await validateBomJson(JSON.stringify(doc));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((e) => e.startsWith('/specVersion: must be string'))).toBe(true);
  });

  it('reports text that is not JSON', async () => {
    const errors = await validateBomJson('{ nope');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\/: not JSON/);
  });
});

describe('serializeBom xml', () => {
  it('writes CycloneDX 1.6 XML with the components and dependencies', () => {
    const xml = serializeBom(buildBom(input()), 'xml');
    expect(xml).toContain('<bom xmlns="http://cyclonedx.org/schema/bom/1.6"');
    expect(xml).toContain(`<component type="library" bom-ref="${jackson}">`);
    expect(xml).toContain('<group>com.fasterxml.jackson.core</group>');
    expect(xml).toContain('<scope>excluded</scope>');
    expect(xml).toContain('<property name="sieve:location">pom.xml#L22</property>');
    expect(xml).toContain('<dependency ref="sieve-target:jupyterhub">');
  });
});

describe('round trip through the SBOM readers', () => {
  it('Sieve reads back what it wrote, in JSON and XML', async () => {
    const { parseCycloneDxJson } = await import('../../src/inventory/sbom-input/cyclonedx-json.js');
    const { parseCycloneDxXml } = await import('../../src/inventory/sbom-input/cyclonedx-xml.js');
    const bom = buildBom(input());
    const view = (list: Package[]) =>
      list
        .map((p) => `${p.ecosystem}|${p.name}|${p.version}|${p.purl}|${p.direct}|${p.scope}|${(p.dependsOn ?? []).join(',')}`)
        .sort();
    const expected = [
      `Maven|com.fasterxml.jackson.core:jackson-databind|2.15.0|${jackson}|true|runtime|`,
      `npm|@babel/core|7.0.0|${babel}|true|runtime|`,
      `npm|body-parser|1.20.1|${bodyParser}|false|runtime|`,
      `npm|express|4.18.2|${express}|true|runtime|${bodyParser}`,
      `npm|fsevents|2.3.3|${fsevents}|false|optional|`,
      `npm|vitest|1.0.0|${vitest}|true|dev|${bodyParser}`,
    ];
    expect(view(parseCycloneDxJson(serializeBom(bom, 'json'), 'sbom.cdx.json').packages)).toEqual(expected);
    expect(view(parseCycloneDxXml(serializeBom(bom, 'xml'), 'sbom.cdx.xml').packages)).toEqual(expected);
  });

  it('lists local and git packages with where they come from, and a declared range as such', async () => {
    const local: Package = {
      ecosystem: 'crates.io', name: 'core-lib', version: '0.1.0', purl: purlFor('crates.io', 'core-lib', '0.1.0'), direct: true,
      scope: 'runtime', location: { path: 'Cargo.lock', line: 3 }, source: 'local', sourceRef: 'crates/core-lib',
    };
    const git: Package = {
      ecosystem: 'npm', name: 'left-pad', version: '2.1.6+git', purl: purlFor('npm', 'left-pad', '2.1.6+git'), direct: true,
      scope: 'runtime', location: { path: 'yarn.lock', line: 9 }, source: 'git', sourceRef: 'https://example.org/left-pad.git#0123abc',
    };
    const ranged: Package = {
      ecosystem: 'PyPI', name: 'jinja2', version: '2.11.0', purl: purlFor('PyPI', 'jinja2', '2.11.0'), direct: true,
      scope: 'runtime', location: { path: 'requirements.txt', line: 1 }, declaredRange: '>=2.11.0',
    };
    const text = serializeBom(buildBom(input({ packages: [local, git, ranged] })), 'json');
    expect(await validateBomJson(text)).toEqual([]);
    const doc = JSON.parse(text) as { components: (JsonComponent & { externalReferences?: { type: string; url: string }[] })[] };
    const byName = new Map(doc.components.map((c) => [c.name, c]));
    expect(props(byName.get('core-lib')!)).toEqual(expect.arrayContaining(['sieve:source=local', 'sieve:source-ref=crates/core-lib']));
    expect(props(byName.get('left-pad')!)).toEqual(expect.arrayContaining(['sieve:source=git', 'sieve:source-ref=https://example.org/left-pad.git#0123abc']));
    expect(byName.get('left-pad')!.externalReferences).toEqual([{ type: 'vcs', url: 'https://example.org/left-pad.git#0123abc' }]);
    expect(props(byName.get('jinja2')!)).toContain('sieve:declared-range=>=2.11.0');
    expect(props(byName.get('jinja2')!).some((p) => p.startsWith('sieve:source'))).toBe(false);
  });
});
