import type { DependencyScope, Package, PackageSource } from '../../model/types.js';
import { purlFor } from '../../model/purl.js';
import { gitSourceRef, purlAt } from '../entry.js';

/** The scope that wins when one name@version is reached several ways: runtime beats optional beats dev. */
const SCOPE_RANK: Record<DependencyScope, number> = { runtime: 2, optional: 1, dev: 0 };

export function widerScope(a: DependencyScope, b: DependencyScope): DependencyScope {
  return SCOPE_RANK[a] >= SCOPE_RANK[b] ? a : b;
}

/** Names and versions made of characters a purl never encodes (npm names are lowercase). */
const PLAIN_NAME = /^(?:@[a-z0-9._~-]+\/)?[a-z0-9._~-]+$/;
const PLAIN_VERSION = /^[A-Za-z0-9.+_~-]+$/;

/**
 * The npm purl of name@version. packageurl-js costs about 2 µs a call, 20+ ms for a
 * 10,000-package lockfile; for the usual plain names and versions the purl is a concatenation
 * (only the scope's `@` is encoded), so that case is written here and every other goes to purlFor
 * (with `at`, a refused name or version is a ParseError at that file and line).
 */
export function npmPurl(name: string, version: string, at?: { path: string; line: number }): string {
  if (PLAIN_NAME.test(name) && PLAIN_VERSION.test(version)) {
    return name.charCodeAt(0) === 64 /* @ */ ? `pkg:npm/%40${name.slice(1)}@${version}` : `pkg:npm/${name}@${version}`;
  }
  return at ? purlAt('npm', at.path, at.line, name, version) : purlFor('npm', name, version);
}

export interface NpmPackageInput {
  name: string;
  version: string;
  direct: boolean;
  scope: DependencyScope;
  line: number;
  alias?: string;
  /** Not from the registry: a workspace or `file:`/`link:` folder, or a git dependency. */
  source?: Exclude<PackageSource, 'registry'>;
  sourceRef?: string;
}

/**
 * Collects packages keyed by name@version: the same package installed at several paths is
 * reported once, at its first line, direct if any copy is direct, with the widest scope.
 */
export class NpmPackageSet {
  private readonly byKey = new Map<string, Package>();
  /** from → to → whether the dependency is optional */
  private readonly edges = new Map<string, Map<string, boolean>>();

  constructor(private readonly path: string) {}

  static keyOf(name: string, version: string): string {
    return `${name}@${version}`;
  }

  /** Adds (or merges into) name@version and returns its key. */
  add(input: NpmPackageInput): string {
    // A local or git copy is another package than the registry's of the same name@version.
    const key = NpmPackageSet.keyOf(input.name, input.version) + (input.source ? `#${input.source}:${input.sourceRef ?? ''}` : '');
    const existing = this.byKey.get(key);
    if (existing) {
      existing.direct ||= input.direct;
      existing.scope = widerScope(existing.scope, input.scope);
      if (input.line < existing.location.line) {
        existing.location = { path: this.path, line: input.line };
        if (input.alias !== undefined) existing.alias = input.alias;
        else delete existing.alias;
      }
      return key;
    }
    const pkg: Package = {
      ecosystem: 'npm',
      name: input.name,
      version: input.version,
      purl: npmPurl(input.name, input.version, { path: this.path, line: input.line }),
      direct: input.direct,
      scope: input.scope,
      location: { path: this.path, line: input.line },
    };
    if (input.alias !== undefined && input.alias !== input.name) pkg.alias = input.alias;
    if (input.source) pkg.source = input.source;
    if (input.sourceRef) pkg.sourceRef = input.source === 'git' ? gitSourceRef(input.sourceRef) : input.sourceRef;
    this.byKey.set(key, pkg);
    return key;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): Package | undefined {
    return this.byKey.get(key);
  }

  addEdge(fromKey: string, toKey: string, optional = false): void {
    if (fromKey === toKey) return;
    let targets = this.edges.get(fromKey);
    if (!targets) {
      targets = new Map();
      this.edges.set(fromKey, targets);
    }
    // a dependency required on one path is required, whatever the other paths say
    targets.set(toKey, (targets.get(toKey) ?? true) && optional);
  }

  /**
   * Sets each package's scope from how it is reached: runtime from runtime roots over required
   * edges; optional from optional roots or over an optional edge; dev from dev roots only. The
   * widest scope wins. Packages no root reaches keep theirs.
   */
  propagateScopes(roots: ReadonlyMap<string, DependencyScope>): void {
    const seen = new Set<string>();
    const optionalFrontier: string[] = [];
    const walk = (scope: DependencyScope, start: string[]): void => {
      const queue = start.filter((key) => !seen.has(key));
      for (const key of queue) seen.add(key);
      for (let i = 0; i < queue.length; i++) {
        const key = queue[i] as string;
        const pkg = this.byKey.get(key);
        if (pkg) pkg.scope = scope;
        for (const [next, optional] of this.edges.get(key) ?? []) {
          if (seen.has(next)) continue;
          if (scope === 'runtime' && optional) {
            optionalFrontier.push(next);
            continue;
          }
          seen.add(next);
          queue.push(next);
        }
      }
    };
    const rootsOf = (scope: DependencyScope) => [...roots].filter(([, s]) => s === scope).map(([key]) => key);
    walk('runtime', rootsOf('runtime'));
    walk('optional', [...rootsOf('optional'), ...optionalFrontier]);
    walk('dev', rootsOf('dev'));
  }

  /** The packages in file order, with dependsOn filled from the recorded edges. */
  packages(withEdges: boolean): Package[] {
    const result: Package[] = [];
    let sorted = true;
    let previous: Package | undefined;
    for (const [key, pkg] of this.byKey) {
      if (withEdges) {
        const targets = this.edges.get(key);
        const dependsOn: string[] = [];
        if (targets) {
          for (const target of targets.keys()) {
            const dep = this.byKey.get(target);
            if (dep) dependsOn.push(dep.purl);
          }
          dependsOn.sort();
        }
        pkg.dependsOn = dependsOn;
      }
      if (previous && compareByLine(previous, pkg) > 0) sorted = false;
      previous = pkg;
      result.push(pkg);
    }
    // packages usually arrive in file order already
    return sorted ? result : result.sort(compareByLine);
  }
}

function compareByLine(a: Package, b: Package): number {
  return a.location.line - b.location.line || a.purl.localeCompare(b.purl);
}

/**
 * Splits `name@range` (the name may be scoped: `@scope/name@^1.0.0`) at the range's `@`.
 * Returns undefined when there is no range part.
 */
export function splitNameVersion(spec: string): { name: string; range: string } | undefined {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  if (at <= 0) return undefined;
  return { name: spec.slice(0, at), range: spec.slice(at + 1) };
}

/**
 * True for a version a registry could have published; false for git URLs, tarball URLs,
 * `file:`/`link:` paths and the like, which name a source rather than a version.
 */
/** A `resolved`/version that names a git repository (npm, yarn and bun spell it these ways). */
export function isGitSpec(spec: string): boolean {
  return /^(git\+|git:|github:|gitlab:|bitbucket:|gist:)/.test(spec) || /^[\w.-]+\/[\w.-]+#/.test(spec);
}

export function isRegistryVersion(version: string): boolean {
  return version.length > 0 && version.length <= 256 && !/[:/#\s]/.test(version);
}
