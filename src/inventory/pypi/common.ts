/**
 * Helpers shared by the Python extractors: PEP 503 names, purls, TOML reading with a ParseError
 * that names the file, line lookup for TOML array-of-tables entries, and graph helpers.
 */
import { parse as parseTomlText, TomlError } from 'smol-toml';
import { ParseError } from '../../model/errors.js';
import { purlAt } from '../entry.js';
import type { DependencyScope, ExtractResult, Package } from '../../model/types.js';

/** PEP 503: lowercase, and every run of `-`, `_`, `.` becomes one `-`. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
}

/** A project name per PEP 508 (letters/digits, inner `-_.`). */
export const NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** The leading distribution name of a PEP 508 requirement string (`foo[x]>=1; marker` → `foo`). */
export function requirementName(requirement: string): string | undefined {
  const match = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/.exec(requirement);
  return match?.[1];
}

export interface PackageInput {
  name: string;
  version: string;
  direct: boolean;
  scope: DependencyScope;
  path: string;
  line: number;
  unpinned?: boolean;
}

export function makePackage(input: PackageInput): Package {
  const name = normalizeName(input.name);
  const pkg: Package = {
    ecosystem: 'PyPI',
    name,
    version: input.version,
    purl: purlAt('PyPI', input.path, input.line, name, input.version),
    direct: input.direct,
    scope: input.scope,
    location: { path: input.path, line: input.line },
  };
  if (input.unpinned) pkg.unpinned = true;
  return pkg;
}

export type TomlTable = Record<string, unknown>;

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function isEmptyText(content: string): boolean {
  return content.trim() === '';
}

/** Parses TOML, turning the library's error into a ParseError that names the file and line. */
export function parseToml(content: string, path: string, format: string): TomlTable {
  try {
    return parseTomlText(content) as TomlTable;
  } catch (error) {
    if (error instanceof TomlError) {
      const first = error.message.split('\n')[0] ?? 'invalid TOML';
      throw new ParseError(path, `not a valid ${format} (TOML error at line ${error.line}: ${first})`, { cause: error });
    }
    throw new ParseError(path, `not a valid ${format}: ${String(error)}`, { cause: error });
  }
}

/** The array of tables under `key`, or a ParseError when it is something else. */
export function tableArray(doc: TomlTable, key: string, path: string, format: string): TomlTable[] {
  const value = doc[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isTable)) {
    throw new ParseError(path, `not a valid ${format}: "${key}" must be an array of tables`);
  }
  return value;
}

/** A `[[key]]` table of a TOML lockfile with its 1-based line (see entryLines). */
export interface LockEntry {
  entry: TomlTable;
  name: string | undefined;
  line: number;
}

/** Parses a TOML lockfile and lists its `[[key]]` tables, each with its line. */
export function readTomlEntries(content: string, path: string, format: string, key: string): { doc: TomlTable; entries: LockEntry[] } {
  const doc = parseToml(content, path, format);
  const tables = tableArray(doc, key, path, format);
  const lines = entryLines(
    content,
    key,
    tables.map((entry) => stringField(entry, 'name')),
  );
  return { doc, entries: tables.map((entry, index) => ({ entry, name: stringField(entry, 'name'), line: lines[index] ?? 1 })) };
}

/** Visits the entries in order; one without a name is skipped with a warning, in its place among the others. */
export function forEachNamedEntry(entries: readonly LockEntry[], path: string, warnings: string[], visit: (entry: TomlTable, name: string, line: number) => void): void {
  for (const { entry, name, line } of entries) {
    if (!name) {
      warnings.push(`${path}:${line}: package entry without a name, skipped`);
      continue;
    }
    visit(entry, name, line);
  }
}

/** A dependency as uv.lock and pylock.toml write it: a name and, where several are locked, the version. */
export interface DependencyRef {
  name: string;
  version?: string;
}

/** The `{ name, version? }` tables of a lockfile's dependency list; anything else in it is left out. */
export function dependencyRefs(value: unknown): DependencyRef[] {
  if (!Array.isArray(value)) return [];
  const refs: DependencyRef[] = [];
  for (const item of value) {
    if (!isTable(item)) continue;
    const name = stringField(item, 'name');
    if (!name) continue;
    const version = stringField(item, 'version');
    refs.push(version === undefined ? { name } : { name, version });
  }
  return refs;
}

/** The extractor result, with `warnings` only when there are some. */
export function lockResult(packages: Package[], warnings: string[]): ExtractResult {
  return warnings.length > 0 ? { packages, warnings } : { packages };
}

export function stringField(table: TomlTable, key: string): string | undefined {
  const value = table[key];
  return typeof value === 'string' ? value : undefined;
}

