import { posix } from 'node:path';
import { InputTooLargeError, SieveError } from '../model/errors.js';
import type { TreeSource } from './walk.js';

/** A file of a commit's tree: its path and git mode (`120000` is a symlink, `160000` a submodule). */
export interface TreeFile {
  path: string;
  mode: string;
}

/** What is known of a file's content: its text, or that it is larger than was read. */
export type LoadedContent = { content: string } | { tooLarge: number } | { unreadable: string };

/** Asked for a file whose content has not been loaded yet: the caller loads it and walks again. */
export class NotLoadedError extends SieveError {
  constructor(readonly path: string) {
    super('SIEVE_NOT_LOADED', `${path}: not loaded yet`);
    this.name = 'NotLoadedError';
  }
}

const REGULAR_MODES = new Set(['100644', '100755', '100664']);

/**
 * A commit's tree held in memory, for the walk: folders are derived from the paths, and the
 * contents come from `loaded`. Every file asked for and not loaded is noted in `wanted`, so the
 * caller can read exactly those blobs (one batch) and walk again: the walk's own rules decide
 * which blobs are read, not a second copy of them.
 */
export class MemoryTreeSource implements TreeSource {
  readonly wanted = new Set<string>();
  private readonly folders = new Map<string, Map<string, 'file' | 'directory' | 'symlink' | 'other'>>();
  private readonly modes = new Map<string, string>();

  constructor(
    files: readonly TreeFile[],
    private readonly loaded: ReadonlyMap<string, LoadedContent>,
  ) {
    for (const file of files) {
      this.modes.set(file.path, file.mode);
      const parts = file.path.split('/');
      let dir = '';
      for (let i = 0; i < parts.length; i++) {
        const name = parts[i] as string;
        const last = i === parts.length - 1;
        let entries = this.folders.get(dir);
        if (!entries) this.folders.set(dir, (entries = new Map()));
        const kind = !last ? 'directory' : file.mode === '120000' ? 'symlink' : REGULAR_MODES.has(file.mode) ? 'file' : 'other';
        if (!entries.has(name) || kind === 'directory') entries.set(name, kind);
        dir = dir ? `${dir}/${name}` : name;
      }
    }
  }

  list(dir: string): Array<{ name: string; kind: 'file' | 'directory' | 'symlink' | 'other' }> {
    return [...(this.folders.get(dir) ?? new Map<string, 'file'>()).entries()].map(([name, kind]) => ({ name, kind }));
  }

  read(relativePath: string, maxBytes: number): string {
    const loaded = this.loaded.get(relativePath);
    if (!loaded) {
      this.wanted.add(relativePath);
      throw new NotLoadedError(relativePath);
    }
    if ('tooLarge' in loaded) throw new InputTooLargeError(relativePath, loaded.tooLarge, maxBytes);
    if ('unreadable' in loaded) throw new SieveError('SIEVE_CHECKOUT', loaded.unreadable);
    return loaded.content;
  }

  readOptional(relativePath: string, maxBytes: number): string | undefined {
    const normalized = posix.normalize(relativePath.replace(/\\/g, '/'));
    if (normalized.startsWith('../') || normalized === '..' || posix.isAbsolute(normalized)) return undefined;
    // Only regular files: a symlink, a submodule or a path through one is not read.
    if (!REGULAR_MODES.has(this.modes.get(normalized) ?? '')) return undefined;
    const loaded = this.loaded.get(normalized);
    if (!loaded) {
      this.wanted.add(normalized);
      return undefined;
    }
    return 'content' in loaded && loaded.content.length <= maxBytes ? loaded.content : undefined;
  }
}
