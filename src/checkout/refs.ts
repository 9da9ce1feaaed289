import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What a target's ref names in a repository: the ref itself and the commit it leads to. */
export interface ResolvedRef {
  /** `refs/heads/main`, `refs/tags/v1`; absent when the target names a commit. */
  name?: string;
  /** What the ref points at (an annotated tag's object for tags). */
  oid: string;
  /** The commit. */
  commit: string;
}

const OID = /^[0-9a-f]{40}$/;
const MAX_REFS_BYTES = 32 * 1024 * 1024;

/** The `git ls-remote --symref` answer, as ref name → oid (`HEAD` → symref target under `ref:HEAD`). */
export function parseLsRemote(text: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of text.split('\n')) {
    const symref = /^ref: (\S+)\t(\S+)$/.exec(line);
    if (symref) {
      refs.set(`ref:${symref[2]}`, symref[1] as string);
      continue;
    }
    const match = /^([0-9a-f]{40})\t(\S+)$/.exec(line);
    if (match) refs.set(match[2] as string, match[1] as string);
  }
  return refs;
}

/** The entries of a `packed-refs` file: ref → oid, with `^{}` entries for peeled tags. */
export function parsePackedRefs(text: string): Map<string, string> {
  const refs = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    if (line.startsWith('^')) {
      const peeled = line.slice(1).trim();
      if (last && OID.test(peeled)) refs.set(`${last}^{}`, peeled);
      continue;
    }
    const [oid, name] = line.split(' ');
    if (oid && name && OID.test(oid)) {
      refs.set(name, oid);
      last = name;
    }
  }
  return refs;
}

/**
 * Picks what `ref` means among a repository's refs, as git would: a branch, then a tag (peeled to
 * its commit), else the default branch when no ref is given. Undefined when the refs alone cannot
 * say (an unpeeled annotated tag, an abbreviated commit).
 */
export function pickRef(refs: Map<string, string>, ref: string | undefined): ResolvedRef | undefined {
  if (ref === undefined) {
    const head = refs.get('HEAD');
    if (!head) return undefined;
    const name = refs.get('ref:HEAD');
    return { name, oid: head, commit: head };
  }
  if (OID.test(ref)) return { oid: ref, commit: ref };
  const branch = refs.get(`refs/heads/${ref}`);
  if (branch) return { name: `refs/heads/${ref}`, oid: branch, commit: branch };
  const tag = refs.get(`refs/tags/${ref}`);
  if (tag) {
    const peeled = refs.get(`refs/tags/${ref}^{}`);
    // A lightweight tag has no peeled entry in ls-remote; in packed-refs it may lack one too.
    return { name: `refs/tags/${ref}`, oid: tag, commit: peeled ?? tag };
  }
  return undefined;
}

function readSmall(path: string): string | undefined {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > MAX_REFS_BYTES) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The git directory of a local repository (bare, or with a `.git` folder); undefined otherwise. */
export function localGitDir(path: string): string | undefined {
  try {
    if (statSync(join(path, '.git')).isDirectory()) return join(path, '.git');
  } catch {
    // not a worktree with a .git folder
  }
  try {
    if (statSync(join(path, 'objects')).isDirectory() && statSync(join(path, 'HEAD')).isFile()) return path;
  } catch {
    // not a bare repository
  }
  return undefined;
}

/**
 * A local repository's refs read straight from its files: no process at all, which is what makes
 * an unchanged night of local repositories cheap. Undefined when the files do not settle it
 * (reftable, an annotated tag whose commit needs the object); the caller then asks git.
 */
export function readLocalRef(gitDir: string, ref: string | undefined): ResolvedRef | undefined {
  if (readSmall(join(gitDir, 'reftable', 'tables.list')) !== undefined) return undefined;
  const packed = parsePackedRefs(readSmall(join(gitDir, 'packed-refs')) ?? '');
  const loose = (name: string): string | undefined => {
    if (!/^refs\/[\w./-]+$/.test(name) || name.includes('..')) return undefined;
    const text = readSmall(join(gitDir, name))?.trim();
    return text && OID.test(text) ? text : undefined;
  };
  const refs = new Map<string, string>();
  const candidates: string[] = [];
  if (ref === undefined) {
    const head = readSmall(join(gitDir, 'HEAD'))?.trim();
    if (!head) return undefined;
    if (OID.test(head)) return { oid: head, commit: head };
    const symref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
    if (!symref) return undefined;
    refs.set('ref:HEAD', symref);
    const target = loose(symref) ?? packed.get(symref);
    if (!target) return undefined;
    refs.set('HEAD', target);
  } else {
    candidates.push(`refs/heads/${ref}`, `refs/tags/${ref}`);
    for (const name of candidates) {
      const looseOid = loose(name);
      if (looseOid) {
        refs.set(name, looseOid);
        // A loose annotated tag carries no peeled commit: only git can say which commit it is.
        if (name.startsWith('refs/tags/')) return undefined;
        continue;
      }
      const packedOid = packed.get(name);
      if (packedOid) refs.set(name, packedOid);
      const peeled = packed.get(`${name}^{}`);
      if (peeled) refs.set(`${name}^{}`, peeled);
    }
    // packed-refs without "peeled" traits may hold annotated tags unpeeled: ask git.
    if (!refs.has(`refs/heads/${ref}`) && refs.has(`refs/tags/${ref}`) && !refs.has(`refs/tags/${ref}^{}`) && !/^# pack-refs with:.*\bpeeled\b/.test(readSmall(join(gitDir, 'packed-refs')) ?? '')) {
      return undefined;
    }
  }
  return pickRef(refs, ref);
}

/** The oid one ref of a local repository points at, loose or packed; undefined when absent. */
export function refOid(gitDir: string, name: string): string | undefined {
  if (!/^refs\/[\w./-]+$/.test(name) || name.includes('..')) return undefined;
  const loose = readSmall(join(gitDir, name))?.trim();
  if (loose && OID.test(loose)) return loose;
  return parsePackedRefs(readSmall(join(gitDir, 'packed-refs')) ?? '').get(name);
}
