/**
 * Line numbers of JSON object keys, found in one linear pass over text that JSON.parse has
 * already accepted. JSON.parse gives no positions, and a position-tracking parser is several
 * times slower on a 10 MB lockfile, so this scanner only follows strings, brackets and newlines.
 */

/**
 * Calls `onObjectKey(parents, key, line, parentValue)` for every key whose value is an object
 * (or an array, with `includeArrays`). `parents` holds the keys of the enclosing containers below
 * the root (`'[]'` for array elements); it is reused between calls, so copy it if you keep it.
 * What the callback returns is kept for the container it was called for and passed back as
 * `parentValue` for the keys inside it, so a caller can follow a deep structure in constant time
 * per key instead of reading `parents` again (undefined for the root and unreported containers).
 * Assumes valid JSON (call after JSON.parse succeeded).
 */
export function scanObjectKeyLines(
  text: string,
  onObjectKey: (parents: readonly string[], key: string, line: number, parentValue: unknown) => unknown,
  includeArrays = false,
): void {
  const parents: string[] = [];
  // true for an object, false for an array; the root container is included
  const isObject: boolean[] = [];
  // what onObjectKey returned for each open container (undefined when it was not called)
  const values: unknown[] = [];
  let expectKey = false;
  let key = '';
  let keyLine = 0;
  let line = 1;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) {
      line++;
      i++;
    } else if (c === 34 /* " */) {
      const end = closingQuote(text, i + 1);
      if (expectKey) {
        const raw = text.slice(i + 1, end);
        key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        keyLine = line;
        expectKey = false;
      }
      i = end + 1;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      const depth = isObject.length;
      if (depth > 0) {
        const inObject = isObject[depth - 1] === true;
        const name = inObject ? key : '[]';
        values.push(inObject && (c === 123 || includeArrays) ? onObjectKey(parents, key, keyLine, values[depth - 1]) : undefined);
        parents.push(name);
      } else {
        values.push(undefined);
      }
      isObject.push(c === 123);
      expectKey = c === 123;
      i++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      isObject.pop();
      values.pop();
      if (parents.length >= isObject.length && parents.length > 0) parents.pop();
      expectKey = false;
      i++;
    } else if (c === 44 /* , */) {
      expectKey = isObject[isObject.length - 1] === true;
      i++;
    } else {
      i++;
    }
  }
}

/** Index of the quote that closes a JSON string whose content starts at `from`. */
function closingQuote(text: string, from: number): number {
  let j = from;
  for (;;) {
    const k = text.indexOf('"', j);
    if (k < 0) return text.length;
    let backslashes = 0;
    let b = k - 1;
    while (b >= from && text.charCodeAt(b) === 92 /* \ */) {
      backslashes++;
      b--;
    }
    if (backslashes % 2 === 0) return k;
    j = k + 1;
  }
}
