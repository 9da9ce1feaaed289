import { ParseError, errorMessage } from '../model/errors.js';
import { purlFor } from '../model/purl.js';
import type { Ecosystem } from '../model/types.js';

/**
 * purlFor for one ecosystem, with a name or version the purl library refuses reported as a
 * ParseError at the entry's line, so one bad entry names its place in the file.
 */
export function purlMaker(ecosystem: Ecosystem): (path: string, line: number, name: string, version: string) => string {
  return (path, line, name, version) => purlAt(ecosystem, path, line, name, version);
}

/**
 * purlFor, with a refused name or version (a lone surrogate makes encodeURIComponent throw a
 * URIError) reported as a ParseError naming the file and line. Long values are cut in the message.
 */
export function purlAt(ecosystem: Ecosystem, path: string, line: number, name: string, version: string, qualifiers?: Record<string, string>): string {
  try {
    return purlFor(ecosystem, name, version, qualifiers);
  } catch (error) {
    throw new ParseError(path, `line ${line}: "${clip(name)}" "${clip(version)}" is not a valid package name and version: ${errorMessage(error)}`, { cause: error });
  }
}

/** A value for an error message: at most 200 characters, lone surrogates shown as U+FFFD. */
export function clip(value: string): string {
  const text = value.length > 200 ? `${value.slice(0, 200)}…` : value;
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
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

/**
 * A git source as the SBOM may show it: the URL without a token or password in its user part
 * (`https://TOKEN@host/...`); ssh's conventional `git@` user is kept.
 */
export function gitSourceRef(spec: string): string {
  return spec.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@\s]*)@/i, (whole, scheme: string, user: string) => (user === 'git' ? whole : scheme));
}
