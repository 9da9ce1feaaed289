/** Reading the loosely typed JSON of an SBOM: an object, a non-empty string, a list, or nothing. */
import { ParseError } from '../../model/errors.js';

export type Json = Record<string, unknown>;

export function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** JSON.parse, with a ParseError naming the file when the text is not JSON. */
export function parseJson(content: string, path: string): unknown {
  try {
    return JSON.parse(content);
  } catch (error) {
    throw new ParseError(path, `not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
