import picomatch from 'picomatch';
import { InputLimitError, ParseError } from '../../model/errors.js';
import { INPUT_LIMITS } from '../limits.js';
import type { DependencyScope, ExtractResult } from '../../model/types.js';
import type { Extractor } from '../types.js';
import { NpmPackageSet, isGitSpec, isRegistryVersion, splitNameVersion } from './common.js';
import { scanObjectKeyLines } from './json-key-lines.js';

/**
 * npm's package-lock.json and npm-shrinkwrap.json, lockfileVersion 1 (nested `dependencies`)
 * and 2/3 (flat `packages` map keyed by install path; preferred when both are present).
 */

type Json = Record<string, unknown>;

const DEP_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;
const NODE_MODULES = 'node_modules/';

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NO_NAMES: readonly string[] = [];

/** The keys of a `{ name: range }` map, or none when it is not an object. */
function depNames(value: unknown): readonly string[] {
  return isObject(value) ? Object.keys(value) : NO_NAMES;
}

/** npm's own flags: dev = only under devDependencies; devOptional = dev, and optional in production. */
function scopeFromFlags(entry: Json): DependencyScope {
  if (entry.dev === true) return 'dev';
  if (entry.optional === true || entry.devOptional === true) return 'optional';
  return 'runtime';
}

