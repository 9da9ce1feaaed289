/**
 * `Pipfile.lock` (JSON): `default` (runtime) and `develop` (dev) map names to
 * `{ version: "==1.0", hashes, markers }`. Pipfile.lock records no edges and no root set, so every
 * entry is reported direct. A name locked at one version in both sections is one runtime package.
 * Entries without a `==` version (editable git/path checkouts) are skipped with a warning.
 */
import type { Extractor } from '../types.js';
import { ParseError } from '../../model/errors.js';
import type { DependencyScope, ExtractResult, Package } from '../../model/types.js';
import { escapeRegExp, isEmptyText, isTable, lockResult, makePackage, stringField } from './common.js';

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
  const lineAt = lineIndex(content);
  const warnings: string[] = [];
  const packages: Package[] = [];
  const seen = new Set<string>();

  for (const { key, scope } of SECTIONS) {
    const section = doc[key];
    if (section === undefined) continue;
    if (!isTable(section)) throw new ParseError(path, `not a valid Pipfile.lock: "${key}" must be an object`);
    const sectionStart = findKey(content, key, 0);
    // Keys come in file order, so each search starts where the previous one ended.
    let cursor = sectionStart;
    for (const [name, entry] of Object.entries(section)) {
      const offset = findKey(content, name, cursor, sectionStart);
      cursor = offset;
      const line = lineAt(offset);
      const version = isTable(entry) ? stringField(entry, 'version') : undefined;
      const pinned = version ? /^\s*===?\s*(\S+)\s*$/.exec(version)?.[1] : undefined;
      if (!pinned) {
        const what = isTable(entry) && (entry.git ?? entry.path ?? entry.file) ? `${String(entry.git ?? entry.path ?? entry.file)}` : 'no "==" version';
        warnings.push(`${path}:${line}: ${name} in "${key}" is not a pinned release (${what}), skipped`);
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

/**
 * Offset of `"key":` at or after `from`, else at or after `retryFrom` (a cheap scan; JSON.parse
 * gives no positions), else `from`.
 */
function findKey(content: string, key: string, from: number, retryFrom = from): number {
  const re = new RegExp(`"${escapeRegExp(JSON.stringify(key).slice(1, -1))}"\\s*:`, 'g');
  for (const start of from === retryFrom ? [from] : [from, retryFrom]) {
    re.lastIndex = start;
    const match = re.exec(content);
    if (match) return match.index;
  }
  return from;
}

function lineIndex(content: string): (offset: number) => number {
  const starts = [0];
  for (let index = 0; index < content.length; index++) if (content.charCodeAt(index) === 10) starts.push(index + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}

export const pipfileLockExtractor: Extractor = {
  id: 'pypi/pipfile-lock',
  ecosystem: 'PyPI',
  patterns: ['Pipfile.lock'],
  parse: (content, path) => parsePipfileLock(content, path),
};
