/**
 * Inventory → CycloneDX model (@cyclonedx/cyclonedx-library). The spec version (1.6) is chosen
 * when serializing (serialize.ts); this file only builds the model, deterministically: the same
 * input gives the same model, and the serial number is derived from the target, not random.
 */
import { createHash } from 'node:crypto';
import { Enums, Models } from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import type { DependencyScope, Package, SourceLocation } from '../model/types.js';

export type Bom = Models.Bom;

export interface BomInput {
  target: { name: string; repo?: string; ref?: string; commit?: string };
  packages: Package[];
  timestamp: Date;
  toolVersion: string;
}

/** Property names Sieve writes on components and on the target. */
export const SIEVE_PROPERTIES = {
  commit: 'sieve:commit',
  ref: 'sieve:ref',
  direct: 'sieve:direct',
  scope: 'sieve:scope',
  location: 'sieve:location',
  unpinned: 'sieve:unpinned',
  ecosystem: 'sieve:ecosystem',
  /** `local` or `git`: not from the registry, so not matched against its advisories. */
  source: 'sieve:source',
  /** The local path or git repository as the file writes it (a git URL is also an externalReference). */
  sourceRef: 'sieve:source-ref',
  /** The version is the lower bound of this declared range, not a resolved version. */
  declaredRange: 'sieve:declared-range',
} as const;

/** One purl's merged view: the same package can be found in several files or lockfiles. */
interface Merged {
  purl: string;
  pkg: Package;
  direct: boolean;
  scope: DependencyScope;
  unpinned: boolean;
  locations: SourceLocation[];
  dependsOn: Set<string>;
}

/** runtime wins over optional wins over dev: a package needed at run time anywhere is needed. */
const SCOPE_RANK: Record<DependencyScope, number> = { runtime: 2, optional: 1, dev: 0 };

const CDX_SCOPE: Record<DependencyScope, Enums.ComponentScope> = {
  runtime: Enums.ComponentScope.Required,
  optional: Enums.ComponentScope.Optional,
  dev: Enums.ComponentScope.Excluded,
};

export function buildBom(input: BomInput): Bom {
  const merged = mergeByPurl(input.packages);

  const bom = new Models.Bom({ serialNumber: serialNumberFor(input, [...merged.keys()]) });
  bom.metadata.timestamp = input.timestamp;
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, 'Sieve', {
      version: input.toolVersion,
      bomRef: 'sieve-tool',
    }),
  );

  const target = new Models.Component(Enums.ComponentType.Application, input.target.name, {
    // Version of a repository is the commit it was scanned at (DESIGN: always say which commit).
    version: input.target.commit,
    bomRef: `sieve-target:${input.target.name}`,
  });
  if (input.target.repo) {
    target.externalReferences.add(new Models.ExternalReference(input.target.repo, Enums.ExternalReferenceType.VCS));
  }
  if (input.target.commit) target.properties.add(new Models.Property(SIEVE_PROPERTIES.commit, input.target.commit));
  if (input.target.ref) target.properties.add(new Models.Property(SIEVE_PROPERTIES.ref, input.target.ref));
  bom.metadata.component = target;

  const components = new Map<string, Models.Component>();
  for (const entry of merged.values()) {
    const component = componentFor(entry);
    components.set(entry.purl, component);
    bom.components.add(component);
  }

  for (const entry of merged.values()) {
    const component = components.get(entry.purl);
    if (!component) continue;
    if (entry.direct) target.dependencies.add(component.bomRef);
    for (const dep of entry.dependsOn) {
      const other = components.get(dep);
      // Edges to packages that are not in the inventory are dropped: a dangling ref is invalid CycloneDX.
      if (other && other !== component) component.dependencies.add(other.bomRef);
    }
  }
  return bom;
}

