/**
 * Line hashes compatible with GitHub code scanning's `primaryLocationLineHash`, so a finding Sieve
 * fingerprints from source text matches the one GitHub computes for the same upload.
 *
 * The algorithm (as GitHub's upload action documents it): every line is hashed over the first 100
 * characters that start at that line, where spaces and tabs are skipped entirely, `\r\n` and `\r`
 * count as one `\n`, and the text is followed by one end-of-file marker (65535) and then zeros.
 * The hash is the polynomial Σ c_k·37^(99−k) over those 100 UTF-16 code units, mod 2^64, printed
 * as unsigned hex with `:N` appended for the N-th line in the file with that same value.
 *
 * Written by hand rather than with a Long/BigInt library: the 64-bit arithmetic is kept in two
 * 32-bit halves, which is several times faster than BigInt on large files and exact because every
 * intermediate product stays below 2^53.
 */

const WINDOW = 100;
const BASE = 37;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const END_OF_FILE = 0xffff;
const TWO_32 = 0x1_0000_0000;

/** 37^100 mod 2^64 as [high, low] 32-bit halves: the weight of the character leaving the window. */
const [LEAVING_HI, LEAVING_LO] = ((): [number, number] => {
  let hi = 0;
  let lo = 1;
  for (let i = 0; i < WINDOW; i++) {
    const low = lo * BASE;
    const carry = Math.floor(low / TWO_32);
    lo = low % TWO_32;
    hi = (hi * BASE + carry) % TWO_32;
  }
  return [hi, lo];
})();

function toHex(hi: number, lo: number): string {
  return hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0');
}

/**
 * The `primaryLocationLineHash` of every line of a file: index 0 is line 1. A file that ends with a
 * line break has one more entry, for the empty last line, exactly as GitHub numbers lines.
 */
export function primaryLocationLineHashes(fileText: string): string[] {
  const hashes: string[] = [];
  const counts = new Map<string, number>();

  const window = new Array<number>(WINDOW).fill(0);
  // The line that starts at each window slot, or 0 when none does.
  const lineAt = new Array<number>(WINDOW).fill(0);
  let index = 0;
  let hi = 0;
  let lo = 0;
  let line = 0;
  let atLineStart = true;
  let previousWasCr = false;

  const emit = (): void => {
    const value = toHex(hi, lo);
    const seen = (counts.get(value) ?? 0) + 1;
    counts.set(value, seen);
    hashes[(lineAt[index] as number) - 1] = `${value}:${seen}`;
    lineAt[index] = 0;
  };

  const push = (code: number): void => {
    const leaving = window[index] as number;
    window[index] = code;
    // hash = hash·37 + code − leaving·37^100 (mod 2^64). `x >>> 0` is x mod 2^32 for any integer
    // double, and every intermediate here stays below 2^53, so this is exact.
    const low = lo * BASE + code;
    let newLo = low >>> 0;
    let newHi = (hi * BASE + (low - newLo) / TWO_32) >>> 0;
    if (leaving !== 0) {
      const subLowFull = LEAVING_LO * leaving;
      const subLo = subLowFull >>> 0;
      const subHi = LEAVING_HI * leaving + (subLowFull - subLo) / TWO_32;
      const borrow = newLo < subLo ? 1 : 0;
      newLo = (newLo - subLo) >>> 0;
      newHi = (newHi - subHi - borrow) >>> 0;
    }
    hi = newHi;
    lo = newLo;
    index = index === WINDOW - 1 ? 0 : index + 1;
  };

  const consume = (input: number): void => {
    let code = input;
    if (code === SPACE || code === TAB || (previousWasCr && code === LF)) {
      previousWasCr = false;
      return;
    }
    previousWasCr = code === CR;
    if (code === CR) code = LF;
    if (lineAt[index] !== 0) emit();
    if (atLineStart) {
      atLineStart = false;
      line += 1;
      lineAt[index] = line;
    }
    if (code === LF) atLineStart = true;
    push(code);
  };

  for (let i = 0; i < fileText.length; i++) consume(fileText.charCodeAt(i));
  consume(END_OF_FILE);
  for (let i = 0; i < WINDOW; i++) {
    if (lineAt[index] !== 0) emit();
    push(0);
  }
  return hashes;
}

/** The `primaryLocationLineHash` of one 1-based line, or undefined when the file has no such line. */
export function lineHash(fileText: string, line: number): string | undefined {
  if (!Number.isInteger(line) || line < 1) return undefined;
  return primaryLocationLineHashes(fileText)[line - 1];
}
