/**
 * `Pipfile.lock` (JSON): `default` (runtime) and `develop` (dev) map names to
 * `{ version: "==1.0", hashes, markers }`. Pipfile.lock records no edges and no root set, so every
 * entry is reported direct. A name locked at one version in both sections is one runtime package.
 * Entries without a `==` version (editable git/path checkouts) are skipped with a warning.
 */
import type { Extractor } from '../types.js';
import { ParseError } from '../../model/errors.js';
import type { DependencyScope, ExtractResult, Package } from '../../model/types.js';
import { clip } from '../entry.js';
import { scanObjectKeyLines } from '../npm/json-key-lines.js';
import { isEmptyText, isTable, lockResult, makePackage, stringField } from './common.js';

const SECTIONS: readonly { key: string; scope: DependencyScope }[] = [
  { key: 'default', scope: 'runtime' },
  { key: 'develop', scope: 'dev' },
];

export function parsePipfileLock(content: string, path: string): ExtractResult {
  if (isEmptyText(content)) return { packages: [], warnings: [`${path}: file is empty`] };
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (error) {
    throw new ParseError(path, `not a valid Pipfile.lock (JSON error: ${(error as Error).message})`, { cause: error });
  }
  if (!isTable(doc)) throw new ParseError(path, 'not a valid Pipfile.lock: the top level must be a JSON object');
  if (doc.default === undefined && doc.develop === undefined && doc._meta === undefined) {
    throw new ParseError(path, 'not a valid Pipfile.lock: no "_meta", "default" or "develop" section');
  }
  // JSON.parse gives no positions: one pass over the text finds each entry's line.
  const lines = entryLines(content);
  const warnings: string[] = [];
  const packages: Package[] = [];
  const seen = new Set<string>();

  for (const { key, scope } of SECTIONS) {
    const section = doc[key];
    if (section === undefined) continue;
    if (!isTable(section)) throw new ParseError(path, `not a valid Pipfile.lock: "${key}" must be an object`);
    const sectionLines = lines.get(key);
    for (const [name, entry] of Object.entries(section)) {
      const line = sectionLines?.get(name) ?? 1;
      const version = isTable(entry) ? stringField(entry, 'version') : undefined;
      const pinned = version ? /^\s*===?\s*(\S+)\s*$/.exec(version)?.[1] : undefined;
      if (!pinned) {
        const what = isTable(entry) && (entry.git ?? entry.path ?? entry.file) ? `${String(entry.git ?? entry.path ?? entry.file)}` : 'no "==" version';
        warnings.push(`${path}:${line}: ${clip(name)} in "${key}" is not a pinned release (${clip(what)}), skipped`);
        continue;
      }
      const pkg = makePackage({ name, version: pinned, direct: true, scope, path, line });
      if (seen.has(pkg.purl)) continue;
      seen.add(pkg.purl);
      packages.push(pkg);
    }
  }
  return lockResult(packages, warnings);
}

/** Section → entry name → line of its `"name": {`, the first when a key repeats. */
function entryLines(content: string): Map<string, Map<string, number>> {
  const sections = new Map<string, Map<string, number>>();
  scanObjectKeyLines(content, (parents, key, line) => {
    if (parents.length === 0) {
      if (!sections.has(key)) sections.set(key, new Map());
    } else if (parents.length === 1) {
      const section = sections.get(parents[0] as string);
      if (section && !section.has(key)) section.set(key, line);
    }
    return undefined;
  });
  return sections;
}

export const pipfileLockExtractor: Extractor = {
  id: 'pypi/pipfile-lock',
  ecosystem: 'PyPI',
  patterns: ['Pipfile.lock'],
  parse: (content, path) => parsePipfileLock(content, path),
};
