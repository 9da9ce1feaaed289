/** CycloneDX 1.6 serialization through the library's normalizers: sorted lists, two-space indent. */
import { Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { Bom } from './build.js';

export type BomFormat = 'json' | 'xml';

/** The spec version Sieve writes. */
export const SPEC_VERSION = Spec.Version.v1dot6;

const jsonSerializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
const xmlSerializer = new Serialize.XmlSerializer(new Serialize.XML.Normalize.Factory(Spec.Spec1dot6));

/** Deterministic text of the BOM: the same model always gives the same bytes. */
export function serializeBom(bom: Bom, format: BomFormat): string {
  if (format === 'xml') return xmlSerializer.serialize(bom, { sortLists: true, space: 2 });
  return addOccurrences(jsonSerializer.serialize(bom, { sortLists: true, space: 2 }));
}

interface JsonComponent {
  properties?: Array<{ name: string; value?: string }>;
  evidence?: Record<string, unknown>;
  components?: JsonComponent[];
}

/**
 * CycloneDX 1.6 `evidence.occurrences` (file and line where a component was found). The library's
 * model (10.x) has no occurrences yet, so they are added to its JSON output from the
 * `sieve:location` properties the model carries; everything else stays the library's.
 */
function addOccurrences(json: string): string {
  const document = JSON.parse(json) as { components?: JsonComponent[] };
  const visit = (components: JsonComponent[] | undefined) => {
    for (const component of components ?? []) {
      const occurrences = (component.properties ?? [])
        .filter((property) => property.name === 'sieve:location' && property.value)
        .map((property) => {
          const value = property.value as string;
          const hash = value.lastIndexOf('#L');
          const line = hash >= 0 ? Number(value.slice(hash + 2)) : NaN;
          return Number.isInteger(line) && line > 0 ? { location: value.slice(0, hash), line } : { location: value };
        });
      if (occurrences.length) component.evidence = { ...component.evidence, occurrences };
      visit(component.components);
    }
  };
  visit(document.components);
  return `${JSON.stringify(document, null, 2)}\n`;
}
