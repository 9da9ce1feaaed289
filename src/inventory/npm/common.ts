import type { DependencyScope, Package } from '../../model/types.js';
import { purlFor } from '../../model/purl.js';

/** The scope that wins when one name@version is reached several ways: runtime beats optional beats dev. */
const SCOPE_RANK: Record<DependencyScope, number> = { runtime: 2, optional: 1, dev: 0 };

export function widerScope(a: DependencyScope, b: DependencyScope): DependencyScope {
  return SCOPE_RANK[a] >= SCOPE_RANK[b] ? a : b;
}

export interface NpmPackageInput {
  name: string;
  version: string;
  direct: boolean;
  scope: DependencyScope;
  line: number;
  alias?: string;
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
    const key = NpmPackageSet.keyOf(input.name, input.version);
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
      purl: purlFor('npm', input.name, input.version),
      direct: input.direct,
      scope: input.scope,
      location: { path: this.path, line: input.line },
    };
    if (input.alias !== undefined && input.alias !== input.name) pkg.alias = input.alias;
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
    const result = [...this.byKey.entries()].map(([key, pkg]) => {
      if (withEdges) {
        const targets = this.edges.get(key);
        pkg.dependsOn = targets
          ? [...targets.keys()].flatMap((target) => {
              const dep = this.byKey.get(target);
              return dep ? [dep.purl] : [];
            }).sort()
          : [];
      }
      return pkg;
    });
    return result.sort((a, b) => a.location.line - b.location.line || a.purl.localeCompare(b.purl));
  }
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
export function isRegistryVersion(version: string): boolean {
  return version.length > 0 && version.length <= 256 && !/[:/#\s]/.test(version);
}
