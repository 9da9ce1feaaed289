import { InputLimitError, ParseError, SieveError, errorMessage } from '../model/errors.js';
import type { ExtractResult } from '../model/types.js';
import { INPUT_LIMITS } from './limits.js';
import type { Extractor } from './types.js';

/**
 * Runs one extractor on one file's text, with the checks every format shares. Whatever goes
 * wrong ends in a typed ParseError (or InputLimitError) naming the file: the caller records a
 * failed read, and the findings that file covers stay open (absence of evidence is not a fix).
 */
export function parseLockfile(
  extractor: Extractor,
  content: string,
  path: string,
  readSibling?: (relativePath: string) => string | undefined,
): ExtractResult {
  refuseUnreadable(content, path);
  if (extractor.lineOriented) checkLines(content, path);
  let result: ExtractResult;
  try {
    result = extractor.parse(content, path, readSibling);
  } catch (error) {
    if (error instanceof SieveError) {
      if (error instanceof ParseError) throw error;
      throw new ParseError(path, error.message, { cause: error, code: error.code });
    }
    // A parser bug is reported like a bad file: one file must not stop the others.
    const why = error instanceof RangeError && /call stack/i.test(error.message) ? 'nested too deeply to read' : errorMessage(error);
    throw new ParseError(path, `${extractor.id} could not read it: ${why}`, { cause: error });
  }
  if (result.packages.length > INPUT_LIMITS.maxEntries) {
    throw new InputLimitError(path, 'maxEntries', INPUT_LIMITS.maxEntries, `${result.packages.length} packages`);
  }
  const warnings = result.warnings ?? [];
  if (warnings.length > INPUT_LIMITS.maxWarningsPerFile) {
    // a file of 200,000 skipped entries must not flood the summary (or a caller's push(...))
    const kept = warnings.slice(0, INPUT_LIMITS.maxWarningsPerFile);
    kept.push(`${path}: ${warnings.length - kept.length} more warnings not shown (maxWarningsPerFile)`);
    return { ...result, warnings: kept };
  }
  return result;
}

/** The first line of a Git LFS pointer file (git-lfs spec v1, and the pre-release "hawser" one). */
const LFS_POINTER = /^version https:\/\/(?:git-lfs\.github\.com\/spec\/v1|hawser\.github\.com\/spec\/v1)\s*\n/;

/**
 * Files that parse as "no packages" without saying so: an empty or whitespace-only file (a cut
 * checkout or a placeholder) and a Git LFS pointer (the real file was never fetched). Neither is
 * evidence that a package left, so each is a failed read.
 */
export function refuseUnreadable(content: string, path: string): void {
  if (isBlank(content)) {
    throw new ParseError(path, 'the file is empty: Sieve cannot tell "no packages" from a file that was cut or not yet written, so it is not read');
  }
  if (LFS_POINTER.test(content.slice(0, 128))) {
    throw new ParseError(path, 'the file is a Git LFS pointer, not its content: Sieve does not fetch LFS objects; scan a checkout where git lfs pull ran, or exclude the file');
  }
}

function isBlank(content: string): boolean {
  for (let i = 0; i < content.length; i++) {
    const c = content.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xfeff) return false;
  }
  return true;
}

/** Bounds the line count and every line's length of a line-oriented file, in one pass. */
export function checkLines(content: string, path: string): void {
  let lines = 0;
  let start = 0;
  while (start <= content.length) {
    let end = content.indexOf('\n', start);
    if (end < 0) end = content.length;
    lines++;
    if (end - start > INPUT_LIMITS.maxLineLength) {
      throw new InputLimitError(path, 'maxLineLength', INPUT_LIMITS.maxLineLength, `line ${lines} is ${end - start} characters long`);
    }
    if (lines > INPUT_LIMITS.maxLines) throw new InputLimitError(path, 'maxLines', INPUT_LIMITS.maxLines, `more than ${INPUT_LIMITS.maxLines} lines`);
    start = end + 1;
  }
}
