/**
 * PEP 751 `pylock.toml` / `pylock.<name>.toml`: `[[packages]]` with name, version and one source
 * (`index`/`wheels`/`sdist`, `archive`, `vcs` or `directory`), optional `dependencies`
 * (`{ name, version? }`) and a `marker`.
 *
 * `vcs` and `directory` entries are skipped with a warning: they name a checkout, not a released
 * version that advisories could speak of.
 * Scope comes from the marker: a package whose marker names a default dependency group (or no
 * group and no extra) is runtime; one pulled in only by extras is optional; one only by
 * non-default dependency groups is dev.
 * Direct: when the lock records edges, a package nothing depends on is direct (markRootsDirect);
 * without any edges there is nothing to derive from and every package is reported transitive.
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
  readTomlEntries,
  resolveEdge,
  setDependsOn,
  stringArrayField,
  stringField,
} from './common.js';

import { gitSourceRef } from '../entry.js';

const FORMAT = 'pylock.toml';

export function parsePylock(content: string, path: string): ExtractResult {
  if (isEmptyText(content)) return { packages: [], warnings: [`${path}: file is empty`] };
  const { doc, entries } = readTomlEntries(content, path, FORMAT, 'packages');
  const defaultGroups = new Set(stringArrayField(doc, 'default-groups'));
  const warnings: string[] = [];
  const packages: Package[] = [];
  const edgesOf = new Map<Package, DependencyRef[]>();
  let recordsEdges = false;

  forEachNamedEntry(entries, path, warnings, (entry, name, line) => {
    if (Array.isArray(entry.dependencies)) recordsEdges = true;
    const version = stringField(entry, 'version') ?? '';
    // A checkout of a commit or a local folder: listed, never matched against index advisories.
    const vcs = isTable(entry.vcs) ? entry.vcs : undefined;
    const directory = isTable(entry.directory) ? entry.directory : undefined;
    const foreign = vcs !== undefined || directory !== undefined || entry.vcs !== undefined || entry.directory !== undefined;
    if (!version && !foreign) warnings.push(`${path}:${line}: ${name} has no version, reported unpinned`);
    const pkg = makePackage({
      name,
      version,
      direct: false,
      scope: scopeOf(stringField(entry, 'marker'), defaultGroups),
      path,
      line,
      unpinned: !version && !foreign,
    });
    if (foreign) {
      pkg.source = vcs !== undefined || entry.vcs !== undefined ? 'git' : 'local';
      const url = vcs ? stringField(vcs, 'url') : undefined;
      const commit = vcs ? stringField(vcs, 'commit-id') : undefined;
      const ref = vcs ? (url && gitSourceRef(commit ? `${url}#${commit}` : url)) : directory ? stringField(directory, 'path') : undefined;
      if (ref) pkg.sourceRef = ref;
    }
    packages.push(pkg);
    edgesOf.set(pkg, dependencyRefs(entry.dependencies));
  });

  const index = byName(packages);
  for (const pkg of packages) {
    const edges = (edgesOf.get(pkg) ?? []).flatMap((ref) => resolveEdge(index, ref.name, ref.version));
    setDependsOn(pkg, edges);
  }
  if (recordsEdges) markRootsDirect(packages);
  return lockResult(packages, warnings);
}

function scopeOf(marker: string | undefined, defaultGroups: Set<string>): DependencyScope {
  if (!marker) return 'runtime';
  const groups = [...marker.matchAll(/["']([^"']+)["']\s+in\s+dependency_groups/g)].map((match) => match[1] ?? '');
  const extras = [...marker.matchAll(/["']([^"']+)["']\s+in\s+extras/g)].map((match) => match[1] ?? '');
  if (groups.length === 0 && extras.length === 0) return 'runtime';
  if (groups.some((group) => defaultGroups.has(group))) return 'runtime';
  if (extras.length > 0) return 'optional';
  return 'dev';
}

export const pylockExtractor: Extractor = {
  id: 'pypi/pylock',
  ecosystem: 'PyPI',
  patterns: ['pylock.toml', 'pylock.*.toml'],
  parse: (content, path) => parsePylock(content, path),
};
