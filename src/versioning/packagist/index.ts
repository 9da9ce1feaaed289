import { compareDigits, defineScheme, isDigits } from '../define.js';

/*
 * Hand-written: Composer normalises a version (composer/semver's VersionParser) and then orders
 * it with PHP's version_compare(); neither exists as a maintained npm package. This follows both.
 */

/**
 * Composer's modifiers after the numbers: `-beta1`, `RC2`, `-patch1`/`-p1`/`-pl1`, `-dev`. The
 * stability number is written without nested optional parts so a failing match cannot backtrack
 * exponentially (Composer uses a possessive quantifier for the same reason).
 */
const COMPOSER =
  /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:[._-]?(stable|beta|b|rc|alpha|a|patch|pl|p)([.-]?\d+(?:[.-]\d+)*)?)?([.-]?dev)?$/i;
/** Date-like versions Composer also accepts (`20230101`, `2023.01.01`). */
const DATE = /^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3}){0,2})$/;

const STABILITY: Record<string, string> = { a: 'alpha', alpha: 'alpha', b: 'beta', beta: 'beta', rc: 'RC', p: 'patch', pl: 'patch', patch: 'patch' };

/** Composer's VersionParser::normalize, for the versions a package can have (not branches). */
export function normalizeComposer(version: string): string | null {
  const text = version.trim();
  const match = COMPOSER.exec(text);
  if (match) {
    const numbers = [match[1], match[2] ?? '0', match[3] ?? '0', match[4] ?? '0'].join('.');
    let normalized = numbers;
    const stability = match[5]?.toLowerCase();
    if (stability && stability !== 'stable') {
      const number = (match[6] ?? '').replace(/^[.-]/, '');
      normalized += `-${STABILITY[stability] ?? stability}${number}`;
    }
    if (match[7]) normalized += '-dev';
    return normalized;
  }
  const date = DATE.exec(text);
  if (date) return (date[1] as string).replace(/\D/g, '.');
  // `dev-main`, `1.x-dev` and other branch names are not versions.
  return null;
}

/** PHP version_compare's special forms; unknown words rank below "dev". Matched by prefix. */
const SPECIAL_FORMS: readonly (readonly [string, number])[] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function formRank(form: string): number {
  for (const [name, rank] of SPECIAL_FORMS) if (form.startsWith(name)) return rank;
  return -6;
}

/** PHP's php_canonicalize_version: `-_+` become `.`, and a `.` goes between digits and letters. */
function canonicalParts(version: string): string[] {
  let out = version[0] ?? '';
  for (let i = 1; i < version.length; i++) {
    const c = version[i] as string;
    const previous = version[i - 1] as string;
    const last = out[out.length - 1];
    if (c === '-' || c === '_' || c === '+') {
      if (last !== '.') out += '.';
    } else if ((isNonDigit(previous) && isDigitChar(c)) || (isDigitChar(previous) && isNonDigit(c))) {
      if (last !== '.') out += '.';
      out += c;
    } else if (!/[0-9A-Za-z]/.test(c)) {
      if (last !== '.') out += '.';
    } else {
      out += c;
    }
  }
  return out.split('.');
}

const isDigitChar = (c: string): boolean => c >= '0' && c <= '9';
const isNonDigit = (c: string): boolean => !isDigitChar(c) && c !== '.';

/** A canonical part: its digits without leading zeros, or null and its special-form rank. */
interface Part {
  readonly digits: string | null;
  readonly rank: number;
}

const NUMBER_RANK = 4;

function partOf(text: string): Part {
  return isDigits(text) ? { digits: text.replace(/^0+(?=.)/, ''), rank: NUMBER_RANK } : { digits: null, rank: formRank(text) };
}

function comparePart(a: Part, b: Part): number {
  if (a.digits !== null && b.digits !== null) return compareDigits(a.digits, b.digits);
  return a.rank - b.rank;
}

/** PHP's version_compare on two canonical part lists. */
function comparePhp(a: readonly Part[], b: readonly Part[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = comparePart(a[i] as Part, b[i] as Part);
    if (diff !== 0) return diff;
  }
  // The longer one wins if it goes on with a number; a word is weighed against a number ("#").
  const restA = a[length];
  const restB = b[length];
  if (restA) return restA.digits !== null ? 1 : restA.rank - NUMBER_RANK;
  if (restB) return restB.digits !== null ? -1 : NUMBER_RANK - restB.rank;
  return 0;
}

/**
 * Packagist: Composer versions. `v` prefixes are dropped, up to four numbers are padded to four,
 * `-beta1`, `-RC1`, `-alpha` are pre-releases, `-patch1`/`-p1`/`-pl1` come after the release,
 * and branches (`dev-main`, `1.x-dev`) are not versions.
 */
export const packagistScheme = defineScheme({
  name: 'Packagist',
  ecosystems: ['Packagist'],
  parse: (version) => {
    const normalized = normalizeComposer(version);
    return normalized === null ? null : canonicalParts(normalized).map(partOf);
  },
  compare: comparePhp,
});
