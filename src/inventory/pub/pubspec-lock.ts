import { ParseError } from '../../model/errors.js';
import type { DependencyScope, ExtractResult, Package } from '../../model/types.js';
import type { Extractor } from '../types.js';
import { keyLines, loadYaml } from '../yaml-fast.js';
import { gitSourceRef, purlMaker } from '../entry.js';

const purlAt = purlMaker('Pub');

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const KINDS: Record<string, { direct: boolean; scope: DependencyScope }> = {
  'direct main': { direct: true, scope: 'runtime' },
  'direct dev': { direct: true, scope: 'dev' },
  'direct overridden': { direct: true, scope: 'runtime' },
  transitive: { direct: false, scope: 'runtime' },
};

export function parsePubspecLock(content: string, path: string): ExtractResult {
  const doc = loadYaml(content, path);
  if (doc === undefined) return { packages: [], warnings: [] };
  if (!isObject(doc)) throw new ParseError(path, 'not a pubspec.lock: the top level is not a mapping');
  const packagesNode = doc.packages;
  if (packagesNode === undefined || packagesNode === null) {
    throw new ParseError(path, 'not a pubspec.lock: no "packages" mapping');
  }
  if (!isObject(packagesNode)) throw new ParseError(path, '"packages" is not a mapping');

  const lines = keyLines(content).nested.get('packages');
  const warnings: string[] = [];
  const packages: Package[] = [];
  for (const [name, entry] of Object.entries(packagesNode)) {
    const line = lines?.get(name) ?? 1;
    if (!isObject(entry)) throw new ParseError(path, `line ${line}: package ${name} is not a mapping`);
    const { dependency, source, version } = entry;
    if (typeof version !== 'string' || typeof source !== 'string') {
      throw new ParseError(path, `line ${line}: package ${name} has no string "version" and "source"`);
    }
    const kind = typeof dependency === 'string' ? KINDS[dependency] : undefined;
    if (!kind) warnings.push(`${path}:${line}: ${name} has an unknown dependency kind ${JSON.stringify(dependency)}; read as transitive`);
    const pkg: Package = {
      ecosystem: 'Pub',
      name,
      version,
      purl: purlAt(path, line, name, version),
      direct: kind?.direct ?? false,
      scope: kind?.scope ?? 'runtime',
      location: { path, line },
    };
    // Not published on the package server: listed, never matched against its advisories.
    const description = isObject(entry.description) ? entry.description : undefined;
    if (source === 'path' || source === 'sdk') {
      pkg.source = 'local';
      const where = source === 'sdk' ? `sdk:${typeof entry.description === 'string' ? entry.description : 'unknown'}` : description?.path;
      if (typeof where === 'string') pkg.sourceRef = where;
    } else if (source === 'git') {
      pkg.source = 'git';
      const url = description?.url;
      const commit = description?.['resolved-ref'];
      if (typeof url === 'string') pkg.sourceRef = gitSourceRef(typeof commit === 'string' ? `${url}#${commit}` : url);
    }
    packages.push(pkg);
  }
  return { packages, warnings };
}

export const pubspecLockExtractor: Extractor = {
  id: 'pub/pubspec-lock',
  ecosystem: 'Pub',
  patterns: ['pubspec.lock'],
  parse: (content, path) => parsePubspecLock(content, path),
};
