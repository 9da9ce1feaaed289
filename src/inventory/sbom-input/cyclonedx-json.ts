/**
 * CycloneDX JSON SBOMs (e.g. of container images): packages from components with a purl, nested
 * components included. Direct = a dependency of the metadata component in the dependency graph.
 */
import { ParseError } from '../../model/errors.js';
import type { ExtractResult } from '../../model/types.js';
import { INPUT_LIMITS } from '../limits.js';
import type { Extractor } from '../types.js';
import { jsonValueLines, packagesFromCdx } from './cyclonedx-model.js';
import type { CdxComponent, CdxDocument } from './cyclonedx-model.js';
import { array, obj, parseJson, str, type Json } from './json-values.js';

/** The document as JSON, or a ParseError saying why it is not CycloneDX JSON. */
export function readCycloneDxJson(content: string, path: string): Json {
  const root = obj(parseJson(content, path));
  if (!root || root.bomFormat !== 'CycloneDX') {
    throw new ParseError(path, 'not a CycloneDX JSON document: "bomFormat" is not "CycloneDX"');
  }
  return root;
}

export function parseCycloneDxJson(content: string, path: string): ExtractResult {
  const root = readCycloneDxJson(content, path);
  // A component's line is the line of its purl: the one line that names the package.
  const purlLines = jsonValueLines(content, 'purl');
  const metadataComponent = obj(obj(root.metadata)?.component);
  // The metadata component's purl comes first in the text when it has one; consume it.
  const metaPurl = str(metadataComponent?.purl);
  if (metaPurl) purlLines.get(metaPurl)?.shift();

  const read = (value: unknown, depth: number): CdxComponent[] =>
    depth > INPUT_LIMITS.maxSbomComponentDepth
      ? []
      : array(value).flatMap((entry) => {
          const component = obj(entry);
          if (!component) return [];
          const purl = str(component.purl);
          return [
            {
              bomRef: str(component['bom-ref']),
              name: str(component.name) ?? '(unnamed)',
              version: str(component.version),
              purl,
              scope: str(component.scope),
              line: (purl ? purlLines.get(purl)?.shift() : undefined) ?? 1,
              components: read(component.components, depth + 1),
            },
          ];
        });

  const dependencies = new Map<string, string[]>();
  for (const entry of array(root.dependencies)) {
    const dep = obj(entry);
    const ref = str(dep?.ref);
    if (!ref) continue;
    const on = array(dep?.dependsOn).filter((x): x is string => typeof x === 'string');
    // a ref listed again adds to its list: appended in place, never copied
    const known = dependencies.get(ref);
    if (known) for (const child of on) known.push(child);
    else dependencies.set(ref, on);
  }

  const doc: CdxDocument = {
    metadataComponent: metadataComponent
      ? {
          bomRef: str(metadataComponent['bom-ref']),
          name: str(metadataComponent.name) ?? '',
          version: str(metadataComponent.version),
          group: str(metadataComponent.group),
        }
      : undefined,
    components: read(root.components, 0),
    dependencies,
  };
  return packagesFromCdx(doc, path);
}

export const cycloneDxJsonExtractor: Extractor = {
  id: 'sbom-input/cyclonedx-json',
  // Ecosystems come from each component's purl; this one is nominal (see mixedEcosystems).
  ecosystem: 'Debian',
  mixedEcosystems: true,
  patterns: ['*.cdx.json', 'bom.json'],
  parse: (content, path) => parseCycloneDxJson(content, path),
};
