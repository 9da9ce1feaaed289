/**
 * Known-open classes: crashes and slow inputs the fuzz suite found in lockfile parsers whose fix
 * is in flight (issue 13's inventory half, branch i13a). Each entry skips only what it names and
 * is counted in the table's known-open column. This list should be empty: when a fix lands,
 * delete its entry and the suite proves the fix.
 */
import type { MutationKind } from './mutate.js';

export interface KnownOpen {
  /** A target name, or a prefix ending in `*` (`npm/*`). */
  target: string;
  /** Untyped errors whose `Name: message` and stack match are counted as known-open, not failures. */
  error?: RegExp;
  /** Mutations not generated for this target. */
  skipMutations?: MutationKind[];
  /** Inputs not run at all (for inputs that hang rather than throw); must be linear itself. */
  skipInput?: (text: string) => boolean;
  why: string;
}

/** The longest line of a text, in one pass. */
function longestLine(text: string): number {
  let longest = 0;
  let start = 0;
  for (let end = text.indexOf('\n'); ; end = text.indexOf('\n', start)) {
    const stop = end < 0 ? text.length : end;
    longest = Math.max(longest, stop - start);
    if (end < 0) return longest;
    start = end + 1;
  }
}

export const knownOpen: KnownOpen[] = [
  {
    target: 'go/go-mod',
    skipInput: (text) => /[\v\f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/.test(text),
    why: 'go.mod lexer stops advancing on \\v, U+00A0, U+2028, BOM (i13a: go.mod lexer)',
  },
  {
    target: 'pypi/requirements-txt',
    skipInput: (text) => longestLine(text) > 256,
    why: 'comment regex in logicalLines is quadratic in a long line (i13a: requirements logicalLines)',
  },
  {
    target: 'npm/package-lock',
    skipMutations: ['deep-nesting'],
    why: 'v1 dependency chains are copied per level (i13a: deep v1 package-lock)',
  },
  ...['npm/*', 'pypi/*', 'github-actions/*'].map((target) => ({
    target,
    error: /URIError|URI malformed/,
    why: 'lone surrogates in names reach encodeURIComponent (i13a: lone surrogates/URIError)',
  })),
  ...['pypi/*', 'nuget/*', 'packagist/*'].map((target) => ({
    target,
    error: /Invalid regular expression/,
    why: 'regular expressions built from file content (i13a: RegExp-from-content)',
  })),
  ...['sbom-input/*', 'maven/*'].map((target) => ({
    target,
    error: /fast-xml-parser/,
    why: "fast-xml-parser's own errors are not wrapped in ParseError (i13a: fast-xml-parser wrapping)",
  })),
];
