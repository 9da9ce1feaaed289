import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/model/errors.js';
import { keyLines, loadYaml } from '../../src/inventory/yaml-fast.js';
import { parsePnpmLock } from '../../src/inventory/npm/pnpm-lock.js';
import { parseYarnLock } from '../../src/inventory/npm/yarn-lock.js';
import { parsePubspecLock } from '../../src/inventory/pub/pubspec-lock.js';
import { generateBerryLock, generatePnpmLock, generatePubspecLock } from '../../bench/inventory-npm.js';

const entries = (map: ReadonlyMap<string, number> | undefined) => [...(map ?? [])];

describe('loadYaml', () => {
  it('reads the YAML 1.2 core schema: no timestamps, no yes/no booleans, no merge keys', () => {
    expect(loadYaml('a: 2023-01-01\nb: yes\nc: 0o14\nd: ~\ne: 1.10\n"<<": {x: 1}\n', 'f.yaml')).toEqual({
      a: '2023-01-01',
      b: 'yes',
      c: 12,
      d: null,
      e: 1.1,
      '<<': { x: 1 },
    });
  });

  it('keeps the last value of a repeated key, as JSON.parse does', () => {
    expect(loadYaml('a: 1\nb: 2\na: 3\n', 'f.yaml')).toEqual({ a: 3, b: 2 });
  });

  it('keeps a __proto__ key as data, never as the prototype', () => {
    const doc = loadYaml('__proto__: {polluted: 1}\n', 'f.yaml') as Record<string, unknown>;
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(doc, '__proto__')?.value).toEqual({ polluted: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('returns undefined for no document and null for an explicit null', () => {
    expect(loadYaml('', 'f.yaml')).toBeUndefined();
    expect(loadYaml('# only a comment\n\n', 'f.yaml')).toBeUndefined();
    expect(loadYaml('%YAML 1.2\n---\n# nothing\n...\n', 'f.yaml')).toBeUndefined();
    expect(loadYaml('~\n', 'f.yaml')).toBeNull();
    expect(loadYaml('# a comment\nnull\n', 'f.yaml')).toBeNull();
  });

  it.each([
    ['an unclosed flow mapping', "lockfileVersion: '9.0'\npackages: {\n", 'dir/f.yaml: not valid YAML at line 3: '],
    ['bad indentation', 'a: 1\n  b: 2\n', 'dir/f.yaml: not valid YAML at line 2: '],
    ['an unterminated string', 'a: "unterminated\n', 'dir/f.yaml: not valid YAML at line 2: '],
    ['two documents', 'a: 1\n---\nb: 2\n', 'dir/f.yaml: not valid YAML: 2 documents where one was expected'],
    ['an unclosed flow sequence', 'a: 1\nb: [1, 2\n', 'dir/f.yaml: not valid YAML at line 3: '],
    ['5000 nested sequences', `${'['.repeat(5000)}${']'.repeat(5000)}\n`, 'dir/f.yaml: not valid YAML at line 1: '],
  ])('throws a ParseError naming the path and line for %s', (_label, content, start) => {
    let thrown: unknown;
    try {
      loadYaml(content, 'dir/f.yaml');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ParseError);
    expect((thrown as ParseError).path).toBe('dir/f.yaml');
    expect((thrown as ParseError).message.startsWith(start)).toBe(true);
    expect((thrown as ParseError).message).not.toContain('\n');
  });

  it('reads an alias bomb at once: aliases are shared, never copied', () => {
    const levels = Array.from({ length: 30 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array.from({ length: 9 }, () => `*l${i}`).join(', ')}]`);
    const doc = loadYaml(['l0: &l0 lol', ...levels, ''].join('\n'), 'f.yaml') as Record<string, unknown[]>;
    expect(doc.l30?.[0]).toBe(doc.l29);
    expect(doc.l1).toEqual(Array.from({ length: 9 }, () => 'lol'));
  });
});

describe('keyLines', () => {
  it('finds top-level and second-level keys, quoted or not, with their first line', () => {
    const content = [
      '# comment',
      "lockfileVersion: '9.0'",
      '',
      'packages:',
      '',
      "  '@scope/a@1.0.0':",
      '    resolution: {integrity: x}',
      '  "b@2.0.0":',
      '    dependencies:',
      '      c: 1.0.0',
      '  plain@3.0.0: {}',
      "  'it''s@1.0.0':",
      '  # indented comment',
      '  plain@3.0.0:',
      'snapshots:',
      '  d@1.0.0: {}',
    ].join('\n');
    const { top, nested } = keyLines(content);
    expect(entries(top)).toEqual([['lockfileVersion', 2], ['packages', 4], ['snapshots', 15]]);
    expect(entries(nested.get('packages'))).toEqual([
      ['@scope/a@1.0.0', 6],
      ['b@2.0.0', 8],
      ['plain@3.0.0', 11],
      ["it's@1.0.0", 12],
    ]);
    expect(entries(nested.get('snapshots'))).toEqual([['d@1.0.0', 16]]);
    expect(entries(nested.get('lockfileVersion'))).toEqual([]);
  });

  it('reads CRLF files and the indent of each section as written', () => {
    const content = 'packages:\r\n    a:\r\n        version: 1\r\n    b:\r\n\r\nsdks:\r\n dart: x\r\n';
    const { top, nested } = keyLines(content);
    expect(entries(top)).toEqual([['packages', 1], ['sdks', 6]]);
    expect(entries(nested.get('packages'))).toEqual([['a', 2], ['b', 4]]);
    expect(entries(nested.get('sdks'))).toEqual([['dart', 7]]);
  });

  it('skips the text of block scalars', () => {
    const content = ['notes: |', '  fake: key', '  other:', 'packages:', '  a:', '    text: >-', '      not: a key', '  b: 1'].join('\n');
    const { top, nested } = keyLines(content);
    expect(entries(top)).toEqual([['notes', 1], ['packages', 4]]);
    expect(entries(nested.get('notes'))).toEqual([]);
    expect(entries(nested.get('packages'))).toEqual([['a', 5], ['b', 8]]);
  });

  it('reads only the top level when asked', () => {
    const { top, nested } = keyLines('"a@npm:1.0.0":\n  version: 1.0.0\nb:\n  c: 1\n', true);
    expect(entries(top)).toEqual([['a@npm:1.0.0', 1], ['b', 3]]);
    expect(entries(nested.get('b'))).toEqual([]);
  });
});

describe('the YAML lockfile parsers on big generated files', () => {
  // The lines come from keyLines now; check them against the generators' known layout.
  it('pnpm-lock.yaml: every package at its line in `packages`', () => {
    const { packages } = parsePnpmLock(generatePnpmLock(300), 'pnpm-lock.yaml');
    expect(packages).toHaveLength(300);
    // the header takes 12 lines; each package entry 4
    expect(packages.map((p) => p.location.line)).toEqual(Array.from({ length: 300 }, (_, i) => 13 + 4 * i));
    expect(packages.filter((p) => p.direct).map((p) => p.name)).toEqual(['@scope0/pkg-0']);
  });

  it('yarn Berry: every package at its header line', () => {
    const all = parseYarnLock(generateBerryLock(300), 'yarn.lock').packages;
    // the root workspace is listed too, as a local package (issue 14)
    expect(all.filter((p) => p.source === 'local').map((p) => `${p.name}@${p.version}`)).toEqual(['bench@0.0.0-use.local']);
    const packages = all.filter((p) => p.source === undefined);
    expect(packages).toHaveLength(300);
    expect(packages[0]).toMatchObject({ name: '@scope0/pkg-0', version: '1.0.0', direct: true, location: { line: 16 } });
    expect(packages[1]?.location.line).toBe(packages[0]!.location.line + 11);
    expect(packages[299]?.dependsOn).toEqual([]);
  });

  it('pubspec.lock: every package at its name line', () => {
    const { packages } = parsePubspecLock(generatePubspecLock(300), 'pubspec.lock');
    expect(packages).toHaveLength(300);
    expect(packages.map((p) => p.location.line)).toEqual(Array.from({ length: 300 }, (_, i) => 3 + 8 * i));
    expect(packages.filter((p) => p.direct)).toHaveLength(30);
  });

  it.each([
    ['pnpm-lock.yaml', () => parsePnpmLock("lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {\n", 'app/pnpm-lock.yaml')],
    ['yarn.lock', () => parseYarnLock('__metadata:\n  version: 8\n"a@npm:1.0.0":\n  version: [1.0.0\n', 'app/yarn.lock')],
    ['pubspec.lock', () => parsePubspecLock('packages:\n  args:\n    version: "2.4\n', 'app/pubspec.lock')],
  ])('%s: bad YAML is a ParseError with the path and line', (file, parse) => {
    expect(parse).toThrow(ParseError);
    expect(parse).toThrow(new RegExp(`^app/${file.replace('.', '\\.')}: not valid YAML at line \\d+: `));
  });
});
