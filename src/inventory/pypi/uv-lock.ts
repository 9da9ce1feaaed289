/**
 * `uv.lock`: `[[package]]` tables with name, version, `source` and `dependencies`
 * (`{ name, version?, extra?, marker? }`), plus `[package.optional-dependencies]` (extras) and
 * `[package.dev-dependencies]` (dependency groups).
 *
 * The project itself and its workspace members have an `editable` or `virtual` source: they are
 * not packages, their dependencies are the direct ones. Scope follows reachability from those
 * members: from their `dependencies` → runtime, else from an extra → optional, else from a
 * dependency group → dev. A lock without any member entry falls back to "nothing depends on it"
 * for direct (see markRootsDirect) and runtime scope.
 */
import type { Extractor } from '../types.js';
import type { DependencyScope, ExtractResult, Package } from '../../model/types.js';
import {
  byName,
  dependencyRefs,
  type DependencyRef,
  forEachNamedEntry,
  isEmptyText,
  isTable,
  lockResult,
  makePackage,
  markRootsDirect,
  normalizeName,
  readTomlEntries,
  resolveEdge,
  setDependsOn,
  stringField,
  type TomlTable,
} from './common.js';

const FORMAT = 'uv.lock';

export function parseUvLock(content: string, path: string): ExtractResult {
  if (isEmptyText(content)) return { packages: [], warnings: [`${path}: file is empty`] };
  const { entries } = readTomlEntries(content, path, FORMAT, 'package');
  const warnings: string[] = [];
  const packages: Package[] = [];
  const edgesOf = new Map<Package, DependencyRef[]>();
  const members: TomlTable[] = [];
  const memberNames = new Set<string>();

  forEachNamedEntry(entries, path, warnings, (entry, name, line) => {
    const source = isTable(entry.source) ? entry.source : {};
    if ('editable' in source || 'virtual' in source) {
      members.push(entry);
      memberNames.add(normalizeName(name));
      return;
    }
    if ('directory' in source || 'path' in source) {
      const where = stringField(source, 'directory') ?? stringField(source, 'path') ?? '?';
      warnings.push(`${path}:${line}: ${name} comes from a local path (${where}), skipped`);
      return;
    }
    const version = stringField(entry, 'version') ?? '';
    if (!version) warnings.push(`${path}:${line}: ${name} has no version, reported unpinned`);
    const pkg = makePackage({ name, version, direct: false, scope: 'runtime', path, line, unpinned: !version });
    packages.push(pkg);
    edgesOf.set(pkg, dependencyRefs(entry.dependencies));
  });

  const index = byName(packages);
  const resolve = (refs: DependencyRef[]): string[] =>
    refs.filter((ref) => !memberNames.has(normalizeName(ref.name))).flatMap((ref) => resolveEdge(index, ref.name, ref.version));
  for (const pkg of packages) {
    const edges = resolve(edgesOf.get(pkg) ?? []);
    setDependsOn(pkg, edges);
  }

  if (members.length === 0) {
    markRootsDirect(packages);
    return lockResult(packages, warnings);
  }

  const runtimeRoots: string[] = [];
  const optionalRoots: string[] = [];
  const devRoots: string[] = [];
  for (const member of members) {
    // loops, not push(...): a member may list more dependencies than a call takes arguments
    for (const purl of resolve(dependencyRefs(member.dependencies))) runtimeRoots.push(purl);
    for (const purl of resolve(groupRefs(member['optional-dependencies']))) optionalRoots.push(purl);
    for (const purl of resolve(groupRefs(member['dev-dependencies']))) devRoots.push(purl);
  }
  const direct = new Set([...runtimeRoots, ...optionalRoots, ...devRoots]);
  const byPurl = new Map(packages.map((pkg) => [pkg.purl, pkg]));
  const runtime = reachable(runtimeRoots, byPurl);
  const optional = reachable(optionalRoots, byPurl);
  const dev = reachable(devRoots, byPurl);
  for (const pkg of packages) {
    pkg.direct = direct.has(pkg.purl);
    pkg.scope = scopeOf(pkg.purl, runtime, optional, dev);
  }
  return lockResult(packages, warnings);
}

// An extra can ship with the package, a dependency group never does: runtime > optional > dev.
// A package no member reaches (stale lock) stays runtime rather than being hidden as dev.
function scopeOf(purl: string, runtime: Set<string>, optional: Set<string>, dev: Set<string>): DependencyScope {
  if (runtime.has(purl)) return 'runtime';
  if (optional.has(purl)) return 'optional';
  if (dev.has(purl)) return 'dev';
  return 'runtime';
}

function reachable(roots: string[], byPurl: Map<string, Package>): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const purl = queue.pop() as string;
    if (seen.has(purl)) continue;
    seen.add(purl);
    for (const next of byPurl.get(purl)?.dependsOn ?? []) if (!seen.has(next)) queue.push(next);
  }
  return seen;
}

/** `[package.optional-dependencies]` / `[package.dev-dependencies]`: group name → dependency list. */
function groupRefs(value: unknown): DependencyRef[] {
  if (!isTable(value)) return [];
  return Object.values(value).flatMap((list) => dependencyRefs(list));
}

export const uvLockExtractor: Extractor = {
  id: 'pypi/uv-lock',
  ecosystem: 'PyPI',
  patterns: ['uv.lock'],
  parse: (content, path) => parseUvLock(content, path),
};
