import { chmodSync, lstatSync, mkdtempSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { OutputError } from '../model/errors.js';
import { writeFileAtomic } from '../model/write-file-atomic.js';

/** The file that marks a folder as a site Sieve wrote, and so one `report -o` may replace. */
export const SITE_MARKER = '.sieve-site';

function lstat(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OutputError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function requireParentFolder(path: string): void {
  const parent = dirname(path);
  const stat = lstat(parent);
  if (!stat) throw new OutputError(path, `the folder ${parent} does not exist`);
  if (!stat.isDirectory()) throw new OutputError(path, `${parent} is not a folder`);
}

function failure(path: string, error: unknown): OutputError {
  return new OutputError(path, `cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
}

/**
 * Writes a command's `-o FILE`. A folder, a missing parent folder or a write error is an
 * OutputError (exit 2) naming the path; a reader never sees half a file.
 */
export function writeOutputFile(path: string, text: string): void {
  const link = lstat(path);
  if (link?.isDirectory()) throw new OutputError(path, 'is a folder; -o names a file');
  if (link !== undefined && !link.isFile()) {
    // A device, a pipe or a symbolic link (`-o /dev/stdout`, `-o /dev/null`, a named pipe, a link
    // to a file): write through it. A temp file renamed over it would replace the device or link.
    let target: Stats | undefined;
    try {
      target = statSync(path);
    } catch {
      target = undefined;
    }
    if (target?.isDirectory()) throw new OutputError(path, 'is a folder; -o names a file');
    try {
      if (target?.isFile()) writeFileAtomic(realpathSync(path), text);
      else writeFileSync(path, text);
    } catch (error) {
      throw failure(path, error);
    }
    return;
  }
  requireParentFolder(path);
  try {
    writeFileAtomic(path, text);
  } catch (error) {
    throw failure(path, error);
  }
}

/**
 * Replaces the folder `out` with what `fill` writes, without ever destroying what Sieve did not
 * write: `fill` writes into a fresh folder beside `out`, which is then swapped in. `out` may be
 * missing, empty, or a site Sieve wrote earlier (it holds SITE_MARKER); a file, a symbolic link, a
 * folder with someone else's files in it, or the folder the user works in is refused.
 */
export function replaceSiteFolder(out: string, cwd: string, marker: string, fill: (dir: string) => void): void {
  const stat = lstat(out);
  if (stat) {
    if (stat.isSymbolicLink()) throw new OutputError(out, 'is a symbolic link; name the folder itself');
    if (!stat.isDirectory()) throw new OutputError(out, 'is a file, not a folder; Sieve will not replace it');
    let entries: string[];
    try {
      entries = readdirSync(out);
    } catch (error) {
      throw failure(out, error);
    }
    if (entries.length > 0 && !entries.includes(SITE_MARKER)) {
      throw new OutputError(out, `holds files Sieve did not write (no ${SITE_MARKER}); choose a new or empty folder`);
    }
    const inside = relative(out, cwd);
    if (!inside.startsWith('..') && !inside.startsWith('/')) throw new OutputError(out, 'holds the current folder; Sieve will not replace it');
  }
  requireParentFolder(out);
  let fresh: string;
  try {
    fresh = mkdtempSync(join(dirname(out), `.${basename(out)}.new-`));
    // mkdtemp makes a private folder; a site is meant to be served and read.
    chmodSync(fresh, 0o755);
  } catch (error) {
    throw failure(out, error);
  }
  try {
    fill(fresh);
    writeFileSync(join(fresh, SITE_MARKER), marker);
  } catch (error) {
    rmSync(fresh, { recursive: true, force: true });
    throw error;
  }
  // Two renames: at every moment either the old site or the new one is in place (or, if killed
  // between them, the old one beside it under a dot name).
  const old = fresh.replace(/\.new-([^/]*)$/, '.old-$1');
  try {
    if (stat) renameSync(out, old);
  } catch (error) {
    rmSync(fresh, { recursive: true, force: true });
    throw failure(out, error);
  }
  try {
    renameSync(fresh, out);
  } catch (error) {
    if (stat) renameSync(old, out);
    rmSync(fresh, { recursive: true, force: true });
    throw failure(out, error);
  }
  if (stat) rmSync(old, { recursive: true, force: true });
}
