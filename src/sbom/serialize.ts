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
  const serializer = format === 'xml' ? xmlSerializer : jsonSerializer;
  return serializer.serialize(bom, { sortLists: true, space: 2 });
}