export function parsePackageLock(
  content: string,
  path: string,
  readSibling?: (relativePath: string) => string | undefined,
): ExtractResult {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (error) {
    throw new ParseError(path, `not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isObject(doc)) throw new ParseError(path, 'expected a JSON object at the top level');
  const version = doc.lockfileVersion;
  if (version !== 1 && version !== 2 && version !== 3) {
    throw new ParseError(
      path,
      version === undefined
        ? 'no lockfileVersion: not an npm lockfile'
        : `unsupported lockfileVersion ${JSON.stringify(version)} (Sieve reads 1, 2 and 3)`,
    );
  }
  if (doc.packages !== undefined && !isObject(doc.packages)) {
    throw new ParseError(path, '"packages" must be an object');
  }
  if (doc.dependencies !== undefined && !isObject(doc.dependencies)) {
    throw new ParseError(path, '"dependencies" must be an object');
  }
  if (isObject(doc.packages)) return parsePackagesMap(content, path, doc.packages);
  if (version !== 1 && doc.dependencies === undefined) {
    throw new ParseError(path, `lockfileVersion ${version} without a "packages" map`);
  }
  return parseV1(content, path, isObject(doc.dependencies) ? doc.dependencies : {}, readSibling);
}

/** The installed name of a `packages` key: what follows the last `node_modules/`. */
function installedName(key: string): string | undefined {
  const at = key.lastIndexOf(NODE_MODULES);
  if (at < 0 || (at > 0 && key[at - 1] !== '/')) return undefined;
  return key.slice(at + NODE_MODULES.length);
}

/** A folder of the install tree: `node_modules/<name>` and plain folders are its children. */
interface Folder {
  parent?: Folder;
  children?: Map<string, Folder>;
  /** The `packages` key naming this folder, when there is one. */
  key?: string;
}

/**
 * The `packages` keys as a tree: `a/node_modules/@s/b` is folder `a`, then `node_modules/@s/b`.
 * Building it reads each key once; the parent of a folder is the one Node looks in next.
 */
class FolderTree {
  readonly root: Folder = { key: '' };

  add(key: string): Folder {
    let folder = this.root;
    for (const step of FolderTree.steps(key)) {
      folder.children ??= new Map();
      let next = folder.children.get(step);
      if (!next) {
        next = { parent: folder };
        folder.children.set(step, next);
      }
      folder = next;
    }
    folder.key = key;
    return folder;
  }

  /** `a/b/node_modules/@s/c/node_modules/d` → `a`, `b`, `node_modules/@s/c`, `node_modules/d`. */
  private static steps(key: string): string[] {
    if (key === '') return [];
    const parts = key.split('/');
    const steps: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (part === 'node_modules' && i + 1 < parts.length) {
        const name = parts[i + 1] as string;
        if (name.startsWith('@') && i + 2 < parts.length) {
          steps.push(`${NODE_MODULES}${name}/${parts[i + 2]}`);
          i += 2;
        } else {
          steps.push(`${NODE_MODULES}${name}`);
          i += 1;
        }
      } else steps.push(part);
    }
    return steps;
  }
}

function workspacePatterns(root: Json): string[] {
  const ws = root.workspaces;
  const list = Array.isArray(ws) ? ws : isObject(ws) && Array.isArray(ws.packages) ? ws.packages : [];
  return list.filter((p): p is string => typeof p === 'string').map((p) => p.replace(/^\.\//, '').replace(/\/$/, ''));
}

function parsePackagesMap(content: string, path: string, packages: Json): ExtractResult {
  const warnings: string[] = [];
  const lines = new Map<string, number>();
  scanObjectKeyLines(content, (parents, key, line) => {
    if (parents.length === 1 && parents[0] === 'packages' && !lines.has(key)) lines.set(key, line);
  });

  // One pass over the keys: a 10,000-key object from JSON.parse is a dictionary, and each
  // Object.entries call on it sorts the keys again.
  const entries = new Map<string, Json>();
  for (const [key, entry] of Object.entries(packages)) if (isObject(entry)) entries.set(key, entry);
  // refused before the work, not after: a million-entry lockfile is not one Sieve reads
  if (entries.size > INPUT_LIMITS.maxEntries) throw new InputLimitError(path, 'maxEntries', INPUT_LIMITS.maxEntries, `${entries.size} entries`);

  const root = entries.get('') ?? {};
  const patterns = workspacePatterns(root);
  const isWorkspace = patterns.length > 0 ? picomatch(patterns, { dot: true }) : () => false;
  // Folders whose declared dependencies are direct: the root project and its workspaces.
  const projectFolders = [''];
  const set = new NpmPackageSet(path);
  const keyOfPath = new Map<string, string>();
  const bundled: string[] = [];
  const links: [string, string][] = [];
  for (const [key, entry] of entries) {
    if (key === '') continue;
    const folderName = installedName(key);
    const line = lines.get(key) ?? 1;
    if (folderName === undefined) {
      // Local folders (workspaces, file: dependencies) are the project's own code: listed, not matched.
      if (isWorkspace(key)) projectFolders.push(key);
      const name = typeof entry.name === 'string' && entry.name !== '' ? entry.name : key.slice(key.lastIndexOf('/') + 1);
      const version = typeof entry.version === 'string' ? entry.version : '';
      // A workspace is the project itself; a file: folder is direct when the project names it.
      keyOfPath.set(key, set.add({ name, version, direct: isWorkspace(key), scope: scopeFromFlags(entry), line, source: 'local', sourceRef: key }));
      continue;
    }
    // Links point at such a folder: resolved once every folder is known.
    if (entry.link === true) {
      if (typeof entry.resolved === 'string') links.push([key, entry.resolved]);
      continue;
    }
    const name = typeof entry.name === 'string' && entry.name !== '' ? entry.name : folderName;
    const version = typeof entry.version === 'string' ? entry.version : '';
    const resolved = typeof entry.resolved === 'string' ? entry.resolved : '';
    const alias = name !== folderName ? folderName : undefined;
    if (isGitSpec(resolved) || isGitSpec(version)) {
      // A git dependency: npm writes the package.json version (or the git URL when there is none).
      const gitVersion = isRegistryVersion(version) ? version : '';
      keyOfPath.set(key, set.add({ name, version: gitVersion, direct: false, scope: scopeFromFlags(entry), line, alias, source: 'git', sourceRef: resolved || version }));
      continue;
    }
    if (!isRegistryVersion(version)) {
      warnings.push(`${path}:${line}: ${key} has no registry version${resolved ? ` (resolved from ${resolved})` : ''}; skipped`);
      continue;
    }
    if (entry.inBundle === true) bundled.push(`${name}@${version}`);
    keyOfPath.set(key, set.add({ name, version, direct: false, scope: scopeFromFlags(entry), line, alias }));
  }
  for (const [key, folder] of links) {
    const target = keyOfPath.get(folder);
    if (target !== undefined) keyOfPath.set(key, target);
  }

  // Node's resolution: look in <dir>/node_modules, then in each parent directory. The keys form a
  // tree of folders, so each step up is a pointer and each look-up a short name, never a long key.
  const tree = new FolderTree();
  const folderOf = new Map<string, Folder>();
  for (const key of entries.keys()) folderOf.set(key, tree.add(key));
  const resolve = (fromKey: string, depName: string): string | undefined => {
    const child = `${NODE_MODULES}${depName}`;
    let dir = folderOf.get(fromKey);
    for (let steps = 0; dir && steps <= INPUT_LIMITS.maxNestingDepth; steps++) {
      const key = dir.children?.get(child)?.key;
      if (key !== undefined) return key;
      dir = dir.parent;
    }
    return undefined;
  };

  for (const folder of projectFolders) {
    const entry = entries.get(folder);
    if (!entry) continue;
    for (const field of DEP_FIELDS) {
      for (const depName of depNames(entry[field])) {
        const target = resolve(folder, depName);
        const pkgKey = target === undefined ? undefined : keyOfPath.get(target);
        const pkg = pkgKey === undefined ? undefined : set.get(pkgKey);
        if (pkg) pkg.direct = true;
      }
    }
  }

  for (const [key, pkgKey] of keyOfPath) {
    const entry = entries.get(key) as Json;
    if (entry.link === true) continue;
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies'] as const) {
      for (const depName of depNames(entry[field])) {
        const target = resolve(key, depName);
        const depKey = target === undefined ? undefined : keyOfPath.get(target);
        if (depKey !== undefined) set.addEdge(pkgKey, depKey);
      }
    }
  }

  if (bundled.length > 0) {
    warnings.push(
      `${path}: ${bundled.length} bundled package(s) ship inside their parent's tarball and are not installed separately: ${bundled.slice(0, 20).join(', ')}${bundled.length > 20 ? ', ...' : ''}`,
    );
  }
  return { packages: set.packages(true), warnings };
}

