import picomatch from 'picomatch';
import { ParseError } from '../../model/errors.js';
import type { DependencyScope, ExtractResult } from '../../model/types.js';
import type { Extractor } from '../types.js';
import { NpmPackageSet, isRegistryVersion, splitNameVersion } from './common.js';
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

function parentDir(dir: string): string {
  const slash = dir.lastIndexOf('/');
  return slash < 0 ? '' : dir.slice(0, slash);
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

  const root = entries.get('') ?? {};
  const patterns = workspacePatterns(root);
  const isWorkspace = patterns.length > 0 ? picomatch(patterns, { dot: true }) : () => false;
  // Folders whose declared dependencies are direct: the root project and its workspaces.
  const projectFolders = [''];
  const set = new NpmPackageSet(path);
  const keyOfPath = new Map<string, string>();
  const bundled: string[] = [];
  for (const [key, entry] of entries) {
    if (key === '') continue;
    const folderName = installedName(key);
    if (folderName === undefined) {
      // Local folders (workspaces, file: dependencies) are the project's own code, not packages.
      if (isWorkspace(key)) projectFolders.push(key);
      continue;
    }
    // Links point at such a folder.
    if (entry.link === true) continue;
    const line = lines.get(key) ?? 1;
    const name = typeof entry.name === 'string' && entry.name !== '' ? entry.name : folderName;
    const version = typeof entry.version === 'string' ? entry.version : '';
    if (!isRegistryVersion(version)) {
      const resolved = typeof entry.resolved === 'string' ? ` (resolved from ${entry.resolved})` : '';
      warnings.push(`${path}:${line}: ${key} has no registry version${resolved}; skipped`);
      continue;
    }
    if (entry.inBundle === true) bundled.push(`${name}@${version}`);
    const alias = name !== folderName ? folderName : undefined;
    keyOfPath.set(key, set.add({ name, version, direct: false, scope: scopeFromFlags(entry), line, alias }));
  }

  // Node's resolution: look in <dir>/node_modules, then in each parent directory. Directories
  // inside node_modules only nest at `/node_modules/`, so those steps jump straight there.
  const resolve = (fromKey: string, depName: string): string | undefined => {
    let dir = fromKey;
    for (let guard = 0; guard < 256; guard++) {
      const candidate = dir === '' ? NODE_MODULES + depName : `${dir}/${NODE_MODULES}${depName}`;
      if (entries.has(candidate)) return candidate;
      if (dir === '') return undefined;
      const nested = dir.lastIndexOf(`/${NODE_MODULES}`);
      dir = nested >= 0 ? dir.slice(0, nested) : dir.startsWith(NODE_MODULES) ? '' : parentDir(dir);
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

interface V1Node {
  entry: Json;
  /** Installed names from the top level down to this entry. */
  chain: string[];
  pkgKey?: string;
}

function parseV1(
  content: string,
  path: string,
  dependencies: Json,
  readSibling?: (relativePath: string) => string | undefined,
): ExtractResult {
  const warnings: string[] = [];
  const lines = new Map<string, number>();
  scanObjectKeyLines(content, (parents, key, line) => {
    // dependencies / a / dependencies / b ...: odd-length parents alternating with "dependencies"
    if (parents.length % 2 === 0) return;
    for (let i = 0; i < parents.length; i += 2) if (parents[i] !== 'dependencies') return;
    const chain: string[] = [];
    for (let i = 1; i < parents.length; i += 2) chain.push(parents[i] as string);
    chain.push(key);
    const id = chain.join('\0');
    if (!lines.has(id)) lines.set(id, line);
  });

  const set = new NpmPackageSet(path);
  const nodes = new Map<string, V1Node>();
  const bundled: string[] = [];
  const requiredNames = new Set<string>();
  const stack: { deps: Json; chain: string[] }[] = [{ deps: dependencies, chain: [] }];
  let visited = 0;
  while (stack.length > 0) {
    const { deps, chain } = stack.pop() as { deps: Json; chain: string[] };
    for (const [installed, entry] of Object.entries(deps)) {
      if (!isObject(entry) || ++visited > 1_000_000) continue;
      const here = [...chain, installed];
      const id = here.join('\0');
      const node: V1Node = { entry, chain: here };
      nodes.set(id, node);
      for (const name of depNames(entry.requires)) requiredNames.add(name);
      if (isObject(entry.dependencies)) stack.push({ deps: entry.dependencies, chain: here });
      const line = lines.get(id) ?? 1;
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
      if (!isRegistryVersion(version)) {
        warnings.push(`${path}:${line}: ${here.join(' > ')} has no registry version (${version || 'none'}); skipped`);
        continue;
      }
      if (entry.bundled === true) bundled.push(`${name}@${version}`);
      node.pkgKey = set.add({ name, version, direct: false, scope: scopeFromFlags(entry), line, alias });
    }
  }

  // v1 does not record what the root declares: read package.json when we can, else take the
  // top-level entries nothing else requires (npm would not have installed them otherwise).
  const declared = declaredBySibling(path, readSibling);
  for (const installed of Object.keys(dependencies)) {
    const isDirect = declared ? declared.has(installed) : !requiredNames.has(installed);
    const pkgKey = nodes.get(installed)?.pkgKey;
    const pkg = isDirect && pkgKey !== undefined ? set.get(pkgKey) : undefined;
    if (pkg) pkg.direct = true;
  }

  // Edges: a requirement resolves to the nearest entry of that name, from this entry up to the top.
  for (const node of nodes.values()) {
    if (node.pkgKey === undefined) continue;
    for (const depName of depNames(node.entry.requires)) {
      for (let depth = node.chain.length; depth >= 0; depth--) {
        const target = nodes.get([...node.chain.slice(0, depth), depName].join('\0'));
        if (target) {
          if (target.pkgKey !== undefined) set.addEdge(node.pkgKey, target.pkgKey);
          break;
        }
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

export const packageLockExtractor: Extractor = {
  id: 'npm/package-lock',
  ecosystem: 'npm',
  patterns: ['package-lock.json', 'npm-shrinkwrap.json'],
  parse: parsePackageLock,
};
