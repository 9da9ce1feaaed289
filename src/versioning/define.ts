import { InvalidVersionError } from '../model/errors.js';
import type { VersionScheme } from './types.js';

/** Longer strings are not versions in any scheme; refusing them bounds the work per string. */
export const MAX_VERSION_LENGTH = 256;

/** How many parsed versions each scheme keeps; the memo is dropped whole when it fills. */
const MEMO_LIMIT = 10_000;

/**
 * A scheme from a parser and a comparator of parsed versions. Parsing is memoised per scheme
 * because OSV matching compares the same few strings (a package's version, a range's events)
 * many times; `null` from the parser means "not a version of this scheme" and is memoised too.
 */
export function defineScheme<T>(options: {
  /** Name used in InvalidVersionError messages (the first OSV ecosystem). */
  readonly name: string;
  readonly ecosystems: readonly string[];
  readonly parse: (version: string) => T | null;
  readonly compare: (a: T, b: T) => number;
}): VersionScheme {
  const memo = new Map<string, T | null>();
  const parse = (version: string): T | null => {
    const hit = memo.get(version);
    if (hit !== undefined) return hit;
    const parsed = typeof version === 'string' && version.length <= MAX_VERSION_LENGTH ? options.parse(version) : null;
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(version, parsed);
    return parsed;
  };
  const parseOrThrow = (version: string): T => {
    const parsed = parse(version);
    if (parsed === null) throw new InvalidVersionError(options.name, version);
    return parsed;
  };
  return {
    ecosystems: options.ecosystems,
    isValid: (version) => parse(version) !== null,
    compare: (a, b) => {
      const left = parseOrThrow(a);
      const right = parseOrThrow(b);
      return a === b ? 0 : Math.sign(options.compare(left, right));
    },
  };
}

/**
 * Compares two strings of ASCII digits as numbers of any size, without converting them (version
 * components such as Go pseudo-version timestamps or Maven build numbers overflow doubles).
 */
export function compareDigits(a: string, b: string): number {
  let i = 0;
  while (i < a.length - 1 && a.charCodeAt(i) === 48) i++;
  let j = 0;
  while (j < b.length - 1 && b.charCodeAt(j) === 48) j++;
  const lengthA = a.length - i;
  const lengthB = b.length - j;
  if (lengthA !== lengthB) return lengthA - lengthB;
  for (; i < a.length; i++, j++) {
    const diff = a.charCodeAt(i) - b.charCodeAt(j);
    if (diff !== 0) return diff;
  }
  return 0;
}

export const isDigits = (text: string): boolean => /^[0-9]+$/.test(text);

/** Plain code-unit order, as Java's String.compareTo and C's strcmp on ASCII give. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