/** Names the root project declares, from the package.json beside a v1 lockfile, when readable. */
function declaredBySibling(
  path: string,
  readSibling?: (relativePath: string) => string | undefined,
): Set<string> | undefined {
  if (!readSibling) return undefined;
  const slash = path.lastIndexOf('/');
  const manifestPath = slash < 0 ? 'package.json' : `${path.slice(0, slash)}/package.json`;
  const text = readSibling(manifestPath);
  if (text === undefined) return undefined;
  try {
    const manifest: unknown = JSON.parse(text);
    if (!isObject(manifest)) return undefined;
    const names = new Set<string>();
    for (const field of DEP_FIELDS) for (const name of depNames(manifest[field])) names.add(name);
    return names;
  } catch {
    return undefined;
  }
}

/** One entry of a v1 tree; the root (no entry) holds the top-level `dependencies`. */
interface V1Node {
  entry: Json;
  /** Installed name (the key in its parent's `dependencies`). */
  name: string;
  parent?: V1Node;
  children: V1Node[];
  depth: number;
  pkgKey?: string;
}

/** Where each v1 entry starts in the text: the same tree as the JSON, by installed name. */
interface LineNode {
  line: number;
  children?: Map<string, LineNode>;
}

/** The text's v1 tree of entry lines, one constant-time step per key however deep it nests. */
function v1Lines(content: string): Map<string, LineNode> {
  const top = new Map<string, LineNode>();
  type Scope = { kind: 'deps'; into: Map<string, LineNode> } | { kind: 'entry'; node: LineNode };
  scanObjectKeyLines(content, (parents, key, line, parent) => {
    const scope = parent as Scope | undefined;
    if (scope === undefined) return parents.length === 0 && key === 'dependencies' ? { kind: 'deps', into: top } : undefined;
    if (scope.kind === 'deps') {
      let node = scope.into.get(key);
      if (!node) {
        node = { line };
        scope.into.set(key, node);
      }
      return { kind: 'entry', node };
    }
    if (key !== 'dependencies') return undefined;
    scope.node.children ??= new Map();
    return { kind: 'deps', into: scope.node.children };
  });
  return top;
}

/** `a > b > c` for warnings, at most the last few names of a deep chain. */
function chainLabel(node: V1Node): string {
  const names: string[] = [];
  let at: V1Node | undefined = node;
  while (at?.parent && names.length < 4) {
    names.unshift(at.name);
    at = at.parent;
  }
  return `${at?.parent ? '… > ' : ''}${names.join(' > ')}`;
}

