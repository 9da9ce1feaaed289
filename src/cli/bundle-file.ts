import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputTooLargeError, ParseError } from '../model/errors.js';
import { normalizeFailure } from '../model/scope.js';
import { MAX_BUNDLE_BYTES, validateBundle } from '../pipeline/bundle.js';
import type { ScanBundle } from '../pipeline/scan.js';

/** Reads a bundle.json (or the run folder holding one): bounded, parsed, then checked against its schema. */
export function readBundle(path: string): ScanBundle {
  let file = path;
  let size: number;
  try {
    let stat = statSync(file);
    if (stat.isDirectory()) {
      file = join(path, 'bundle.json');
      stat = statSync(file);
    }
    size = stat.size;
  } catch (error) {
    throw new ParseError(file, `cannot read the bundle (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (size > MAX_BUNDLE_BYTES) throw new InputTooLargeError(file, size, MAX_BUNDLE_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ParseError(file, `not a readable Sieve bundle: ${(error as Error).message}`);
  }
  const bundle = validateBundle(value, file);
  // A bundle written by an older Sieve names failure scopes with strings: read them as typed scopes.
  for (const evidence of bundle.targets) {
    evidence.failures = evidence.failures.map(normalizeFailure);
    evidence.keepOpen = (evidence.keepOpen ?? []).map(normalizeFailure);
    if (evidence.fatal) evidence.fatal = normalizeFailure(evidence.fatal);
  }
  return bundle;
}
