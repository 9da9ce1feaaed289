import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractors } from '../../src/inventory/registry.js';
import type { Extractor } from '../../src/inventory/types.js';

/**
 * The completeness test registry.ts promises: every extractor a folder under src/inventory/
 * exports is registered, named after its folder, and has fixtures.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const inventoryDir = path.join(repoRoot, 'src/inventory');
const fixturesDir = path.join(repoRoot, 'fixtures/inventory');

const folders = readdirSync(inventoryDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(inventoryDir, folder), { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .sort();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => statSync(path.join(dir, file)).isFile());
}

/** An object shaped like an Extractor: what registry.ts would need to list. */
function isExtractor(value: unknown): value is Extractor {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.id === 'string' &&
    typeof candidate.ecosystem === 'string' &&
    Array.isArray(candidate.patterns) &&
    typeof candidate.parse === 'function'
  );
}

interface Found {
  folder: string;
  file: string;
  exportName: string;
  extractor: Extractor;
}

describe('isExtractor', () => {
  it('recognises the Extractor shape and nothing else', () => {
    const parse = () => ({ packages: [] });
    expect(isExtractor({ id: 'a/b', ecosystem: 'npm', patterns: ['x'], parse })).toBe(true);
    expect(isExtractor({ id: 'a/b', ecosystem: 'npm', patterns: ['x'] })).toBe(false);
    expect(isExtractor({ id: 'a/b', ecosystem: 'npm', patterns: 'x', parse })).toBe(false);
    expect(isExtractor({ ecosystem: 'npm', patterns: ['x'], parse })).toBe(false);
    expect(isExtractor(parse)).toBe(false);
    expect(isExtractor(null)).toBe(false);
  });
});

describe('extractor registry', () => {
  const found: Found[] = [];

  beforeAll(async () => {
    for (const folder of folders) {
      for (const file of sourceFiles(folder)) {
        const module = (await import(pathToFileURL(path.join(inventoryDir, folder, file)).href)) as Record<string, unknown>;
        for (const [exportName, value] of Object.entries(module)) {
          if (isExtractor(value)) found.push({ folder, file, exportName, extractor: value });
        }
      }
    }
  });

  it('finds extractor folders and their extractors', () => {
    expect(folders.length).toBeGreaterThan(0);
    expect(found.length).toBeGreaterThan(0);
  });

  it('registers every exported extractor (the very object, under its id)', () => {
    const unregistered = found
      .filter(({ extractor }) => extractors.get(extractor.id) !== extractor)
      .map(({ folder, file, exportName }) => `${folder}/${file}: ${exportName}`);
    expect(unregistered).toEqual([]);
  });

  it('registers nothing that no folder exports', () => {
    const exported = new Set(found.map(({ extractor }) => extractor));
    const stray = [...extractors.values()].filter((extractor) => !exported.has(extractor)).map((extractor) => extractor.id);
    expect(stray).toEqual([]);
  });

  it('lists each registry key under the id of its extractor', () => {
    for (const [key, extractor] of extractors) expect(key).toBe(extractor.id);
  });

  it('gives every extractor a unique id', () => {
    // the registry is a Map, so a duplicate would silently replace another: count the exports
    const ids = [...new Set(found.map(({ extractor }) => extractor))].map((extractor) => extractor.id);
    expect(ids.length).toBe(new Set(ids).size);
    expect(ids.sort()).toEqual([...extractors.keys()].sort());
  });

  it('names every extractor <folder>/<format> after the folder that holds it', () => {
    const misnamed = found
      .filter(({ folder, extractor }) => !new RegExp(`^${folder}/[a-z0-9-]+$`).test(extractor.id))
      .map(({ folder, extractor }) => `${folder}: ${extractor.id}`);
    expect(misnamed).toEqual([]);
  });

  it('has at least one extractor in every folder', () => {
    const withExtractor = new Set(found.map(({ folder }) => folder));
    expect(folders.filter((folder) => !withExtractor.has(folder))).toEqual([]);
  });

  it('declares at least one file pattern per extractor', () => {
    const empty = [...extractors.values()].filter((extractor) => extractor.patterns.length === 0).map((extractor) => extractor.id);
    expect(empty).toEqual([]);
  });
});

describe('inventory fixtures', () => {
  it.each(folders)('%s has fixtures under fixtures/inventory/', (folder) => {
    // most folders hold one directory per case; sbom-input holds its SBOM files directly
    const dir = path.join(fixturesDir, folder);
    let files: string[] = [];
    try {
      files = filesUnder(dir);
    } catch {
      // missing folder: reported by the assertion below
    }
    expect(files.length, `fixtures/inventory/${folder}/ holds no files`).toBeGreaterThan(0);
  });
});
