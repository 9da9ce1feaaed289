/**
 * What an SBOM is of: its subject's name without tag or digest, so the pipeline can key an SBOM
 * target by it and a new image tag does not orphan the findings of the previous one.
 */
import { posix } from 'node:path';
import { ParseError } from '../../model/errors.js';
import { readCycloneDxJson } from './cyclonedx-json.js';
import { readCycloneDxXml } from './cyclonedx-xml.js';
import { obj, type Json } from './json-values.js';
import { readSpdxJson, spdxRootIds } from './spdx-json.js';

export interface SbomSubject {
  name: string;
  version?: string;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  const node = obj(value);
  return node && typeof node['#text'] === 'string' ? node['#text'].trim() || undefined : undefined;
}

/**
 * `ghcr.io/org/notebook:2024-05@sha256:ab…` → name `ghcr.io/org/notebook`, version `2024-05`
 * (the tag, else the digest). A registry port (`host:5000/img`) is not a tag: a tag's colon
 * comes after the last slash.
 */
export function splitImageReference(reference: string): SbomSubject {
  let name = reference.trim();
  let digest: string | undefined;
  let tag: string | undefined;
  const at = name.indexOf('@');
  if (at > 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
  }
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/') && colon > 0) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  const version = tag || digest;
  return version ? { name, version } : { name };
}

function fromComponent(name: string | undefined, version: string | undefined, group: string | undefined): SbomSubject | undefined {
  if (!name) return undefined;
  const split = splitImageReference(group ? `${group}/${name}` : name);
  // The component's own version field wins over a tag in its name.
  const chosen = version ?? split.version;
  return chosen ? { name: split.name, version: chosen } : { name: split.name };
}

/** The file name without its SBOM suffixes: the subject when the document names none. */
function fromPath(path: string): SbomSubject {
  const base = posix.basename(path.replace(/\\/g, '/'));
  return { name: base.replace(/(\.(cdx|spdx))?\.(json|xml)$/i, '') || base };
}

export function sbomSubject(content: string, path: string): SbomSubject {
  if (content.trimStart().startsWith('<')) {
    const bom = readCycloneDxXml(content, path);
    const metadata = obj(bom.metadata);
    const raw = metadata?.component;
    const component = obj(Array.isArray(raw) ? raw[0] : raw);
    return fromComponent(str(component?.name), str(component?.version), str(component?.group)) ?? fromPath(path);
  }
  let parsed: Json | undefined;
  try {
    parsed = obj(JSON.parse(content));
  } catch (error) {
    throw new ParseError(path, `not JSON or XML: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (parsed && 'spdxVersion' in parsed) {
    const root = readSpdxJson(content, path);
    // The described package that holds the others (an image, a repository); a document that
    // only describes a set of libraries is named by its own name.
    const roots = new Set(spdxRootIds(root));
    const packages = (Array.isArray(root.packages) ? root.packages : []).map(obj);
    const subject = packages.find((pkg) => pkg && roots.has(String(pkg.SPDXID)));
    return (
      fromComponent(str(subject?.name), str(subject?.versionInfo), undefined) ??
      fromComponent(str(root.name), undefined, undefined) ??
      fromPath(path)
    );
  }
  const root = readCycloneDxJson(content, path);
  const component = obj(obj(root.metadata)?.component);
  return fromComponent(str(component?.name), str(component?.version), str(component?.group)) ?? fromPath(path);
}
