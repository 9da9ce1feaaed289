import { ParseError, errorMessage } from '../model/errors.js';
import { purlFor } from '../model/purl.js';
import type { Ecosystem } from '../model/types.js';

/**
 * purlFor for one ecosystem, with a name or version the purl library refuses reported as a
 * ParseError at the entry's line, so one bad entry names its place in the file.
 */
export function purlMaker(ecosystem: Ecosystem): (path: string, line: number, name: string, version: string) => string {
  return (path, line, name, version) => {
    try {
      return purlFor(ecosystem, name, version);
    } catch (error) {
      throw new ParseError(path, `line ${line}: "${name}" "${version}" is not a valid package name and version: ${errorMessage(error)}`, { cause: error });
    }
  };
}

/** Offset → 1-based line, by binary search over the line starts. */
export function lineFinder(content: string): (offset: number) => number {
  const starts = [0];
  for (let i = content.indexOf('\n'); i >= 0; i = content.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}
