/**
 * `poetry.lock`: `[[package]]` tables with name, version, `category` (lock format 1.x) or
 * `groups` (2.x), `optional`, a `[package.source]` and `[package.dependencies]` (edges, by name).
 *
 * Direct or transitive: poetry.lock does not record the project's own dependencies (those live in
 * pyproject.toml). Sieve derives what the lock does allow: a package no other locked package
 * depends on must be a direct dependency; every other one is reported transitive (false), which
 * is what an unknown resolves to (see markRootsDirect).
 */
import type { Extractor } from '../types.js';
import type { DependencyScope, ExtractResult, Package } from '../../model/types.js';
import {
  byName,
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

const FORMAT = 'poetry.lock';

export function parsePoetryLock(content: string, path: string): ExtractResult {
  if (isEmptyText(content)) return { packages: [], warnings: [`${path}: file is empty`] };
  const { entries } = readTomlEntries(content, path, FORMAT, 'package');
  const warnings: string[] = [];
  const packages: Package[] = [];
  const dependencyNames: string[][] = [];

  forEachNamedEntry(entries, path, warnings, (entry, name, line) => {
    const version = stringField(entry, 'version');
    const source = isTable(entry.source) ? entry.source : undefined;
    const sourceType = source ? stringField(source, 'type') : undefined;
    if (sourceType === 'directory' || sourceType === 'file') {
      warnings.push(`${path}:${line}: ${name} comes from a local ${sourceType} (${stringField(source ?? {}, 'url') ?? '?'}), skipped`);
      return;
    }
    if (!version) {
      warnings.push(`${path}:${line}: ${name} has no version, reported unpinned`);
    }
    const pkg = makePackage({
      name,
      version: version ?? '',
      direct: false,
      scope: scopeOf(entry),
      path,
      line,
      unpinned: !version,
    });
    packages.push(pkg);
    dependencyNames.push(isTable(entry.dependencies) ? Object.keys(entry.dependencies) : []);
  });

  const index = byName(packages);
  packages.forEach((pkg, position) => {
    const edges = (dependencyNames[position] ?? []).flatMap((dep) => resolveEdge(index, dep));
    setDependsOn(pkg, edges);
  });
  markRootsDirect(packages);
  return lockResult(packages, warnings);
}

/**
 * Lock 1.x: category "dev" → dev. Lock 2.x: groups without "main" → dev (every other poetry group
 * is a development group). `optional = true` means only an extra pulls it in → optional.
 */
function scopeOf(entry: Record<string, unknown>): DependencyScope {
  const category = stringField(entry, 'category');
  const groups = stringArrayField(entry, 'groups');
  const isDev = category === 'dev' || (groups.length > 0 && !groups.includes('main'));
  if (isDev) return 'dev';
  return entry.optional === true ? 'optional' : 'runtime';
}

export const poetryLockExtractor: Extractor = {
  id: 'pypi/poetry-lock',
  ecosystem: 'PyPI',
  patterns: ['poetry.lock'],
  parse: (content, path) => parsePoetryLock(content, path),
};
