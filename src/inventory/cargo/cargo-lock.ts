import { parse as parseToml } from 'smol-toml';
import { ParseError, errorMessage } from '../../model/errors.js';
import type { ExtractResult, Package } from '../../model/types.js';
import type { Extractor } from '../types.js';
import { gitSourceRef, purlMaker } from '../entry.js';

const purlAt = purlMaker('crates.io');

interface LockedPackage {
  name: string;
  version: string;
  source?: string;
  dependencies: string[];
  line: number;
}

/** Lines of the `[[package]]` headers, in order: smol-toml gives no positions. */
function packageHeaderLines(content: string): number[] {
  const lines: number[] = [];
  content.split('\n').forEach((text, index) => {
    if (/^\s*\[\[\s*package\s*\]\]\s*(#.*)?$/.test(text)) lines.push(index + 1);
  });
  return lines;
}

/**
 * A dependency reference: `name`, `name version` or `name version (source)` (v1 always writes all
 * three). Returns the name and version, if given.
 */
function splitReference(reference: string): { name: string; version?: string } {
  const [name = '', version] = reference.trim().split(/\s+/);
  return { name, version };
}

export function parseCargoLock(content: string, path: string): ExtractResult {
  let document: Record<string, unknown>;
  try {
    document = parseToml(content);
  } catch (error) {
    throw new ParseError(path, `not valid TOML: ${errorMessage(error).split('\n')[0]}`, { cause: error });
  }
  const rawPackages = document.package ?? [];
  if (!Array.isArray(rawPackages)) throw new ParseError(path, '"package" is not an array of tables ([[package]])');
  const headerLines = packageHeaderLines(content);

  const locked: LockedPackage[] = rawPackages.map((raw: unknown, index) => {
    if (typeof raw !== 'object' || raw === null) throw new ParseError(path, `package #${index + 1} is not a table`);
    const entry = raw as Record<string, unknown>;
    const line = headerLines.length === rawPackages.length ? headerLines[index]! : 1;
    if (typeof entry.name !== 'string' || typeof entry.version !== 'string') {
      throw new ParseError(path, `line ${line}: package #${index + 1} has no string name and version`);
    }
    const dependencies = entry.dependencies ?? [];
    if (!Array.isArray(dependencies) || dependencies.some((dep) => typeof dep !== 'string')) {
      throw new ParseError(path, `line ${line}: dependencies of ${entry.name} are not a list of strings`);
    }
    return {
      name: entry.name,
      version: entry.version,
      source: typeof entry.source === 'string' ? entry.source : undefined,
      dependencies: dependencies as string[],
      line,
    };
  });

  // By name and by name + version: a look-up per reference, however many versions a name has.
  const byName = new Map<string, LockedPackage[]>();
  const byNameVersion = new Map<string, LockedPackage>();
  for (const pkg of locked) {
    const list = byName.get(pkg.name);
    if (list) list.push(pkg);
    else byName.set(pkg.name, [pkg]);
    const key = `${pkg.name} ${pkg.version}`;
    if (!byNameVersion.has(key)) byNameVersion.set(key, pkg);
  }
  const resolve = (reference: string): LockedPackage | undefined => {
    const { name, version } = splitReference(reference);
    if (version !== undefined) return byNameVersion.get(`${name} ${version}`);
    // Cargo writes a bare name only when one version of it is locked.
    const candidates = byName.get(name) ?? [];
    return candidates.length === 1 ? candidates[0] : undefined;
  };

  // Packages without a source are the workspace's own crates: what they depend on is direct.
  const members = locked.filter((pkg) => pkg.source === undefined);
  const direct = new Set<LockedPackage>();
  for (const member of members) {
    for (const reference of member.dependencies) {
      const target = resolve(reference);
      if (target) direct.add(target);
    }
  }
  const dependedOn = new Set<LockedPackage>();
  for (const pkg of locked) for (const reference of pkg.dependencies) {
    const target = resolve(reference);
    if (target) dependedOn.add(target);
  }

  const warnings: string[] = [];
  const packages: Package[] = [];
  const purlOf = (pkg: LockedPackage): string => purlAt(path, pkg.line, pkg.name, pkg.version);
  const seen = new Set<string>();
  for (const pkg of locked) {
    const key = `${pkg.name}@${pkg.version}@${pkg.source ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const dependsOn = pkg.dependencies.map(resolve).filter((dep): dep is LockedPackage => dep !== undefined);
    const entry: Package = {
      ecosystem: 'crates.io',
      name: pkg.name,
      version: pkg.version,
      purl: purlOf(pkg),
      // Workspace members are the project itself; path dependencies are what members name.
      direct: pkg.source === undefined ? members.length === 1 || direct.has(pkg) || !dependedOn.has(pkg) : direct.has(pkg),
      scope: 'runtime',
      location: { path, line: pkg.line },
      dependsOn: [...new Set(dependsOn.map(purlOf))],
    };
    // No source: a workspace member or a path dependency, the project's own code. Listed, not matched.
    if (pkg.source === undefined) entry.source = 'local';
    else if (pkg.source.startsWith('git+')) {
      entry.source = 'git';
      entry.sourceRef = gitSourceRef(pkg.source.slice('git+'.length));
    } else if (!pkg.source.startsWith('registry+') && !pkg.source.startsWith('sparse+')) {
      warnings.push(`${path}:${pkg.line}: ${pkg.name} ${pkg.version} has an unknown source "${pkg.source}"; matched as a registry package`);
    }
    packages.push(entry);
  }
  return { packages, warnings };
}

export const cargoLockExtractor: Extractor = {
  id: 'cargo/cargo-lock',
  ecosystem: 'crates.io',
  patterns: ['Cargo.lock'],
  parse: (content, path) => parseCargoLock(content, path),
};
