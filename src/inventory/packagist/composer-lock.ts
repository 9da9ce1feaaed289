import { ParseError, errorMessage } from '../../model/errors.js';
import type { DependencyScope, ExtractResult, Package } from '../../model/types.js';
import type { Extractor } from '../types.js';
import { purlMaker } from '../entry.js';
import { jsonValueLines } from '../sbom-input/cyclonedx-model.js';

const purlAt = purlMaker('Packagist');

interface Entry {
  name: string;
  version: string;
  require: string[];
  scope: DependencyScope;
  line: number;
}


/** Composer writes tags as `v1.2.3`; the advisories use `1.2.3`. */
function normaliseVersion(version: string): string {
  return /^v\d/i.test(version) ? version.slice(1) : version;
}

export function parseComposerLock(content: string, path: string): ExtractResult {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch (error) {
    throw new ParseError(path, `not valid JSON: ${errorMessage(error)}`, { cause: error });
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ParseError(path, 'not a composer.lock: the top level is not a JSON object');
  }
  const root = document as Record<string, unknown>;
  if (!('packages' in root) && !('packages-dev' in root)) {
    throw new ParseError(path, 'not a composer.lock: neither "packages" nor "packages-dev" is present');
  }

  // JSON.parse gives no positions: each package's `"name": "..."` is the next one of that value
  // in the text (authors have names too). One pass lists them; each is consumed at most once.
  const nameLines = jsonValueLines(content, 'name');
  const consumed = new Map<string, number>();
  let cursor = 1;
  const locate = (name: string): number => {
    const lines = nameLines.get(name) ?? [];
    let next = consumed.get(name) ?? 0;
    while (next < lines.length && (lines[next] as number) < cursor) next++;
    if (next >= lines.length) {
      consumed.set(name, next);
      return 1;
    }
    consumed.set(name, next + 1);
    cursor = lines[next] as number;
    return cursor;
  };

  const entries: Entry[] = [];
  const warnings: string[] = [];
  for (const [key, scope] of [
    ['packages', 'runtime'],
    ['packages-dev', 'dev'],
  ] as const) {
    const list = root[key] ?? [];
    if (!Array.isArray(list)) throw new ParseError(path, `"${key}" is not an array`);
    list.forEach((raw: unknown, index) => {
      if (typeof raw !== 'object' || raw === null) throw new ParseError(path, `${key}[${index}] is not an object`);
      const item = raw as Record<string, unknown>;
      if (typeof item.name !== 'string' || typeof item.version !== 'string') {
        throw new ParseError(path, `${key}[${index}] has no string "name" and "version"`);
      }
      const line = locate(item.name);
      const require = typeof item.require === 'object' && item.require !== null ? Object.keys(item.require) : [];
      entries.push({ name: item.name.toLowerCase(), version: normaliseVersion(item.version), require, scope, line });
      if (item.version.startsWith('dev-') || item.version.endsWith('-dev')) {
        warnings.push(`${path}:${line}: ${item.name} is locked to the branch "${item.version}"; advisories may not match a branch`);
      }
    });
  }

  const versionOf = new Map<string, string>();
  for (const entry of entries) if (!versionOf.has(entry.name)) versionOf.set(entry.name, entry.version);
  const packages: Package[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const key = `${entry.name}@${entry.version}@${entry.scope}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // Platform requirements (php, ext-*, lib-*) are not in the lock, so they drop out here.
    const dependsOn = entry.require.flatMap((name) => {
      const version = versionOf.get(name.toLowerCase());
      return version === undefined ? [] : [purlAt(path, entry.line, name.toLowerCase(), version)];
    });
    packages.push({
      ecosystem: 'Packagist',
      name: entry.name,
      version: entry.version,
      purl: purlAt(path, entry.line, entry.name, entry.version),
      // composer.lock does not say which packages composer.json requires.
      direct: false,
      scope: entry.scope,
      location: { path, line: entry.line },
      dependsOn,
    });
  }
  return { packages, warnings };
}

export const composerLockExtractor: Extractor = {
  id: 'packagist/composer-lock',
  ecosystem: 'Packagist',
  patterns: ['composer.lock'],
  parse: (content, path) => parseComposerLock(content, path),
};
