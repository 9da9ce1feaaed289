/**
 * SPDX 2.x JSON SBOMs: packages whose externalRefs carry a PACKAGE-MANAGER purl.
 *
 * The described elements (DESCRIBES relationships, or `documentDescribes`) are the SBOM's
 * subject. A described package that has edges of its own (DEPENDS_ON, CONTAINS, or the reverse
 * DEPENDENCY_OF, CONTAINED_BY) is the root, not a package; the packages it reaches in one step
 * are direct. A described package with no edges is itself listed as a direct package (a document
 * that describes a set of libraries). Everything else is transitive.
 */
import { ParseError } from '../../model/errors.js';
import type { ExtractResult, Package } from '../../model/types.js';
import type { Extractor } from '../types.js';
import { jsonValueLines } from './cyclonedx-model.js';
import { packageFromPurl, SkipLog } from './purl-package.js';
import { array, obj, parseJson, str, type Json } from './json-values.js';

export interface SpdxRelationship {
  from: string;
  type: string;
  to: string;
}

/** The document, or a ParseError saying why it is not SPDX 2 JSON. */
export function readSpdxJson(content: string, path: string): Json {
  const root = obj(parseJson(content, path));
  if (root && root['@context'] !== undefined && root.spdxVersion === undefined) {
    throw new ParseError(path, 'SPDX 3 (JSON-LD) is not supported; give an SPDX 2.x JSON document');
  }
  if (!root || typeof root.spdxVersion !== 'string' || !root.spdxVersion.startsWith('SPDX-')) {
    throw new ParseError(path, 'not an SPDX JSON document: "spdxVersion" is missing');
  }
  return root;
}

export function spdxRelationships(root: Json): SpdxRelationship[] {
  const relationships = array(root.relationships).flatMap((entry) => {
    const r = obj(entry);
    const from = str(r?.spdxElementId);
    const type = str(r?.relationshipType);
    const to = str(r?.relatedSpdxElement);
    return from && type && to ? [{ from, type: type.toUpperCase(), to }] : [];
  });
  const documentId = str(root.SPDXID) ?? 'SPDXRef-DOCUMENT';
  for (const id of array(root.documentDescribes)) {
    if (typeof id === 'string') relationships.push({ from: documentId, type: 'DESCRIBES', to: id });
  }
  return relationships;
}

/** Ids the document describes (DESCRIBES from the document, DESCRIBED_BY to it). */
export function describedIds(root: Json, relationships: SpdxRelationship[]): string[] {
  const documentId = str(root.SPDXID) ?? 'SPDXRef-DOCUMENT';
  const ids = relationships.flatMap((r) => {
    if (r.type === 'DESCRIBES' && r.from === documentId) return [r.to];
    if (r.type === 'DESCRIBED_BY' && r.to === documentId) return [r.from];
    return [];
  });
  return [...new Set(ids)];
}

/** Edges as parent → child: what a package needs or holds. */
function edges(relationships: SpdxRelationship[]): { dependsOn: Map<string, string[]>; holds: Map<string, string[]> } {
  const dependsOn = new Map<string, string[]>();
  const holds = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, from: string, to: string) => {
    const list = map.get(from);
    if (list) list.push(to);
    else map.set(from, [to]);
  };
  for (const r of relationships) {
    if (r.type === 'DEPENDS_ON') add(dependsOn, r.from, r.to);
    else if (r.type === 'DEPENDENCY_OF') add(dependsOn, r.to, r.from);
    else if (r.type === 'CONTAINS') add(holds, r.from, r.to);
    else if (r.type === 'CONTAINED_BY') add(holds, r.to, r.from);
  }
  return { dependsOn, holds };
}

export function purlOfSpdxPackage(pkg: Json): string | undefined {
  for (const entry of array(pkg.externalRefs)) {
    const ref = obj(entry);
    const category = str(ref?.referenceCategory)?.replace('_', '-').toUpperCase();
    if (category === 'PACKAGE-MANAGER' && str(ref?.referenceType) === 'purl') {
      const locator = str(ref?.referenceLocator);
      if (locator) return locator;
    }
  }
  return undefined;
}

/** The described elements that have edges of their own: the document's subject(s). */
export function spdxRootIds(root: Json): string[] {
  const relationships = spdxRelationships(root);
  const { dependsOn, holds } = edges(relationships);
  return describedIds(root, relationships).filter((id) => dependsOn.has(id) || holds.has(id));
}

export function parseSpdxJson(content: string, path: string): ExtractResult {
  const root = readSpdxJson(content, path);
  const relationships = spdxRelationships(root);
  const { dependsOn, holds } = edges(relationships);
  const described = new Set(describedIds(root, relationships));
  const roots = new Set(spdxRootIds(root));
  const direct = new Set<string>();
  for (const id of roots) for (const child of [...(dependsOn.get(id) ?? []), ...(holds.get(id) ?? [])]) direct.add(child);
  for (const id of described) if (!roots.has(id)) direct.add(id);

  const idLines = jsonValueLines(content, 'SPDXID');
  const skips = new SkipLog();
  const byId = new Map<string, Package>();
  const packages: Package[] = [];
  for (const entry of array(root.packages)) {
    const spdxPackage = obj(entry);
    if (!spdxPackage) continue;
    const id = str(spdxPackage.SPDXID);
    if (id && roots.has(id)) continue;
    const name = str(spdxPackage.name) ?? '(unnamed)';
    const version = str(spdxPackage.versionInfo);
    const label = version ? `${name}@${version}` : name;
    const purl = purlOfSpdxPackage(spdxPackage);
    if (!purl) {
      skips.add('without a purl', label);
      continue;
    }
    const pkg = packageFromPurl(
      {
        purl,
        version,
        scope: 'runtime',
        direct: id !== undefined && direct.has(id),
        line: (id ? idLines.get(id)?.[0] : undefined) ?? 1,
        label,
      },
      path,
      skips,
    );
    if (!pkg) continue;
    packages.push(pkg);
    if (id) byId.set(id, pkg);
  }
  for (const [id, pkg] of byId) {
    const deps = (dependsOn.get(id) ?? []).flatMap((dep) => {
      const target = byId.get(dep);
      return target && target !== pkg ? [target.purl] : [];
    });
    if (deps.length > 0) pkg.dependsOn = [...new Set(deps)];
  }
  return { packages, warnings: skips.warnings(path) };
}

export const spdxJsonExtractor: Extractor = {
  id: 'sbom-input/spdx-json',
  ecosystem: 'Debian',
  mixedEcosystems: true,
  patterns: ['*.spdx.json'],
  parse: (content, path) => parseSpdxJson(content, path),
};
