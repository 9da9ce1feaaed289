/**
 * The checks every lockfile extractor test repeats: its fixture folders, the table of shared
 * lockfile samples, malformed files that must name their path, and every prefix of every file.
 * Call these inside a describe(); each adds its it()s there.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { ParseError } from '../../../src/model/errors.js';
import type { ExtractResult, Package } from '../../../src/model/types.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const sharedSamplesDir = path.resolve(repoRoot, '../shared/lockfile-samples');

export type Parse = (content: string, filePath: string) => ExtractResult;

/** fixtures/inventory/<fixtureFolder> and the shared lockfile samples folder <sampleFolder>. */
export function inventoryDirs(fixtureFolder: string, sampleFolder: string): { fixtures: string; samples: string } {
  return { fixtures: path.join(repoRoot, 'fixtures/inventory', fixtureFolder), samples: path.join(sharedSamplesDir, sampleFolder) };
}

export interface PackageView {
  name: string;
  version: string;
  direct: boolean;
  scope: string;
  line: number;
  dependsOn?: string[];
  /** Only for packages not from the registry. */
  source?: string;
  sourceRef?: string;
}

/** The exact view of packages that expected.json files hold; `dependsOn` only where the format has edges. */
export function project(packages: Package[], options: { dependsOn?: boolean } = {}): PackageView[] {
  return packages.map((p) => {
    const view: PackageView = { name: p.name, version: p.version, direct: p.direct, scope: p.scope, line: p.location.line };
    if (options.dependsOn) view.dependsOn = p.dependsOn;
    if (p.source) view.source = p.source;
    if (p.sourceRef) view.sourceRef = p.sourceRef;
    return view;
  });
}

/** One fixture folder: its input file (named, or the one file beside expected.json) and expected.json. */
export function readFixture(fixtures: string, name: string, file?: string): { file: string; content: string; expected: unknown } {
  const input = file ?? readdirSync(path.join(fixtures, name)).find((f) => f !== 'expected.json');
  if (input === undefined) throw new Error(`fixture ${name} has no input file`);
  return {
    file: input,
    content: readFileSync(path.join(fixtures, name, input), 'utf8'),
    expected: JSON.parse(readFileSync(path.join(fixtures, name, 'expected.json'), 'utf8')),
  };
}

/** A sample's exact package count and some [name, version, ...format-specific facts] it must hold. */
export interface SampleRow {
  count: number;
  has: readonly (readonly [string, string, ...unknown[]])[];
}

/**
 * "covers every sample" plus one test per table row: 'throws' rows must throw ParseError, the others
 * give exactly `count` packages and every `has` entry, which `checkFound` checks further.
 */
export function sampleTableTests<Row extends SampleRow>(options: {
  samples: string;
  table: Record<string, Row | 'throws'>;
  parse: Parse;
  /** The sample files the table must list; every file in `samples` unless given. */
  listSamples?: () => string[];
  checkResult?: (result: ExtractResult, row: Row) => void;
  checkFound?: (found: Package | undefined, entry: Row['has'][number]) => void;
}): void {
  const { samples, table, parse } = options;
  const listSamples = options.listSamples ?? (() => readdirSync(samples));

  it('covers every sample', () => {
    expect(listSamples().sort()).toEqual(Object.keys(table).sort());
  });

  it.each(Object.entries(table))('%s', (file, expected) => {
    const content = readFileSync(path.join(samples, file), 'utf8');
    if (expected === 'throws') {
      expect(() => parse(content, file)).toThrow(ParseError);
      return;
    }
    const result = parse(content, file);
    expect(result.packages).toHaveLength(expected.count);
    options.checkResult?.(result, expected);
    for (const entry of expected.has) {
      const [name, version] = entry;
      const found = result.packages.find((p) => p.name === name && p.version === version);
      expect(found, `${name}@${version}`).toBeDefined();
      options.checkFound?.(found, entry);
    }
  });
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Each [label, content, message] case throws a ParseError that starts with `filePath: ` and contains `message`. */
export function malformedTests(parse: Parse, filePath: string, cases: [string, string, string][]): void {
  const namesPath = new RegExp(`^${escapeRegExp(filePath)}: `);
  it.each(cases)('%s → ParseError naming the path', (_label, content, message) => {
    expect(() => parse(content, filePath)).toThrow(ParseError);
    expect(() => parse(content, filePath)).toThrow(namesPath);
    expect(() => parse(content, filePath)).toThrow(message);
  });
}

/** Every prefix of every file under `dirs` (every byte for small files) parses or throws ParseError: nothing else. */
export function truncationTests(parse: Parse, dirs: string[]): void {
  const files = dirs.flatMap((dir) =>
    readdirSync(dir, { recursive: true })
      .map(String)
      .filter((file) => !file.endsWith('expected.json'))
      .map((file) => path.join(dir, file))
      .filter((file) => statSync(file).isFile()),
  );

  it.each(files.map((file) => [path.relative(repoRoot, file), file]))('%s', (_label, file) => {
    const content = readFileSync(file, 'utf8');
    const step = Math.max(1, Math.floor(content.length / 400));
    for (let end = 0; end <= content.length; end += step) {
      try {
        parse(content.slice(0, end), 'cut');
      } catch (error) {
        if (!(error instanceof ParseError)) throw new Error(`prefix of ${end} bytes threw ${String(error)}`, { cause: error });
        expect(error.message.startsWith('cut: ')).toBe(true);
      }
    }
  });
}