export function stringArrayField(table: TomlTable, key: string): string[] {
  const value = table[key];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * Finds the 1-based line of each `[[header]]` entry's `name = ...` key by a text scan, since the
 * TOML library gives no positions. Skips multi-line strings and sub-tables (`[header.x]`), so a
 * `name = ` inside a description or a `[package.tool]` table is not taken. Falls back to a plain
 * search for the name's text (inline-array form `packages = [{ name = ... }]`) and then to line 1.
 */
export function entryLines(content: string, header: string, names: readonly (string | undefined)[]): number[] {
  const lines = content.split(/\r?\n/);
  const headerRe = new RegExp(`^\\s*\\[\\[\\s*${header.replace(/[.]/g, '\\.')}\\s*\\]\\]\\s*(#.*)?$`);
  const anyHeaderRe = /^\s*\[/;
  const nameRe = /^\s*name\s*=/;
  const blocks: { header: number; name?: number }[] = [];
  let inBlockTable = false;
  let multiline: '"""' | "'''" | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (multiline) {
      if (countOf(line, multiline) % 2 === 1) multiline = undefined;
      continue;
    }
    if (headerRe.test(line)) {
      blocks.push({ header: index + 1 });
      inBlockTable = true;
    } else if (anyHeaderRe.test(line)) {
      inBlockTable = false;
    } else if (inBlockTable && nameRe.test(line)) {
      const block = blocks[blocks.length - 1];
      if (block && block.name === undefined) block.name = index + 1;
    }
    for (const quote of ['"""', "'''"] as const) {
      if (countOf(line, quote) % 2 === 1) {
        multiline = quote;
        break;
      }
    }
  }
  if (blocks.length === names.length) return blocks.map((block) => block.name ?? block.header);
  // Inline form: each name is its next `name = "..."` after the previous hit. One pass lists them
  // by value (never a RegExp built from file content); each is passed over at most once.
  const byValue = new Map<string, { lines: number[]; next: number }>();
  const assignment = /name\s*=\s*["']([^"']*)["']/g;
  lines.forEach((line, index) => {
    for (const match of line.matchAll(assignment)) {
      const value = match[1] as string;
      const seen = byValue.get(value);
      if (seen) seen.lines.push(index);
      else byValue.set(value, { lines: [index], next: 0 });
    }
  });
  const result: number[] = [];
  let from = 0;
  for (const name of names) {
    let found = 0;
    const seen = name === undefined ? undefined : byValue.get(name);
    if (seen) {
      while (seen.next < seen.lines.length && (seen.lines[seen.next] as number) < from) seen.next++;
      const index = seen.lines[seen.next];
      if (index !== undefined) {
        seen.next++;
        found = index + 1;
        from = index + 1;
      }
    }
    result.push(found || 1);
  }
  return result;
}

function countOf(text: string, needle: string): number {
  let count = 0;
  let at = text.indexOf(needle);
  while (at !== -1) {
    count++;
    at = text.indexOf(needle, at + needle.length);
  }
  return count;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A lockfile holds the closure of the project's own dependencies, so a locked package that no
 * other locked package depends on can only be there because the project asks for it: direct.
 * One that some package depends on may still be direct too; lockfiles without a root entry do not
 * say, and Sieve then reports it as transitive (false) rather than guess.
 */
export function markRootsDirect(packages: Package[]): void {
  const dependedOn = new Set<string>();
  for (const pkg of packages) for (const purl of pkg.dependsOn ?? []) if (purl !== pkg.purl) dependedOn.add(purl);
  for (const pkg of packages) pkg.direct = !dependedOn.has(pkg.purl);
}

/** Index of locked packages by normalised name, to turn a dependency name into purls. */
export function byName(packages: readonly Package[]): Map<string, Package[]> {
  const index = new Map<string, Package[]>();
  for (const pkg of packages) {
    const list = index.get(pkg.name);
    if (list) list.push(pkg);
    else index.set(pkg.name, [pkg]);
  }
  return index;
}

/**
 * purls of the locked packages a dependency name points at. When the name is locked at several
 * versions (different markers) and no version is given, every one is an edge: the lockfile does
 * not say which environment applies.
 */
export function resolveEdge(index: Map<string, Package[]>, name: string, version?: string): string[] {
  const candidates = index.get(normalizeName(name)) ?? [];
  const exact = version === undefined ? [] : candidates.filter((pkg) => pkg.version === version);
  return (exact.length > 0 ? exact : candidates).map((pkg) => pkg.purl);
}

/** Sets `dependsOn` to the sorted, distinct edges, leaving out self-edges (pdm's extras entries). */
export function setDependsOn(pkg: Package, edges: Iterable<string>): void {
  const distinct = [...new Set(edges)].filter((purl) => purl !== pkg.purl).sort();
  if (distinct.length > 0) pkg.dependsOn = distinct;
}
