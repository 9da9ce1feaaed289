import { compareDigits, compareStrings, defineScheme } from '../define.js';

/*
 * Hand-written: the only ComparableVersion port on the npm registry is a little-used single-author
 * package, and the algorithm is short and fully specified by the POM reference's "Version Order
 * Specification", which this follows (as OSV's own Maven matching does).
 */

/** One token: `-qualifier` (0) < `-number` (1) < `.number` (2); a `.qualifier` counts as `-qualifier`. */
interface Token {
  readonly kind: 0 | 1 | 2;
  /** Digits for numbers, the lower-cased (and de-aliased) qualifier otherwise. */
  readonly value: string;
}

const QUALIFIER = 0;
const DASH_NUMBER = 1;
const DOT_NUMBER = 2;

/** Known qualifiers in order; unknown ones sort after all of these, among themselves lexically. */
const KNOWN: ReadonlyMap<string, number> = new Map([
  ['alpha', 0],
  ['beta', 1],
  ['milestone', 2],
  ['rc', 3],
  ['snapshot', 4],
  ['', 5],
  ['sp', 6],
]);
const ALIASES: Record<string, string> = { cr: 'rc', ga: '', final: '', release: '' };
/** Only when directly followed by a digit: `1-a1` is alpha-1, but `1-a` is the unknown qualifier "a". */
const SHORT_ALIASES: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone' };

const isNull = (token: Token): boolean => (token.kind === QUALIFIER ? token.value === '' : /^0+$/.test(token.value));

function tokenize(version: string): Token[] | null {
  if (version === '' || !/^[0-9A-Za-z._+-]+$/.test(version)) return null;
  const text = version.toLowerCase();
  const tokens: Token[] = [];
  let separator = '.';
  let start = 0;
  const push = (end: number, nextSeparator: string, followedByDigit: boolean): void => {
    let value = text.slice(start, end);
    // Empty tokens (`1..2`, `1-`) stand for 0.
    if (value === '') value = '0';
    if (/^[0-9]+$/.test(value)) {
      tokens.push({ kind: separator === '-' ? DASH_NUMBER : DOT_NUMBER, value });
    } else {
      value = (followedByDigit ? SHORT_ALIASES[value] : undefined) ?? ALIASES[value] ?? value;
      tokens.push({ kind: QUALIFIER, value });
    }
    separator = nextSeparator;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '.' || c === '-') {
      push(i, c, false);
      start = i + 1;
      continue;
    }
    const next = text[i + 1];
    // A transition between digits and letters is a hyphen.
    if (next !== undefined && next !== '.' && next !== '-' && isDigitChar(c) !== isDigitChar(next)) {
      push(i + 1, '-', isDigitChar(next));
      start = i + 1;
    }
  }
  push(text.length, '.', false);
  // Trailing null values (0, '', final, ga, release) are trimmed at the end and before each hyphen.
  for (let i = tokens.length - 1; i >= 0; i--) {
    const after = tokens[i + 1];
    if (isNull(tokens[i] as Token) && (after === undefined || after.kind !== DOT_NUMBER)) tokens.splice(i, 1);
  }
  return tokens;
}

function isDigitChar(c: string): boolean {
  return c >= '0' && c <= '9';
}

function compareToken(a: Token, b: Token): number {
  if (a.kind !== b.kind) return a.kind - b.kind;
  if (a.kind !== QUALIFIER) return compareDigits(a.value, b.value);
  const x = KNOWN.get(a.value);
  const y = KNOWN.get(b.value);
  if (x !== undefined && y !== undefined) return x - y;
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  return compareStrings(a.value, b.value);
}

/** Padding for the shorter version, after the other side's separator there: `.0` against `.`, `-""` against `-`. */
const padFor = (other: Token): Token => (other.kind === DOT_NUMBER ? { kind: DOT_NUMBER, value: '0' } : { kind: QUALIFIER, value: '' });

function compareMaven(a: readonly Token[], b: readonly Token[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const right = b[i];
    const left = a[i] ?? padFor(right as Token);
    const diff = compareToken(left, right ?? padFor(left));
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * Maven: ComparableVersion ordering. Tokens split at `.`, `-` and digit/letter transitions;
 * qualifiers alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp <
 * unknown (lexical); `.qualifier` = `-qualifier` < `-number` < `.number`, so `1-1` < `1.1`.
 */
export const mavenScheme = defineScheme({
  name: 'Maven',
  ecosystems: ['Maven'],
  parse: tokenize,
  compare: compareMaven,
});
