/**
 * `pdm.lock`: `[[package]]` tables with name, version, `groups` and `dependencies` (PEP 508
 * strings). The same name and version may appear more than once (once per set of extras); those
 * entries are one package.
 *
 * Scope: a package in the "default" group is runtime; otherwise in a "dev" group it is dev;
 * otherwise (only in other groups, which pdm uses for optional-dependency extras) optional.
 * Direct: pdm.lock does not record the project's own dependencies, so as for poetry.lock a package
 * nothing else depends on is direct and every other one is reported transitive.
 */
import type { Extractor } from '../types.js';
import type { DependencyScope, ExtractResult, Package } from '../../model/types.js';
import {
  byName,
  forEachNamedEntry,
  isEmptyText,
  lockResult,
  makePackage,
  markRootsDirect,
  readTomlEntries,
  requirementName,
  resolveEdge,
  setDependsOn,
  stringArrayField,
  stringField,
} from './common.js';

const FORMAT = 'pdm.lock';

export function parsePdmLock(content: string, path: string): ExtractResult {
  if (isEmptyText(content)) return { packages: [], warnings: [`${path}: file is empty`] };
  const { entries } = readTomlEntries(content, path, FORMAT, 'package');
  const warnings: string[] = [];
  const packages: Package[] = [];
  const groupsOf = new Map<Package, Set<string>>();
  const dependencyNames = new Map<Package, Set<string>>();
  const seen = new Map<string, Package>();

  forEachNamedEntry(entries, path, warnings, (entry, name, line) => {
    const localPath = stringField(entry, 'path');
    if (localPath !== undefined || entry.editable === true) {
      warnings.push(`${path}:${line}: ${name} is a local ${entry.editable === true ? 'editable ' : ''}path (${localPath ?? '?'}), skipped`);
      return;
    }
    const version = stringField(entry, 'version') ?? '';
    if (!version) warnings.push(`${path}:${line}: ${name} has no version, reported unpinned`);
    const probe = makePackage({ name, version, direct: false, scope: 'runtime', path, line, unpinned: !version });
    const pkg = seen.get(probe.purl) ?? probe;
    if (pkg === probe) {
      seen.set(pkg.purl, pkg);
      packages.push(pkg);
      groupsOf.set(pkg, new Set());
      dependencyNames.set(pkg, new Set());
    }
    for (const group of stringArrayField(entry, 'groups')) groupsOf.get(pkg)?.add(group);
    for (const requirement of stringArrayField(entry, 'dependencies')) {
      const depName = requirementName(requirement);
      if (depName) dependencyNames.get(pkg)?.add(depName);
    }
  });

  const index = byName(packages);
  for (const pkg of packages) {
    pkg.scope = scopeOf(groupsOf.get(pkg) ?? new Set());
    const edges = [...(dependencyNames.get(pkg) ?? [])].flatMap((dep) => resolveEdge(index, dep));
    setDependsOn(pkg, edges);
  }
  markRootsDirect(packages);
  return lockResult(packages, warnings);
}

function scopeOf(groups: Set<string>): DependencyScope {
  // Older locks have no groups at all: everything was the default set.
  if (groups.size === 0 || groups.has('default')) return 'runtime';
  if (groups.has('dev')) return 'dev';
  return 'optional';
}

export const pdmLockExtractor: Extractor = {
  id: 'pypi/pdm-lock',
  ecosystem: 'PyPI',
  patterns: ['pdm.lock'],
  parse: (content, path) => parsePdmLock(content, path),
};
