import { defineScheme } from '../define.js';

/*
 * Hand-written: a port of apk-tools' version.c (there is no maintained npm package for it).
 * Format: {digit}{.digit}...{letter}{_suffix{number}}...{-r#}, as in Gentoo.
 */

const INVALID = -1;
const DIGIT_OR_ZERO = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const REVISION_NO = 5;
const END = 6;

/** Pre-release suffixes get values -4..-1, so they sort before the release (end of string). */
const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
/** Post-release suffixes get values 0..4, after the release. */
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

/** `types[k]` is the type of token k (`types[0]` is DIGIT), `values[k]` its value; the last type is END. */
interface AlpineVersion {
  readonly types: readonly number[];
  readonly values: readonly number[];
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isLower(c: string | undefined): boolean {
  return c !== undefined && c >= 'a' && c <= 'z';
}

function tokenize(version: string): AlpineVersion | null {
  // apk-tools would read a version starting with a letter; no Alpine package has one.
  if (!isDigit(version[0])) return null;
  const types: number[] = [DIGIT];
  const values: number[] = [];
  let pos = 0;
  let type = DIGIT;
  while (type !== END) {
    let value = 0;
    let nextType = INVALID;
    let i = pos;
    switch (type) {
      case DIGIT_OR_ZERO:
        // Leading zeros after a dot are special: `1.01` < `1.1`, as each zero counts down.
        if (version[i] === '0') {
          while (version[i] === '0') i++;
          nextType = DIGIT;
          value = -(i - pos);
          break;
        }
        while (isDigit(version[i])) value = value * 10 + (version.charCodeAt(i++) - 48);
        break;
      case DIGIT:
      case SUFFIX_NO:
      case REVISION_NO:
        while (isDigit(version[i])) value = value * 10 + (version.charCodeAt(i++) - 48);
        break;
      case LETTER:
        value = version.charCodeAt(i++);
        break;
      case SUFFIX: {
        const rest = version.slice(i);
        const pre = PRE_SUFFIXES.findIndex((suffix) => rest.startsWith(suffix));
        const post = pre === -1 ? POST_SUFFIXES.findIndex((suffix) => rest.startsWith(suffix)) : -1;
        if (pre === -1 && post === -1) return null;
        value = pre !== -1 ? pre - PRE_SUFFIXES.length : post;
        i += (pre !== -1 ? PRE_SUFFIXES[pre] : POST_SUFFIXES[post])?.length ?? 0;
        break;
      }
      default:
        return null;
    }
    values.push(value);
    pos = i;
    if (pos >= version.length) type = END;
    else if (nextType !== INVALID) type = nextType;
    else {
      [type, pos] = nextToken(type, version, pos);
      if (type === INVALID) return null;
    }
    types.push(type);
  }
  return { types, values };
}

/** apk-tools' next_token: the type of what starts at `pos`, and where its value begins. */
function nextToken(type: number, version: string, pos: number): [number, number] {
  const c = version[pos];
  let next = INVALID;
  if (c === undefined) return [END, pos];
  if ((type === DIGIT || type === DIGIT_OR_ZERO) && isLower(c)) next = LETTER;
  else if (type === LETTER && isDigit(c)) next = DIGIT;
  else if (type === SUFFIX && isDigit(c)) next = SUFFIX_NO;
  else {
    if (c === '.') next = DIGIT_OR_ZERO;
    else if (c === '_') next = SUFFIX;
    else if (c === '-' && version[pos + 1] === 'r') {
      next = REVISION_NO;
      pos++;
    }
    pos++;
  }
  // Parts only come in order: digits, letter, suffixes, revision.
  if (
    next < type &&
    !((next === DIGIT_OR_ZERO && type === DIGIT) || (next === SUFFIX && type === SUFFIX_NO) || (next === DIGIT && type === LETTER))
  ) {
    next = INVALID;
  }
  return [next, pos];
}

/** apk-tools' apk_version_compare. */
function compareAlpine(a: AlpineVersion, b: AlpineVersion): number {
  let k = 0;
  let at = DIGIT;
  let bt = DIGIT;
  let av = 0;
  let bv = 0;
  while (at === bt && at !== END && av === bv) {
    av = a.values[k] ?? 0;
    bv = b.values[k] ?? 0;
    k++;
    at = a.types[k] ?? END;
    bt = b.types[k] ?? END;
  }
  if (av !== bv) return av < bv ? -1 : 1;
  if (at === bt) return 0;
  // Equal so far: the longer version is greater, unless what it has next is a pre-release suffix.
  if (at === SUFFIX && (a.values[k] ?? 0) < 0) return -1;
  if (bt === SUFFIX && (b.values[k] ?? 0) < 0) return 1;
  return at > bt ? -1 : 1;
}

/**
 * Alpine: apk-tools ordering. `1.2.3_rc1-r0`: suffixes _alpha < _beta < _pre < _rc < release <
 * _cvs < _svn < _git < _hg < _p, `-rN` is the package revision, a letter may follow the digits
 * (`1.2a` > `1.2`, but `1.2a` < `1.2.1`).
 */
export const alpineScheme = defineScheme({
  name: 'Alpine',
  ecosystems: ['Alpine'],
  parse: tokenize,
  compare: compareAlpine,
});
