import { ParseError } from '../../model/errors.js';
import type { DependencyScope, ExtractResult } from '../../model/types.js';
import type { Extractor } from '../types.js';
import { NpmPackageSet, isGitSpec, splitNameVersion } from './common.js';
import { scanObjectKeyLines } from './json-key-lines.js';

/**
 * bun.lock, Bun's text lockfile: JSON with comments and trailing commas. `packages` maps an
 * install path (`name`, or `parent/name` when nested) to `[ident, registry, meta, integrity]`.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const WORKSPACE_FIELDS: readonly [string, DependencyScope][] = [
  ['dependencies', 'runtime'],
  ['peerDependencies', 'runtime'],
  ['optionalDependencies', 'optional'],
  ['devDependencies', 'dev'],
];

/**
 * JSONC → JSON in one pass: comments become spaces (newlines kept, so lines stay the same) and
 * trailing commas go. Hand-written because the JSON5 parsers give no key positions and are
 * several times slower than JSON.parse on large files. Linear: the output is a list of pieces
 * joined once, and a trailing comma is blanked in place rather than by copying what came before.
 */
export function jsoncToJson(text: string): string {
  const pieces: string[] = [];
  let from = 0;
  let pendingComma = -1; // index in `pieces` of a comma that may be trailing
  const length = text.length;
  let i = 0;
  const flush = (to: number) => {
    if (to > from) pieces.push(text.slice(from, to));
    from = to;
  };
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      pendingComma = -1;
      i++;
      while (i < length) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) {
          i++;
          break;
        } else i++;
      }
    } else if (c === 47 /* / */ && (text.charCodeAt(i + 1) === 47 || text.charCodeAt(i + 1) === 42)) {
      flush(i);
      const block = text.charCodeAt(i + 1) === 42;
      let end = block ? text.indexOf('*/', i + 2) : text.indexOf('\n', i + 2);
      end = end < 0 ? length : block ? end + 2 : end;
      pieces.push(text.slice(i, end).replace(/[^\n]/g, ' '));
      i = end;
      from = end;
    } else if (c === 44 /* , */) {
      flush(i);
      pendingComma = pieces.length;
      pieces.push(',');
      from = ++i;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (pendingComma >= 0) {
        pieces[pendingComma] = ' ';
        pendingComma = -1;
      }
      i++;
    } else {
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) pendingComma = -1;
      i++;
    }
  }
  flush(length);
  return pieces.join('');
}

/** A segment of the install-path tree. */
interface PathNode {
  parent?: PathNode;
  children?: Map<string, PathNode>;
  /** The `packages` key ending here. */
  installPath?: string;
}

/** The node at `path` below `from`, made on the way when `create`. */
function descend(from: PathNode, path: string, create: boolean): PathNode | undefined {
  let node = from;
  for (const segment of path.split('/')) {
    let next = node.children?.get(segment);
    if (!next) {
      if (!create) return undefined;
      node.children ??= new Map();
      next = { parent: node };
      node.children.set(segment, next);
    }
    node = next;
  }
  if (create) node.installPath ??= path;
  return node;
}

function deepestPrefix(root: PathNode, path: string): PathNode {
  let node = root;
  if (path === '') return node;
  for (const segment of path.split('/')) {
    const next = node.children?.get(segment);
    if (!next) break;
    node = next;
  }
  return node;
}