function parseV1(
  content: string,
  path: string,
  dependencies: Json,
  readSibling?: (relativePath: string) => string | undefined,
): ExtractResult {
  const warnings: string[] = [];
  const set = new NpmPackageSet(path);
  const bundled: string[] = [];
  const requiredNames = new Set<string>();
  const root: V1Node = { entry: {}, name: '', children: [], depth: 0 };
  const stack: { deps: Json; parent: V1Node; lines: Map<string, LineNode> | undefined }[] = [
    { deps: dependencies, parent: root, lines: v1Lines(content) },
  ];
  let visited = 0;
  while (stack.length > 0) {
    const { deps, parent, lines } = stack.pop() as (typeof stack)[number];
    for (const [installed, entry] of Object.entries(deps)) {
      if (!isObject(entry)) continue;
      if (++visited > INPUT_LIMITS.maxEntries) {
        throw new InputLimitError(path, 'maxEntries', INPUT_LIMITS.maxEntries, `more than ${INPUT_LIMITS.maxEntries} entries`);
      }
      const node: V1Node = { entry, name: installed, parent, children: [], depth: parent.depth + 1 };
      if (node.depth > INPUT_LIMITS.maxNestingDepth) {
        throw new InputLimitError(path, 'maxNestingDepth', INPUT_LIMITS.maxNestingDepth, `"dependencies" nested more than ${INPUT_LIMITS.maxNestingDepth} levels deep`);
      }
      parent.children.push(node);
      const lineNode = lines?.get(installed);
      for (const name of depNames(entry.requires)) requiredNames.add(name);
      if (isObject(entry.dependencies)) stack.push({ deps: entry.dependencies, parent: node, lines: lineNode?.children });
      const line = lineNode?.line ?? 1;
      let name = installed;
      let version = typeof entry.version === 'string' ? entry.version : '';
      let alias: string | undefined;
      if (version.startsWith('npm:')) {
        const real = splitNameVersion(version.slice(4));
        if (real) {
          alias = installed;
          name = real.name;
          version = real.range;
        }
      }
      if (isGitSpec(version)) {
        // v1 writes the git URL as the version: listed as a git package, not matched.
        node.pkgKey = set.add({ name, version: '', direct: false, scope: scopeFromFlags(entry), line, alias, source: 'git', sourceRef: version });
        continue;
      }
      if (version.startsWith('file:')) {
        node.pkgKey = set.add({ name, version: '', direct: false, scope: scopeFromFlags(entry), line, alias, source: 'local', sourceRef: version.slice('file:'.length) });
        continue;
      }
      if (!isRegistryVersion(version)) {
        warnings.push(`${path}:${line}: ${chainLabel(node)} has no registry version (${version.slice(0, 200) || 'none'}); skipped`);
        continue;
      }
      if (entry.bundled === true) bundled.push(`${name}@${version}`);
      node.pkgKey = set.add({ name, version, direct: false, scope: scopeFromFlags(entry), line, alias });
    }
  }

  // v1 does not record what the root declares: read package.json when we can, else take the
  // top-level entries nothing else requires (npm would not have installed them otherwise).
  const declared = declaredBySibling(path, readSibling);
  const topLevel = new Map<string, V1Node>();
  for (const node of root.children) if (!topLevel.has(node.name)) topLevel.set(node.name, node);
  for (const installed of Object.keys(dependencies)) {
    const isDirect = declared ? declared.has(installed) : !requiredNames.has(installed);
    const pkgKey = topLevel.get(installed)?.pkgKey;
    const pkg = isDirect && pkgKey !== undefined ? set.get(pkgKey) : undefined;
    if (pkg) pkg.direct = true;
  }

  // Edges: a requirement resolves to the nearest entry of that name, from this entry's own
  // `dependencies` up to the top. One depth-first walk keeps, for each name, the stack of entries
  // of that name in scope, so each requirement is one lookup however deep the tree is.
  const inScope = new Map<string, V1Node[]>();
  const walk: { node: V1Node; leaving: boolean }[] = [{ node: root, leaving: false }];
  while (walk.length > 0) {
    const { node, leaving } = walk.pop() as (typeof walk)[number];
    if (leaving) {
      for (const child of node.children) inScope.get(child.name)?.pop();
      continue;
    }
    for (const child of node.children) {
      const list = inScope.get(child.name);
      if (list) list.push(child);
      else inScope.set(child.name, [child]);
    }
    if (node.pkgKey !== undefined) {
      for (const depName of depNames(node.entry.requires)) {
        const target = inScope.get(depName)?.at(-1);
        if (target?.pkgKey !== undefined) set.addEdge(node.pkgKey, target.pkgKey);
      }
    }
    walk.push({ node, leaving: true });
    for (const child of node.children) walk.push({ node: child, leaving: false });
  }

  if (bundled.length > 0) {
    warnings.push(
      `${path}: ${bundled.length} bundled package(s) ship inside their parent's tarball and are not installed separately: ${bundled.slice(0, 20).join(', ')}${bundled.length > 20 ? ', ...' : ''}`,
    );
  }
  return { packages: set.packages(true), warnings };
}

export const packageLockExtractor: Extractor = {
  id: 'npm/package-lock',
  ecosystem: 'npm',
  patterns: ['package-lock.json', 'npm-shrinkwrap.json'],
  parse: parsePackageLock,
};
