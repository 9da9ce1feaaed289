import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BatchProcess } from '../exec/batch.js';
import { SieveError } from '../model/errors.js';

/** One file of a commit's tree, as `git ls-tree -r` lists it. */
export interface TreeEntry {
  path: string;
  /** `100644`, `100755`, `120000` (a symlink: never followed), `160000` (a submodule). */
  mode: string;
  type: string;
  oid: string;
}

export const SYMLINK_MODE = '120000';

/** `git ls-tree -r -z` output → entries. Paths are taken byte for byte, never interpreted. */
export function parseLsTree(text: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of text.split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, oid] = record.slice(0, tab).split(' ');
    if (!mode || !type || !oid) continue;
    entries.push({ mode, type, oid, path: record.slice(tab + 1) });
  }
  return entries;
}

export type BlobRead = { content: string } | { tooLarge: number } | { missing: true };

/**
 * Reads blobs of one repository through ONE `git cat-file --batch-command` process: the size is
 * asked first, and only blobs within the bound are read.
 */
export class BlobReader {
  private process: BatchProcess | undefined;

  constructor(private readonly start: () => BatchProcess) {}

  async read(oid: string, maxBytes: number): Promise<BlobRead> {
    if (!/^[0-9a-f]{40,64}$/.test(oid)) throw new SieveError('SIEVE_CHECKOUT', `not an object id: ${oid}`);
    this.process ??= this.start();
    const info = await this.process.request(`info ${oid}`, () => undefined);
    const match = /^[0-9a-f]+ (\S+) (\d+)$/.exec(info.header);
    if (!match || match[1] !== 'blob') return { missing: true };
    const size = Number(match[2]);
    if (size > maxBytes) return { tooLarge: size };
    const answer = await this.process.request(`contents ${oid}`, (header) => {
      const sized = /^[0-9a-f]+ blob (\d+)$/.exec(header);
      return sized ? Number(sized[1]) : undefined;
    });
    if (!answer.body) return { missing: true };
    const text = answer.body.toString('utf8');
    return { content: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  }

  async close(): Promise<void> {
    await this.process?.close();
    this.process = undefined;
  }
}

/** True for a mirror made as a partial clone: its blobs come on demand from the remote. */
export function isPartialMirror(mirror: string): boolean {
  try {
    return /^\s*promisor\s*=\s*true\s*$/m.test(readFileSync(join(mirror, 'config'), 'utf8'));
  } catch {
    return false;
  }
}
