/** CycloneDX XML SBOMs: the same reading as cyclonedx-json.ts, from the XML form (fast-xml-parser). */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ParseError, errorMessage } from '../../model/errors.js';
import type { ExtractResult } from '../../model/types.js';
import { xmlStartLines } from '../maven/pom-xml.js';
import { INPUT_LIMITS } from '../limits.js';
import type { Extractor } from '../types.js';
import { packagesFromCdx } from './cyclonedx-model.js';
import type { CdxComponent, CdxDocument } from './cyclonedx-model.js';

type Xml = Record<string, unknown>;

const ARRAY_TAGS = new Set(['component', 'components', 'dependency', 'dependencies']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  removeNSPrefix: true,
  isArray: (name) => ARRAY_TAGS.has(name),
});

function obj(value: unknown): Xml | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Xml) : undefined;
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  // An element with attributes and text: fast-xml-parser puts the text under '#text'.
  const node = obj(value);
  return node && typeof node['#text'] === 'string' ? node['#text'].trim() || undefined : undefined;
}

/** The document's root `<bom>`, or a ParseError saying why it is not CycloneDX XML. */
export function readCycloneDxXml(content: string, path: string): Xml {
  const valid = XMLValidator.validate(content);
  if (valid !== true) throw new ParseError(path, `not well-formed XML at line ${valid.err.line}: ${valid.err.msg}`);
  let doc: Xml;
  try {
    doc = parser.parse(content) as Xml;
  } catch (error) {
    // the validator lets through some documents the parser refuses (`<?"?><bom/>`)
    throw new ParseError(path, `cannot parse XML: ${errorMessage(error)}`, { cause: error });
  }
  const bom = obj(doc.bom);
  const ns = bom ? text(bom['@_xmlns']) : undefined;
  if (!bom || (ns !== undefined && !ns.startsWith('http://cyclonedx.org/schema/bom/'))) {
    throw new ParseError(path, 'not a CycloneDX XML document: the root is not a CycloneDX <bom> element');
  }
  return bom;
}

export function parseCycloneDxXml(content: string, path: string): ExtractResult {
  const bom = readCycloneDxXml(content, path);
  const lines = xmlStartLines(content);

  const read = (container: unknown, key: string, depth: number): CdxComponent[] => {
    if (depth > INPUT_LIMITS.maxSbomComponentDepth) return [];
    const result: CdxComponent[] = [];
    list(obj(container)?.components).forEach((block, blockIndex) => {
      list(obj(block)?.component).forEach((entry, index) => {
        const component = obj(entry);
        if (!component) return;
        const componentKey = `${key}/components[${blockIndex}]/component[${index}]`;
        result.push({
          bomRef: text(component['@_bom-ref']),
          name: text(component.name) ?? '(unnamed)',
          version: text(component.version),
          purl: text(component.purl),
          scope: text(component.scope),
          line: lines.get(componentKey) ?? 1,
          components: read(component, componentKey, depth + 1),
        });
      });
    });
    return result;
  };

  const dependencies = new Map<string, string[]>();
  for (const block of list(bom.dependencies)) {
    for (const entry of list(obj(block)?.dependency)) {
      const dep = obj(entry);
      const ref = text(dep?.['@_ref']);
      if (!ref) continue;
      const on = list(dep?.dependency).flatMap((child) => {
        const childRef = text(obj(child)?.['@_ref']);
        return childRef ? [childRef] : [];
      });
      // a ref listed again adds to its list: appended in place, never copied
      const known = dependencies.get(ref);
      if (known) for (const child of on) known.push(child);
      else dependencies.set(ref, on);
    }
  }

  const metaRaw = obj(bom.metadata)?.component;
  const meta = obj(Array.isArray(metaRaw) ? metaRaw[0] : metaRaw);
  const doc: CdxDocument = {
    metadataComponent: meta
      ? { bomRef: text(meta['@_bom-ref']), name: text(meta.name) ?? '', version: text(meta.version), group: text(meta.group) }
      : undefined,
    components: read(bom, '/bom[0]', 0),
    dependencies,
  };
  return packagesFromCdx(doc, path);
}

export const cycloneDxXmlExtractor: Extractor = {
  id: 'sbom-input/cyclonedx-xml',
  ecosystem: 'Debian',
  mixedEcosystems: true,
  patterns: ['*.cdx.xml', 'bom.xml'],
  parse: (content, path) => parseCycloneDxXml(content, path),
};
