import { compareDigits, defineScheme } from '../define.js';

/*
 * Hand-written: dpkg's verrevcmp is a dozen lines and the npm ports of it are little used; this
 * follows deb-version(7) and dpkg's lib/dpkg/version.c.
 */

/** A version part as runs: the dpkg order of each non-digit character, then the digits after them. */
interface Run {
  readonly orders: readonly number[];
  /** The digit run without leading zeros ('' for none, which equals 0). */
  readonly digits: string;
}

interface DebianVersion {
  readonly epoch: string;
  readonly upstream: readonly Run[];
  readonly revision: readonly Run[];
}

const EPOCH = /^[0-9]+$/;
const UPSTREAM = /^[0-9A-Za-z.+~:-]+$/;
const REVISION = /^[0-9A-Za-z.+~]+$/;

function parseDebian(version: string): DebianVersion | null {
  const colon = version.indexOf(':');
  const epoch = colon === -1 ? '0' : version.slice(0, colon);
  const rest = colon === -1 ? version : version.slice(colon + 1);
  const dash = rest.lastIndexOf('-');
  const upstream = dash === -1 ? rest : rest.slice(0, dash);
  const revision = dash === -1 ? '' : rest.slice(dash + 1);
  if (!EPOCH.test(epoch) || !UPSTREAM.test(upstream) || (dash !== -1 && !REVISION.test(revision))) return null;
  // deb-version(7): the upstream version must start with a digit, and may hold a colon only
  // when there is an epoch.
  if (!isDigit(upstream.charCodeAt(0)) || (colon === -1 && upstream.includes(':'))) return null;
  return { epoch, upstream: runsOf(upstream), revision: runsOf(revision) };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** dpkg's order of a non-digit character: `~` first, then the end of the part, letters, then the rest. */
function order(code: number): number {
  if (isLetter(code)) return code;
  if (code === 126) return -1;
  return code + 256;
}

/** Splits a part into non-digit/digit runs once, so comparing needs no string work. */
function runsOf(part: string): Run[] {
  const runs: Run[] = [];
  let i = 0;
  while (i < part.length) {
    const orders: number[] = [];
    while (i < part.length && !isDigit(part.charCodeAt(i))) orders.push(order(part.charCodeAt(i++)));
    while (i < part.length && part.charCodeAt(i) === 48) i++;
    const significant = i;
    while (i < part.length && isDigit(part.charCodeAt(i))) i++;
    runs.push({ orders, digits: part.slice(significant, i) });
  }
  return runs;
}

const EMPTY_RUN: Run = { orders: [], digits: '' };

/**
 * dpkg's verrevcmp over runs: non-digit characters compare by `order`, where the end of a run
 * counts as 0 (so `~` sorts before it and letters after it); digit runs compare as numbers.
 */
export function compareRuns(a: readonly Run[], b: readonly Run[]): number {
  const length = Math.max(a.length, b.length);
  for (let k = 0; k < length; k++) {
    const x = a[k] ?? EMPTY_RUN;
    const y = b[k] ?? EMPTY_RUN;
    const orders = Math.max(x.orders.length, y.orders.length);
    for (let i = 0; i < orders; i++) {
      const diff = (x.orders[i] ?? 0) - (y.orders[i] ?? 0);
      if (diff !== 0) return diff;
    }
    if (x.digits.length !== y.digits.length) return x.digits.length - y.digits.length;
    if (x.digits !== y.digits) return x.digits < y.digits ? -1 : 1;
  }
  return 0;
}

function compareDebian(a: DebianVersion, b: DebianVersion): number {
  return compareDigits(a.epoch, b.epoch) || compareRuns(a.upstream, b.upstream) || compareRuns(a.revision, b.revision);
}

/**
 * Debian and Ubuntu: dpkg ordering of `[epoch:]upstream[-revision]`. `~` sorts before everything,
 * even the end of the string (`1.0~rc1` < `1.0`), letters sort before other non-digits, digit runs
 * compare as numbers, and a missing revision equals `-0`.
 */
export const debianScheme = defineScheme({
  name: 'Debian',
  ecosystems: ['Debian', 'Ubuntu'],
  parse: parseDebian,
  compare: compareDebian,
});
