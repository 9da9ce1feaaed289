import { ParseError } from '../../model/errors.js';
import type { DependencyScope, ExtractResult } from '../../model/types.js';
import type { Extractor } from '../types.js';
import { keyLines, loadYaml } from '../yaml-fast.js';
import { NpmPackageSet, splitNameVersion } from './common.js';

/**
 * pnpm-lock.yaml, lockfileVersion 5.x (`/name/1.0.0_peer@1`), 6.x (`/name@1.0.0(peer@1)`) and
 * 9.0 (`name@1.0.0` in `packages`, dependency edges in `snapshots`). `importers` (or the top
 * level of a single-project 5.x/6.x lockfile) say what the project declares and how.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const IMPORTER_FIELDS: readonly [string, DependencyScope][] = [
  ['dependencies', 'runtime'],
  ['optionalDependencies', 'optional'],
  ['devDependencies', 'dev'],
];

const EDGE_FIELDS = ['dependencies', 'optionalDependencies'] as const;

/** A version as pnpm writes it: digits first (semver), never a path or URL. */
function looksLikeVersion(version: string): boolean {
  return /^v?\d[^\s:/#]*$/.test(version) && version.length <= 256;
}

const MAX_MANIFEST_READS = 2000;

/** Archives of a commit from a git host (pnpm resolves `github:` and git URLs to these). */
const GIT_ARCHIVE = /^https:\/\/(codeload\.github\.com\/|gitlab\.com\/.+\/-\/archive\/|bitbucket\.org\/.+\/get\/)/;

/** The name of a `name@<url or path>` key (9.0 keys of git and file: packages). */
function nameBeforeSource(key: string): string | undefined {
  const at = key.indexOf('@', key.startsWith('@') ? 1 : 0);
  return at > 0 ? key.slice(0, at) : undefined;
}

/** name and version of a package.json, when readable. */
function readManifest(text: string | undefined): { name?: string; version?: string } | undefined {
  if (text === undefined) return undefined;
  try {
    const doc: unknown = JSON.parse(text);
    if (!isObject(doc)) return undefined;
    return { name: typeof doc.name === 'string' ? doc.name : undefined, version: typeof doc.version === 'string' ? doc.version : undefined };
  } catch {
    return undefined;
  }
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** `folder` joined with a relative path, `..` and `.` resolved, without a leading `./`. */
function joinFolder(folder: string, relative: string): string {
  const parts = folder === '' || folder === '.' ? [] : folder.split('/');
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/** Drops the peer-dependency suffix: `(react@18.2.0)` (6.x, 9.0) or `_react@18.2.0` (5.x). */
function stripPeers(version: string): string {
  const paren = version.indexOf('(');
  const base = paren < 0 ? version : version.slice(0, paren);
  const underscore = base.indexOf('_');
  return underscore < 0 ? base : base.slice(0, underscore);
}

/** name and version of a package key, or undefined for keys that are not name+version. */
function parseKey(rawKey: string, major: number): { name: string; version: string } | undefined {
  let key = rawKey.startsWith('/') ? rawKey.slice(1) : rawKey;
  const paren = key.indexOf('(');
  if (paren >= 0) key = key.slice(0, paren);
  if (major < 6) {
    // [host/]name/version[_peers], the name possibly scoped; a host prefix holds a dot
    const segments = key.split('/');
    if (segments.length > 2 && !segments[0]?.startsWith('@') && segments[0]?.includes('.')) segments.shift();
    if (segments.length < 2) return undefined;
    const version = stripPeers(segments.pop() as string);
    const name = segments.join('/');
    if (name.split('/').length > (name.startsWith('@') ? 2 : 1)) return undefined;
    return looksLikeVersion(version) ? { name, version } : undefined;
  }
  const split = splitNameVersion(key);
  if (!split) return undefined;
  const version = stripPeers(split.range);
  return looksLikeVersion(version) ? { name: split.name, version } : undefined;
}

/** The version reference of an importer or package dependency: `1.0.0`, or `{ version: 1.0.0 }` (6.x+). */
function referenceOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (isObject(value) && (typeof value.version === 'string' || typeof value.version === 'number')) {
    return String(value.version);
  }
  return undefined;
}

/**
 * A lockfile without `packages` whose project declares registry dependencies was cut before
 * that section (pnpm writes it whenever anything is installed): a failed read, not "no packages".
 */
function refuseIfCut(doc: Json, path: string): void {
  const importers: Json[] = isObject(doc.importers) ? Object.values(doc.importers).filter(isObject) : [doc];
  let declared = 0;
  for (const importer of importers) {
    for (const [field] of IMPORTER_FIELDS) {
      const deps = importer[field];
      if (!isObject(deps)) continue;
      for (const value of Object.values(deps)) {
        const reference = referenceOf(value);
        if (reference !== undefined && !/^(link|file|workspace):/.test(reference)) declared++;
      }
    }
  }
  if (declared > 0) {
    throw new ParseError(path, `no "packages" section, yet the project declares ${declared} registry dependencies: the file is cut short (truncated?)`);
  }
}

export function parsePnpmLock(content: string, path: string, readSibling?: (relativePath: string) => string | undefined): ExtractResult {
  const doc = loadYaml(content, path);
  // An empty file (or only comments) lists nothing.
  if (doc === null || doc === undefined) return { packages: [], warnings: [] };
  if (!isObject(doc)) throw new ParseError(path, 'expected a YAML mapping at the top level');
  if (doc.lockfileVersion === undefined) throw new ParseError(path, 'no lockfileVersion: not a pnpm lockfile');
  const major = Number.parseInt(String(doc.lockfileVersion), 10);
  if (![5, 6, 7, 9].includes(major)) {
    throw new ParseError(path, `unsupported lockfileVersion ${JSON.stringify(doc.lockfileVersion)} (Sieve reads 5.x, 6.x and 9.0)`);
  }
  for (const field of ['packages', 'snapshots', 'importers']) {
    if (doc[field] !== undefined && doc[field] !== null && !isObject(doc[field])) {
      throw new ParseError(path, `"${field}" must be a mapping`);
    }
  }
  if (doc.packages === undefined || doc.packages === null) refuseIfCut(doc, path);
  const packages = isObject(doc.packages) ? doc.packages : {};
  const snapshots = isObject(doc.snapshots) ? doc.snapshots : undefined;
  const lines = keyLines(content).nested;
  const packageLines = lines.get('packages') ?? new Map<string, number>();
  const snapshotLines = lines.get('snapshots') ?? new Map<string, number>();

  const warnings: string[] = [];
  const set = new NpmPackageSet(path);
  // A hostile lockfile may name many folders: read at most this many package.json files.
  let manifestReads = 0;
  const readFolderManifest = (folder: string) => (manifestReads++ < MAX_MANIFEST_READS ? readManifest(readSibling?.(`${joinFolder(dirOf(path), folder)}/package.json`)) : undefined);
  /** lockfile key (with peer suffix) → name@version key of the set */
  const pkgKeyOf = new Map<string, string>();
  const addEntry = (key: string, entry: Json, line: number): void => {
    const resolution = isObject(entry.resolution) ? entry.resolution : undefined;
    const fromKey = parseKey(key, major);
    const named = typeof entry.name === 'string' && typeof entry.version === 'string';
    const name = named ? (entry.name as string) : (fromKey?.name ?? nameBeforeSource(key));
    const version = named ? (entry.version as string) : (fromKey?.version ?? (typeof entry.version === 'string' ? entry.version : undefined));
    const tarball = typeof resolution?.tarball === 'string' ? resolution.tarball : undefined;
    const scope: DependencyScope = entry.dev === true ? 'dev' : entry.optional === true ? 'optional' : 'runtime';
    const local =
      resolution?.type === 'directory' || /^(file|link):/.test(key) || /^(@[^/@]+\/)?[^/@]+@(file|link):/.test(key) || tarball?.startsWith('file:') === true;
    if (local) {
      // The project's own folders and tarballs: listed, never matched.
      if (!name) return;
      const directory = typeof resolution?.directory === 'string' ? resolution.directory : (tarball ?? key.slice(key.indexOf(':') + 1)).replace(/^file:/, '');
      // 9.0 leaves a folder's version to its package.json
      const localVersion = version ?? (resolution?.type === 'directory' ? readFolderManifest(directory)?.version : undefined);
      pkgKeyOf.set(key, set.add({ name, version: localVersion ?? '', direct: false, scope, line, source: 'local', sourceRef: directory }));
      return;
    }
    const fromCommit = resolution?.type === 'git' || resolution?.repo !== undefined || (tarball !== undefined && GIT_ARCHIVE.test(tarball));
    if (fromCommit && name) {
      // Resolved from a commit: listed as git, never matched against registry advisories.
      const repo = typeof resolution?.repo === 'string' ? resolution.repo : undefined;
      const commit = typeof resolution?.commit === 'string' ? resolution.commit : undefined;
      const sourceRef = repo !== undefined ? `${repo}${commit ? `#${commit}` : ''}` : (tarball ?? key);
      pkgKeyOf.set(key, set.add({ name, version: version !== undefined && looksLikeVersion(version) ? version : '', direct: false, scope, line, source: 'git', sourceRef }));
      return;
    }
    const registryTarball = tarball === undefined || /\/-\/.+\.tgz$/.test(tarball);
    if (!registryTarball || !name || !version || !looksLikeVersion(version)) {
      warnings.push(`${path}:${line}: ${key} is not a registry package (${tarball ?? String(resolution?.repo ?? 'no version')}); skipped`);
      return;
    }
    pkgKeyOf.set(key, set.add({ name, version, direct: false, scope, line }));
  };

  // Object.keys, not entries: these maps hold thousands of keys and pairs are garbage
  const packageKeys = Object.keys(packages);
  for (const key of packageKeys) {
    const value = packages[key];
    addEntry(key, isObject(value) ? value : {}, packageLines.get(key) ?? 1);
  }
  const snapshotKeys = snapshots ? Object.keys(snapshots) : [];
  if (snapshots) {
    // 9.0: a snapshot is a package with its peers resolved; its package entry has the details
    for (const key of snapshotKeys) {
      if (pkgKeyOf.has(key)) continue;
      const value = snapshots[key];
      const paren = key.indexOf('(');
      if (paren > 0 && Object.hasOwn(packages, key.slice(0, paren)) && !pkgKeyOf.has(key.slice(0, paren))) continue;
      if (paren < 0 && Object.hasOwn(packages, key)) continue; // its package was skipped, with a warning
      const parsed = parseKey(key, major);
      const base = parsed ? `${parsed.name}@${parsed.version}` : undefined;
      const baseKey = base === undefined ? undefined : pkgKeyOf.get(base);
      if (baseKey !== undefined) {
        pkgKeyOf.set(key, baseKey);
        if (isObject(value) && value.optional === true) {
          const pkg = set.get(baseKey);
          if (pkg && pkg.scope === 'runtime') pkg.scope = 'optional';
        }
      } else if (!(base !== undefined && base in packages)) {
        addEntry(key, isObject(value) ? value : {}, snapshotLines.get(key) ?? 1);
      }
    }
  }

  /** The set key a dependency reference points at: `1.0.0(peer)`, `/name/1.0.0` or `real@1.0.0`. */
  const resolveRef = (depName: string, ref: string): string | undefined => {
    // file: folders and commits are keyed by their reference (9.0: `name@ref`; 5.x: `ref`)
    const bySource = (): string | undefined => pkgKeyOf.get(`${depName}@${ref}`) ?? pkgKeyOf.get(ref) ?? pkgKeyOf.get(`/${ref}`);
    if (ref.startsWith('link:') || ref.startsWith('file:') || ref.startsWith('workspace:')) return bySource();
    let name = depName;
    let version: string;
    const first = ref.charCodeAt(0);
    const digitFirst = (first >= 48 && first <= 57) || (first === 118 /* v */ && /^v\d/.test(ref));
    if (!digitFirst) {
      const parsed = parseKey(ref, ref.startsWith('/') && !ref.slice(1).includes('@', 1) ? 5 : Math.max(major, 6));
      if (!parsed) return bySource();
      name = parsed.name;
      version = parsed.version;
    } else {
      version = stripPeers(ref);
    }
    const key = NpmPackageSet.keyOf(name, version);
    const pkg = set.get(key);
    if (!pkg) return bySource();
    if (name !== depName && pkg.alias === undefined) pkg.alias = depName;
    return key;
  };

  const edgeSource = snapshots ?? packages;
  const edgeKeys = snapshots ? snapshotKeys : packageKeys;
  for (const key of edgeKeys) {
    const from = pkgKeyOf.get(key);
    const value = edgeSource[key];
    if (from === undefined || !isObject(value)) continue;
    for (const field of EDGE_FIELDS) {
      const deps = value[field];
      if (!isObject(deps)) continue;
      for (const depName in deps) {
        if (!Object.hasOwn(deps, depName)) continue;
        const reference = referenceOf(deps[depName]);
        const to = reference === undefined ? undefined : resolveRef(depName, reference);
        if (to !== undefined) set.addEdge(from, to, field === 'optionalDependencies');
      }
    }
  }

  const importers: [string, Json][] = isObject(doc.importers)
    ? Object.entries(doc.importers).filter((entry): entry is [string, Json] => isObject(entry[1]))
    : [['.', doc]];
  // Workspace projects other than the root: the project's own packages, listed and never matched.
  const importerLines = lines.get('importers') ?? new Map<string, number>();
  const projectKeyOf = new Map<string, string>();
  for (const [folder] of importers) {
    if (folder === '.') continue;
    const manifest = readFolderManifest(folder);
    const name = manifest?.name ?? folder.slice(folder.lastIndexOf('/') + 1);
    projectKeyOf.set(folder, set.add({ name, version: manifest?.version ?? '', direct: true, scope: 'runtime', line: importerLines.get(folder) ?? 1, source: 'local', sourceRef: folder }));
  }
  const roots = new Map<string, DependencyScope>();
  for (const [folder, importer] of importers) {
    const own = projectKeyOf.get(folder);
    for (const [field, scope] of IMPORTER_FIELDS) {
      const deps = importer[field];
      if (!isObject(deps)) continue;
      for (const [depName, value] of Object.entries(deps)) {
        const reference = referenceOf(value);
        const linked = reference?.startsWith('link:') ? projectKeyOf.get(joinFolder(folder === '.' ? '' : folder, reference.slice(5))) : undefined;
        const key = linked ?? (reference === undefined ? undefined : resolveRef(depName, reference));
        if (own !== undefined && key !== undefined) set.addEdge(own, key, field === 'optionalDependencies');
        if (key === undefined) continue;
        const pkg = set.get(key);
        if (pkg) pkg.direct = true;
        const previous = roots.get(key);
        roots.set(key, previous === undefined || previous === 'dev' || scope === 'runtime' ? scope : previous);
      }
    }
  }
  set.propagateScopes(roots);
  return { packages: set.packages(true), warnings };
}

export const pnpmLockExtractor: Extractor = {
  id: 'npm/pnpm-lock',
  ecosystem: 'npm',
  patterns: ['pnpm-lock.yaml'],
  parse: (content, path, readSibling) => parsePnpmLock(content, path, readSibling),
};
