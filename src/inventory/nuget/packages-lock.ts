import { ParseError, errorMessage } from '../../model/errors.js';
import type { ExtractResult, Package } from '../../model/types.js';
import type { Extractor } from '../types.js';
import { lineFinder, purlMaker } from '../entry.js';

const purlAt = purlMaker('NuGet');


function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parsePackagesLock(content: string, path: string): ExtractResult {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch (error) {
    throw new ParseError(path, `not valid JSON: ${errorMessage(error)}`, { cause: error });
  }
  if (!isObject(document) || !isObject(document.dependencies)) {
    throw new ParseError(path, 'not a packages.lock.json: no "dependencies" object of target frameworks');
  }
  const frameworks = document.dependencies;

  // JSON.parse gives no positions: find each `"key": {` in document order, after its framework.
  const lineOf = lineFinder(content);
  const find = (key: string, from: number): number => {
    const pattern = new RegExp(`${escapeRegExp(JSON.stringify(key))}\\s*:\\s*\\{`, 'g');
    pattern.lastIndex = from;
    return pattern.exec(content)?.index ?? -1;
  };

  const warnings: string[] = [];
  const packages: Package[] = [];
  // NuGet ids are case-insensitive: one package per lower-cased id and version across frameworks.
  const byKey = new Map<string, Package>();
  const edges = new Map<Package, Set<string>>();
  let frameworkCursor = content.indexOf('"dependencies"');
  for (const [framework, entries] of Object.entries(frameworks)) {
    if (!isObject(entries)) throw new ParseError(path, `dependencies["${framework}"] is not an object`);
    const frameworkAt = find(framework, Math.max(frameworkCursor, 0));
    if (frameworkAt >= 0) frameworkCursor = frameworkAt + 1;
    let cursor = Math.max(frameworkAt, 0);

    const resolved = new Map<string, { name: string; version: string }>();
    for (const [name, entry] of Object.entries(entries)) {
      if (isObject(entry) && typeof entry.resolved === 'string' && entry.type !== 'Project') {
        resolved.set(name.toLowerCase(), { name, version: entry.resolved });
      }
    }
    for (const [name, entry] of Object.entries(entries)) {
      if (!isObject(entry)) throw new ParseError(path, `dependencies["${framework}"]["${name}"] is not an object`);
      const at = find(name, cursor);
      if (at >= 0) cursor = at + 1;
      const line = at >= 0 ? lineOf(at) : 1;
      const type = entry.type;
      if (type === 'Project') continue;
      if (typeof entry.resolved !== 'string') {
        warnings.push(`${path}:${line}: ${name} (${framework}) has no resolved version; skipped`);
        continue;
      }
      const version = entry.resolved;
      const key = `${name.toLowerCase()}@${version}`;
      let pkg = byKey.get(key);
      if (!pkg) {
        pkg = {
          ecosystem: 'NuGet',
          name,
          version,
          purl: purlAt(path, line, name, version),
          direct: false,
          scope: 'runtime',
          location: { path, line },
          dependsOn: [],
        };
        byKey.set(key, pkg);
        edges.set(pkg, new Set());
        packages.push(pkg);
      }
      pkg.direct ||= type === 'Direct';
      const dependencies = isObject(entry.dependencies) ? entry.dependencies : {};
      for (const depName of Object.keys(dependencies)) {
        // Point at the version this framework resolved, not the minimum the package asked for.
        const dep = resolved.get(depName.toLowerCase());
        if (dep) edges.get(pkg)!.add(purlAt(path, line, dep.name, dep.version));
      }
    }
  }
  for (const [pkg, set] of edges) pkg.dependsOn = [...set];
  return { packages, warnings };
}

export const packagesLockExtractor: Extractor = {
  id: 'nuget/packages-lock',
  ecosystem: 'NuGet',
  patterns: ['packages.lock.json'],
  parse: (content, path) => parsePackagesLock(content, path),
};