export function parseBunLock(content: string, path: string): ExtractResult {
  const json = jsoncToJson(content);
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (error) {
    throw new ParseError(path, `not valid JSONC (${(error as Error).message})`, { cause: error });
  }
  if (!isObject(doc)) throw new ParseError(path, 'expected an object at the top level');
  if (doc.lockfileVersion !== 0 && doc.lockfileVersion !== 1) {
    throw new ParseError(
      path,
      doc.lockfileVersion === undefined
        ? 'no lockfileVersion: not a bun.lock'
        : `unsupported lockfileVersion ${JSON.stringify(doc.lockfileVersion)} (Sieve reads 0 and 1)`,
    );
  }
  if (doc.packages !== undefined && !isObject(doc.packages)) throw new ParseError(path, '"packages" must be an object');
  if (doc.workspaces !== undefined && !isObject(doc.workspaces)) throw new ParseError(path, '"workspaces" must be an object');
  const packages = isObject(doc.packages) ? doc.packages : {};
  const workspaces = isObject(doc.workspaces) ? doc.workspaces : {};

  const lines = new Map<string, number>();
  scanObjectKeyLines(
    json,
    (parents, key, line) => {
      if (parents.length === 1 && parents[0] === 'packages' && !lines.has(key)) lines.set(key, line);
    },
    true,
  );

  const warnings: string[] = [];
  const set = new NpmPackageSet(path);
  const keyOfPath = new Map<string, string>();
  const metaOfPath = new Map<string, Json>();
  for (const [installPath, value] of Object.entries(packages)) {
    const line = lines.get(installPath) ?? 1;
    const ident = Array.isArray(value) ? value[0] : undefined;
    if (typeof ident !== 'string') {
      warnings.push(`${path}:${line}: ${installPath} is not a [name@version, ...] entry; skipped`);
      continue;
    }
    const split = splitNameVersion(ident);
    const reference = split?.range ?? '';
    if (!split || reference.startsWith('root:')) continue;
    const meta = Array.isArray(value) ? value.find((item, index) => index > 0 && isObject(item)) : undefined;
    const local = /^(workspace|link|file|portal):/.exec(reference);
    if (local) {
      // The project's own folders: listed (a workspace's version from its entry), never matched.
      const folder = reference.slice(local[0].length);
      const workspace = workspaces[folder];
      const version = isObject(workspace) && typeof workspace.version === 'string' ? workspace.version : '';
      keyOfPath.set(installPath, set.add({ name: split.name, version, direct: local[1] === 'workspace', scope: 'runtime', line, source: 'local', sourceRef: folder }));
      if (isObject(meta)) metaOfPath.set(installPath, meta);
      continue;
    }
    if (isGitSpec(reference)) {
      keyOfPath.set(installPath, set.add({ name: split.name, version: '', direct: false, scope: 'runtime', line, source: 'git', sourceRef: reference }));
      if (isObject(meta)) metaOfPath.set(installPath, meta);
      continue;
    }
    if (!/^v?\d[^\s:/#]*$/.test(reference)) {
      warnings.push(`${path}:${line}: ${ident} is not from the registry; skipped`);
      continue;
    }
    if (isObject(meta)) metaOfPath.set(installPath, meta);
    const installedName = installPath.startsWith('@')
      ? installPath.split('/').slice(-2).join('/')
      : installPath.slice(installPath.lastIndexOf('/') + 1);
    // a nested path ends in a scoped name only when its second-to-last segment starts with @
    const segments = installPath.split('/');
    const lastName =
      segments.length >= 2 && (segments[segments.length - 2] as string).startsWith('@')
        ? segments.slice(-2).join('/')
        : (segments[segments.length - 1] as string);
    const alias = lastName !== split.name ? lastName : installedName !== split.name && segments.length === 1 ? installedName : undefined;
    keyOfPath.set(installPath, set.add({ name: split.name, version: reference, direct: false, scope: 'runtime', line, alias }));
  }

  // Bun's resolution: `<parent path>/<name>`, then each shorter parent, then the top level. The
  // install paths form a tree by `/` segment, so each step up is a pointer, never a string join.
  const root: PathNode = {};
  const nodeOf = new Map<string, PathNode>();
  for (const installPath of keyOfPath.keys()) nodeOf.set(installPath, descend(root, installPath, true) as PathNode);
  const resolve = (fromPath: string, depName: string): string | undefined => {
    // a workspace's name need not be an install path: start from the deepest prefix that is
    let node: PathNode | undefined = nodeOf.get(fromPath) ?? deepestPrefix(root, fromPath);
    for (; node; node = node.parent) {
      const found = descend(node, depName, false)?.installPath;
      if (found !== undefined) return keyOfPath.get(found);
    }
    return undefined;
  };

  for (const [installPath, meta] of metaOfPath) {
    const from = keyOfPath.get(installPath) as string;
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies'] as const) {
      const deps = meta[field];
      if (!isObject(deps)) continue;
      for (const depName of Object.keys(deps)) {
        const to = resolve(installPath, depName);
        if (to !== undefined) set.addEdge(from, to, field === 'optionalDependencies');
      }
    }
  }

  const roots = new Map<string, DependencyScope>();
  for (const [folder, workspace] of Object.entries(workspaces)) {
    if (!isObject(workspace)) continue;
    const prefix = folder === '' || typeof workspace.name !== 'string' ? '' : workspace.name;
    for (const [field, scope] of WORKSPACE_FIELDS) {
      const deps = workspace[field];
      if (!isObject(deps)) continue;
      for (const depName of Object.keys(deps)) {
        const key = resolve(prefix, depName);
        const pkg = key === undefined ? undefined : set.get(key);
        if (!pkg || key === undefined) continue;
        pkg.direct = true;
        const previous = roots.get(key);
        roots.set(key, previous === undefined || previous === 'dev' || scope === 'runtime' ? scope : previous);
      }
    }
  }
  set.propagateScopes(roots);
  return { packages: set.packages(true), warnings };
}

export const bunLockExtractor: Extractor = {
  id: 'npm/bun-lock',
  ecosystem: 'npm',
  patterns: ['bun.lock'],
  parse: parseBunLock,
};
