import { describe, expect, it } from 'vitest';
import { lineHash, primaryLocationLineHashes } from '../../src/sarif/line-hash.js';

/**
 * An independent, deliberately naive reference: for each line, collect the next 100 characters
 * (spaces/tabs dropped, CR/CRLF read as LF, then the end-of-file marker 65535 and zeros) and
 * evaluate Σ c_k·37^(99−k) mod 2^64 with BigInt. O(n·100), no rolling window.
 */
function naiveHashes(text: string): string[] {
  const stream: number[] = [];
  const lineStarts: number[] = [];
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code === 0x20 || code === 0x09) continue;
    if (code === 0x0a && i > 0 && text.charCodeAt(i - 1) === 0x0d) continue;
    if (code === 0x0d) code = 0x0a;
    if (atLineStart) lineStarts.push(stream.length);
    atLineStart = code === 0x0a;
    stream.push(code);
  }
  if (atLineStart) lineStarts.push(stream.length);
  stream.push(0xffff);
  const mod = 1n << 64n;
  const counts = new Map<string, number>();
  return lineStarts.map((start) => {
    let hash = 0n;
    for (let k = 0; k < 100; k++) hash = (hash * 37n + BigInt(stream[start + k] ?? 0)) % mod;
    const hex = hash.toString(16);
    const n = (counts.get(hex) ?? 0) + 1;
    counts.set(hex, n);
    return `${hex}:${n}`;
  });
}

describe('primaryLocationLineHashes', () => {
  it('hashes a single short line by hand: "a" then end of file', () => {
    // 'a' = 97, then 65535, then 98 zeros: 97·37^99 + 65535·37^98 mod 2^64.
    const mod = 1n << 64n;
    const expected = ((97n * 37n ** 99n + 65535n * 37n ** 98n) % mod).toString(16);
    expect(primaryLocationLineHashes('a')).toEqual([`${expected}:1`]);
  });

  it('matches fixed literal values (the same values GitHub code scanning computes)', () => {
    expect(primaryLocationLineHashes('')).toEqual(['c129715d7a2bc9a3:1']);
    expect(primaryLocationLineHashes(' a\nb\n  \t\tc\n d')).toEqual([
      '271789c17abda88f:1',
      '54703d4cd895b18:1',
      '180aee12dab6264:1',
      'a23a3dc5e078b07b:1',
    ]);
    expect(primaryLocationLineHashes('hello world\n')).toEqual(['69d1a8532088f99d:1', 'c129715d7a2bc9a3:1']);
  });

  it('gives CRLF, CR and LF files the same hashes', () => {
    const lf = ' hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n';
    const expected = [
      'e9496ae3ebfced30:1',
      'fb7c023a8b9ccb3f:1',
      'ce8ba1a563dcdaca:1',
      'e20e36e16fcb0cc8:1',
      'b3edc88f2938467e:1',
      'c8e28b0b4002a3a0:1',
      'c129715d7a2bc9a3:1',
    ];
    expect(primaryLocationLineHashes(lf)).toEqual(expected);
    expect(primaryLocationLineHashes(lf.replace(/\n/g, '\r\n'))).toEqual(expected);
    expect(primaryLocationLineHashes(lf.replace(/\n/g, '\r'))).toEqual(expected);
  });

  it('ignores tabs and spaces anywhere in the line', () => {
    const [plain] = primaryLocationLineHashes('eval(x);\nfoo();\n');
    const [spaced] = primaryLocationLineHashes('\t  eval ( x ) ;\nfoo();\n');
    expect(spaced).toBe(plain);
    // ...but a different following line changes the hash: the window runs past the line end.
    expect(primaryLocationLineHashes('eval(x);\nbar();\n')[0]).not.toBe(plain);
  });

  it('suffixes repeated identical windows with :2, :3 ...', () => {
    const hashes = primaryLocationLineHashes('Lorem ipsum dolor sit amet.\n'.repeat(10));
    expect(hashes.slice(0, 7)).toEqual([
      'a7f2ff13bc495cf2:1',
      'a7f2ff13bc495cf2:2',
      'a7f2ff13bc495cf2:3',
      'a7f2ff13bc495cf2:4',
      'a7f2ff13bc495cf2:5',
      'a7f2ff13bc495cf2:6',
      'a7f2ff1481e87703:1',
    ]);
    expect(hashes).toHaveLength(11);
  });

  it('agrees with the naive reference on lines shorter and longer than the window, and at end of file', () => {
    const samples = [
      '',
      'x',
      'x\n',
      '\n\n\n',
      'a'.repeat(250) + '\nshort\n' + 'b'.repeat(99),
      'int main() {\r\n\tgets(buf);\r\n\treturn 0;\r\n}',
      'é😀 unicode\n\t\t\n  \nend',
      'same\nsame\nsame',
    ];
    for (const sample of samples) expect(primaryLocationLineHashes(sample)).toEqual(naiveHashes(sample));
  });

  it('agrees with the naive reference on pseudo-random text', () => {
    let seed = 42;
    const alphabet = ' \t\r\nabcXYZ;(){}é';
    for (let n = 0; n < 50; n++) {
      let text = '';
      const length = n * 13;
      for (let i = 0; i < length; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        text += alphabet[seed % alphabet.length];
      }
      expect(primaryLocationLineHashes(text)).toEqual(naiveHashes(text));
    }
  });
});

describe('lineHash', () => {
  it('returns the hash of one 1-based line and undefined past the end', () => {
    const text = 'first\nsecond\nthird';
    const all = primaryLocationLineHashes(text);
    expect(lineHash(text, 2)).toBe(all[1]);
    expect(lineHash(text, 3)).toBe(all[2]);
    expect(lineHash(text, 4)).toBeUndefined();
    expect(lineHash(text, 0)).toBeUndefined();
    expect(lineHash(text, 1.5)).toBeUndefined();
  });

  it('keeps a line hash when lines are inserted above it', () => {
    const before = 'a();\neval(input);\nb();\n';
    const after = 'x();\ny();\na();\neval(input);\nb();\n';
    expect(lineHash(after, 4)).toBe(lineHash(before, 2));
  });
});
