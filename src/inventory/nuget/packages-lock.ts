import { ParseError, errorMessage } from '../../model/errors.js';
import type { ExtractResult, Package } from '../../model/types.js';
import type { Extractor } from '../types.js';
import { clip, purlMaker } from '../entry.js';
import { scanObjectKeyLines } from '../npm/json-key-lines.js';

const purlAt = purlMaker('NuGet');


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

  // JSON.parse gives no positions: one pass over the text gives each `"name": {` line.
  const lines = new Map<string, Map<string, number>>();
  scanObjectKeyLines(content, (parents, key, line) => {
    if (parents.length === 1 && parents[0] === 'dependencies' && !lines.has(key)) lines.set(key, new Map());
    else if (parents.length === 2 && parents[0] === 'dependencies') {
      const names = lines.get(parents[1] as string);
      if (names && !names.has(key)) names.set(key, line);
    }
    return undefined;
  });

  const warnings: string[] = [];
  const packages: Package[] = [];
  // NuGet ids are case-insensitive: one package per lower-cased id and version across frameworks.
  const byKey = new Map<string, Package>();
  const edges = new Map<Package, Set<string>>();
  for (const [framework, entries] of Object.entries(frameworks)) {
    if (!isObject(entries)) throw new ParseError(path, `dependencies["${clip(framework)}"] is not an object`);
    const frameworkLines = lines.get(framework);

    const resolved = new Map<string, { name: string; version: string }>();
    for (const [name, entry] of Object.entries(entries)) {
      if (isObject(entry) && typeof entry.resolved === 'string' && entry.type !== 'Project') {
        resolved.set(name.toLowerCase(), { name, version: entry.resolved });
      }
    }
    for (const [name, entry] of Object.entries(entries)) {
      if (!isObject(entry)) throw new ParseError(path, `dependencies["${clip(framework)}"]["${clip(name)}"] is not an object`);
      const line = frameworkLines?.get(name) ?? 1;
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
