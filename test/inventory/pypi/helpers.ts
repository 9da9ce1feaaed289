/** Shared by the Python extractor tests: fixture cases, lockfile samples, compact package views. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { Extractor } from '../../../src/inventory/types.js';
import type { ExtractResult, Package } from '../../../src/model/types.js';
import { repoRoot, sharedSamplesDir } from '../helpers/sample-suite.js';

export { repoRoot };
export const fixturesDir = path.join(repoRoot, 'fixtures/inventory/pypi');
export const samplesDir = path.join(sharedSamplesDir, 'python');

export interface CompactPackage {
  name: string;
  version: string;
  direct: boolean;
  scope: string;
  path: string;
  line: number;
  dependsOn?: string[];
  unpinned?: boolean;
  source?: string;
  sourceRef?: string;
  declaredRange?: string;
}

export function compact(pkg: Package): CompactPackage {
  const view: CompactPackage = {
    name: pkg.name,
    version: pkg.version,
    direct: pkg.direct,
    scope: pkg.scope,
    path: pkg.location.path,
    line: pkg.location.line,
  };
  if (pkg.dependsOn) view.dependsOn = pkg.dependsOn;
  if (pkg.unpinned) view.unpinned = true;
  if (pkg.source) view.source = pkg.source;
  if (pkg.sourceRef) view.sourceRef = pkg.sourceRef;
  if (pkg.declaredRange) view.declaredRange = pkg.declaredRange;
  return view;
}

/** Reads files of one folder by repo-relative path, refusing anything that leaves it. */
export function siblingReader(folder: string): (relativePath: string) => string | undefined {
  return (relativePath) => {
    const full = path.resolve(folder, relativePath);
    if (!full.startsWith(folder + path.sep) || !existsSync(full)) return undefined;
    return readFileSync(full, 'utf8');
  };
}

export interface FixtureCase {
  name: string;
  folder: string;
  input: string;
  packages: CompactPackage[];
  /** Each warning's expected beginning, in order. */
  warnings: string[];
}

export function fixtureCases(format: string): FixtureCase[] {
  const base = path.join(fixturesDir, format);
  return readdirSync(base)
    .sort()
    .map((name) => {
      const folder = path.join(base, name);
      const expected = JSON.parse(readFileSync(path.join(folder, 'expected.json'), 'utf8')) as Omit<FixtureCase, 'name' | 'folder'>;
      return { name, folder, ...expected };
    });
}

export function runCase(extractor: Extractor, testCase: FixtureCase): ExtractResult {
  const content = readFileSync(path.join(testCase.folder, testCase.input), 'utf8');
  return extractor.parse(content, testCase.input, siblingReader(testCase.folder));
}

export function sampleFiles(folder: string): string[] {
  return readdirSync(path.join(samplesDir, folder)).sort();
}

export function readSample(folder: string, file: string): string {
  return readFileSync(path.join(samplesDir, folder, file), 'utf8');
}

export function claims(extractor: Extractor, fileName: string): boolean {
  return picomatch.isMatch(fileName, [...extractor.patterns], { dot: true });
}

/** name@version of every package, for spot checks. */
export function ids(result: ExtractResult): string[] {
  return result.packages.map((pkg) => `${pkg.name}@${pkg.version}`);
}

/** What one sample must give: an exact count and some name@version pairs, or a ParseError. */
export type SampleExpectation = 'ParseError' | { count: number; has?: string[]; lacks?: string[] };