function mergeByPurl(packages: readonly Package[]): Map<string, Merged> {
  const byPurl = new Map<string, Merged>();
  for (const pkg of packages) {
    const existing = byPurl.get(pkg.purl);
    if (!existing) {
      byPurl.set(pkg.purl, {
        purl: pkg.purl,
        pkg,
        direct: pkg.direct,
        scope: pkg.scope,
        unpinned: pkg.unpinned === true,
        locations: [pkg.location],
        dependsOn: new Set(pkg.dependsOn ?? []),
      });
      continue;
    }
    existing.direct ||= pkg.direct;
    if (SCOPE_RANK[pkg.scope] > SCOPE_RANK[existing.scope]) existing.scope = pkg.scope;
    existing.unpinned ||= pkg.unpinned === true;
    existing.locations.push(pkg.location);
    for (const dep of pkg.dependsOn ?? []) existing.dependsOn.add(dep);
  }
  return byPurl;
}

function componentFor(entry: Merged): Models.Component {
  const { group, name } = splitPurl(entry.purl, entry.pkg.name);
  const component = new Models.Component(Enums.ComponentType.Library, name, {
    bomRef: entry.purl,
    group,
    version: entry.pkg.version || undefined,
    purl: entry.purl,
    scope: CDX_SCOPE[entry.scope],
  });
  const props = component.properties;
  props.add(new Models.Property(SIEVE_PROPERTIES.direct, String(entry.direct)));
  props.add(new Models.Property(SIEVE_PROPERTIES.ecosystem, entry.pkg.ecosystem));
  if (entry.scope === 'dev') props.add(new Models.Property(SIEVE_PROPERTIES.scope, 'dev'));
  if (entry.unpinned) props.add(new Models.Property(SIEVE_PROPERTIES.unpinned, 'true'));
  if (entry.pkg.declaredRange) props.add(new Models.Property(SIEVE_PROPERTIES.declaredRange, entry.pkg.declaredRange));
  if (entry.pkg.source === 'local' || entry.pkg.source === 'git') {
    props.add(new Models.Property(SIEVE_PROPERTIES.source, entry.pkg.source));
    const ref = entry.pkg.sourceRef;
    if (ref) props.add(new Models.Property(SIEVE_PROPERTIES.sourceRef, ref));
    // scp-like `git@host:path` is no URL: CycloneDX wants an IRI there, so it stays a property only.
    if (ref && entry.pkg.source === 'git' && URL.canParse(ref)) {
      component.externalReferences.add(new Models.ExternalReference(ref, Enums.ExternalReferenceType.VCS));
    }
  }
  // The library (10.x) has no evidence.occurrences model, so locations are properties.
  const seen = new Set<string>();
  for (const location of entry.locations) {
    const text = `${location.path}#L${location.line}`;
    if (seen.has(text)) continue;
    seen.add(text);
    props.add(new Models.Property(SIEVE_PROPERTIES.location, text));
  }
  return component;
}

/** group/name as the purl splits them (Maven groupId, npm scope, Go module path prefix). */
function splitPurl(purl: string, fallbackName: string): { group?: string; name: string } {
  try {
    const parsed = PackageURL.fromString(purl);
    return { group: parsed.namespace ?? undefined, name: parsed.name };
  } catch {
    return { name: fallbackName };
  }
}

/**
 * A stable `urn:uuid:` for the target at its commit (or, without a commit, for its package set).
 * UUIDv5-style (SHA-1, RFC 9562 §5.5) by hand: node:crypto only makes random UUIDs, and a
 * dependency for ten lines is not worth it.
 */
function serialNumberFor(input: BomInput, purls: string[]): string {
  const hash = createHash('sha1');
  hash.update('sieve-sbom\0');
  hash.update(`${input.target.name}\0${input.target.repo ?? ''}\0${input.target.ref ?? ''}\0`);
  if (input.target.commit) hash.update(`commit\0${input.target.commit}`);
  else hash.update(`packages\0${[...purls].sort().join('\n')}`);
  const bytes = hash.digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
