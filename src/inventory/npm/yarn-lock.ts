import { InputLimitError, ParseError } from '../../model/errors.js';
import { INPUT_LIMITS } from '../limits.js';
import type { DependencyScope, ExtractResult } from '../../model/types.js';
import type { Extractor } from '../types.js';
import { keyLines, loadYaml } from '../yaml-fast.js';
import { NpmPackageSet, isGitSpec, isRegistryVersion, splitNameVersion } from './common.js';

/**
 * yarn.lock: the classic v1 format and Berry (yarn 2+) YAML with `__metadata`.
 * Neither records dev/runtime, and classic does not record what the project declares: both come
 * from the package.json files beside the lockfile when the walker can read them.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NO_META: Json = Object.freeze({});
const LOCAL_PROTOCOLS = ['workspace:', 'link:', 'portal:', 'file:'];
const MAX_LINES = INPUT_LIMITS.maxLines;

interface Entry {
  /** Descriptors of the header: `name@range`, as written. */
  specs: string[];
  line: number;
  version: string;
  /** classic `resolved`, Berry `resolution` */
  source: string;
  dependencies: Record<string, string>;
  /** dependencies flagged optional */
  optional: Set<string>;
}

interface Manifest {
  dependencies: Set<string>;
  dev: Set<string>;
  optional: Set<string>;
}

function readManifest(text: string | undefined): Manifest | undefined {
  if (text === undefined) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(doc)) return undefined;
  const keys = (field: string) => new Set(isObject(doc[field]) ? Object.keys(doc[field]) : []);
  return { dependencies: keys('dependencies'), dev: keys('devDependencies'), optional: keys('optionalDependencies') };
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function joinPath(dir: string, rel: string): string {
  const parts = dir === '' ? [] : dir.split('/');
  for (const part of rel.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function scopeInManifest(manifest: Manifest | undefined, name: string): DependencyScope {
  if (!manifest) return 'runtime';
  if (manifest.dependencies.has(name)) return 'runtime';
  if (manifest.optional.has(name)) return 'optional';
  if (manifest.dev.has(name)) return 'dev';
  return 'runtime';
}

export function parseYarnLock(
  content: string,
  path: string,
  readSibling?: (relativePath: string) => string | undefined,
): ExtractResult {
  const berry = /^__metadata:\s*$/m.test(content);
  return berry ? parseBerry(content, path, readSibling) : parseClassic(content, path, readSibling);
}

// ---------------------------------------------------------------------------------------------
// classic (v1)

/**
 * Reads one token of a classic line: a JSON-style quoted string or a bare word. Hand-written
 * because the classic parser packages give no line numbers and this grammar is small.
 */
function readToken(text: string, from: number): { value: string; end: number } | undefined {
  let i = from;
  while (text.charCodeAt(i) === 32) i++;
  if (i >= text.length) return undefined;
  if (text.charCodeAt(i) === 34 /* " */) {
    let j = i + 1;
    // only strings with escapes or control characters need JSON.parse (which rejects the latter)
    let plain = true;
    for (let c = text.charCodeAt(j); j < text.length && c !== 34; c = text.charCodeAt(j)) {
      if (c === 92 /* \\ */) {
        plain = false;
        j += 2;
      } else {
        if (c < 32) plain = false;
        j++;
      }
    }
    if (j >= text.length) return undefined;
    if (plain) return { value: text.slice(i + 1, j), end: j + 1 };
    try {
      return { value: JSON.parse(text.slice(i, j + 1)) as string, end: j + 1 };
    } catch {
      return undefined;
    }
  }
  let j = i;
  while (j < text.length && text.charCodeAt(j) !== 32) j++;
  return { value: text.slice(i, j), end: j };
}

function splitSpecs(header: string): string[] {
  const specs: string[] = [];
  let i = 0;
  while (i < header.length) {
    while (header[i] === ' ' || header[i] === ',') i++;
    if (i >= header.length) break;
    if (header[i] === '"') {
      const token = readToken(header, i);
      if (!token) return [];
      specs.push(token.value);
      i = token.end;
    } else {
      const comma = header.indexOf(',', i);
      const end = comma < 0 ? header.length : comma;
      specs.push(header.slice(i, end).trim());
      i = end;
    }
  }
  return specs;
}

/** The whitespace String.prototype.trimStart drops that a yarn.lock can hold. */
function isBlank(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || (code >= 0x80 && /\s/.test(String.fromCharCode(code)));
}

function parseClassic(
  content: string,
  path: string,
  readSibling?: (relativePath: string) => string | undefined,
): ExtractResult {
  // split on \n alone: trimEnd below drops the \r of CRLF files
  const lines = content.split('\n');
  if (lines.length > MAX_LINES) throw new InputLimitError(path, 'maxLines', MAX_LINES, `${lines.length} lines`);
  const entries: Entry[] = [];
  let current: Entry | undefined;
  let section: 'dependencies' | 'optionalDependencies' | 'other' | undefined;
  let index = 0;
  const fail = (what: string): never => {
    throw new ParseError(path, `line ${index + 1}: ${what} (not a yarn.lock?)`);
  };
  for (; index < lines.length; index++) {
    const line = (lines[index] as string).trimEnd();
    let indent = 0;
    while (isBlank(line.charCodeAt(indent))) indent++;
    if (indent === line.length || line.charCodeAt(indent) === 35 /* # */) continue;
    if (indent === 0) {
      if (!line.endsWith(':')) fail('expected an entry header ending with ":"');
      const specs = splitSpecs(line.slice(0, -1));
      if (specs.length === 0) fail('cannot read the entry header');
      current = { specs, line: index + 1, version: '', source: '', dependencies: {}, optional: new Set() };
      entries.push(current);
      section = undefined;
    } else if (!current) {
      fail('indented line before the first entry');
    } else if (indent === 2) {
      const key = readToken(line, 2);
      if (!key) fail('cannot read the field name');
      const k = (key as { value: string; end: number }).value.replace(/:$/, '');
      const rest = line.slice((key as { end: number }).end).trim();
      if (rest === '' || rest === ':') {
        section = k === 'dependencies' || k === 'optionalDependencies' ? k : 'other';
        continue;
      }
      section = undefined;
      const value = readToken(rest, 0)?.value ?? '';
      if (k === 'version') current.version = value;
      else if (k === 'resolved') current.source = value;
    } else if (section === 'dependencies' || section === 'optionalDependencies') {
      const name = readToken(line, 0);
      const range = name ? readToken(line, name.end) : undefined;
      if (!name || !range) fail('cannot read the dependency');
      const depName = (name as { value: string }).value;
      current.dependencies[depName] = (range as { value: string }).value;
      if (section === 'optionalDependencies') current.optional.add(depName);
    }
  }

  const warnings: string[] = [];
  const set = new NpmPackageSet(path);
  const keyOfSpec = new Map<string, string>();
  const kept: { entry: Entry; key: string }[] = [];
  for (const entry of entries) {
    const first = splitNameVersion(entry.specs[0] as string);
    const installedName = first?.name ?? (entry.specs[0] as string);
    const ranges = entry.specs.map((spec) => splitNameVersion(spec)?.range ?? '');
    const localRange = ranges.find((range) => LOCAL_PROTOCOLS.some((p) => range.startsWith(p)));
    if (localRange !== undefined) {
      // The project's own folders: listed as local packages, never matched.
      const key = set.add({ name: installedName, version: entry.version, direct: false, scope: 'runtime', line: entry.line, source: 'local', sourceRef: localRange.slice(localRange.indexOf(':') + 1) });
      for (const spec of entry.specs) keyOfSpec.set(spec, key);
      kept.push({ entry, key });
      continue;
    }
    let name = installedName;
    const aliased = ranges.find((range) => range.startsWith('npm:'));
    const real = aliased === undefined ? undefined : splitNameVersion(aliased.slice(4));
    if (real) name = real.name;
    // registry tarballs live under `<name>/-/`; git hosts' archives do not
    const resolvedFromRegistry = entry.source === '' || /\/-\/.+\.tgz(#|\?|$)/.test(entry.source);
    const rangesFromRegistry = ranges.every((range) => {
      const plain = range.startsWith('npm:') ? (splitNameVersion(range.slice(4))?.range ?? range.slice(4)) : range;
      return !/[:/]/.test(plain);
    });
    const gitRange = ranges.find(isGitSpec);
    // git hosts' archives and `<url>#<commit>` (a registry tarball is `<name>/-/<file>.tgz#<sha1>`)
    const gitSource = isGitSpec(entry.source) || /^https:\/\/codeload\.github\.com\//.test(entry.source) || (/^(ssh|https?):\/\/[^#]*#[0-9a-f]{7,40}$/.test(entry.source) && !/\.tgz#/.test(entry.source));
    if (gitSource || gitRange !== undefined) {
      // A git dependency (yarn may write a version such as 2.1.6+git): listed as git, never matched.
      const key = set.add({ name, version: entry.version, direct: false, scope: 'runtime', line: entry.line, source: 'git', sourceRef: entry.source || gitRange });
      for (const spec of entry.specs) keyOfSpec.set(spec, key);
      kept.push({ entry, key });
      continue;
    }
    if (!resolvedFromRegistry || !rangesFromRegistry) {
      warnings.push(`${path}:${entry.line}: ${entry.specs.join(', ')} is not from the registry (${entry.source || 'no source'}); skipped`);
      continue;
    }
    if (!isRegistryVersion(entry.version)) {
      warnings.push(`${path}:${entry.line}: ${entry.specs.join(', ')} has no version; skipped`);
      continue;
    }
    const key = set.add({
      name,
      version: entry.version,
      direct: false,
      scope: 'runtime',
      line: entry.line,
      alias: name !== installedName ? installedName : undefined,
    });
    for (const spec of entry.specs) keyOfSpec.set(spec, key);
    kept.push({ entry, key });
  }

  const required = new Set<string>();
  for (const { entry, key } of kept) {
    for (const [depName, range] of Object.entries(entry.dependencies)) {
      required.add(depName);
      const target = keyOfSpec.get(`${depName}@${range}`);
      if (target !== undefined) set.addEdge(key, target, entry.optional.has(depName));
    }
  }

  // Direct: what package.json declares; without it, the entries nothing else requires.
  const manifest = readManifest(readSibling?.(joinPath(dirOf(path), 'package.json')));
  const roots = new Map<string, DependencyScope>();
  for (const { entry, key } of kept) {
    const names = new Set(entry.specs.map((spec) => splitNameVersion(spec)?.name ?? spec));
    for (const installed of names) {
      const declared = manifest
        ? manifest.dependencies.has(installed) || manifest.dev.has(installed) || manifest.optional.has(installed)
        : !required.has(installed);
      if (!declared) continue;
      const pkg = set.get(key);
      if (pkg) pkg.direct = true;
      const scope = scopeInManifest(manifest, installed);
      const previous = roots.get(key);
      roots.set(key, previous === undefined || previous === 'dev' || scope === 'runtime' ? scope : previous);
    }
  }
  set.propagateScopes(roots);
  return { packages: set.packages(true), warnings };
}

// ---------------------------------------------------------------------------------------------
// Berry (yarn 2+)

type Source =
  | { kind: 'npm'; name: string; version: string }
  | { kind: 'workspace'; name: string; path: string }
  | { kind: 'local'; name: string; path: string }
  | { kind: 'git'; name: string; reference: string }
  | { kind: 'other'; reference: string };

/** What a Berry locator (`name@npm:1.0.0`, `name@patch:...`) points at. */
function berrySource(locator: string, depth = 0): Source {
  const split = splitNameVersion(locator);
  if (!split) return { kind: 'other', reference: locator };
  const { name, range: reference } = split;
  if (reference.startsWith('npm:')) {
    const rest = reference.slice(4);
    // an npm: reference may itself name another package (`npm:real@1.0.0`)
    const inner = /^[~^<>=]|^\d/.test(rest) ? undefined : splitNameVersion(rest);
    return inner ? { kind: 'npm', name: inner.name, version: inner.range } : { kind: 'npm', name, version: rest };
  }
  if (reference.startsWith('patch:') && depth < 4) {
    const hash = reference.indexOf('#');
    const inner = reference.slice(6, hash < 0 ? undefined : hash);
    let decoded: string;
    try {
      decoded = decodeURIComponent(inner);
    } catch {
      return { kind: 'other', reference };
    }
    return berrySource(decoded, depth + 1);
  }
  if (reference.startsWith('workspace:')) return { kind: 'workspace', name, path: reference.slice('workspace:'.length) };
  if (LOCAL_PROTOCOLS.some((p) => reference.startsWith(p))) {
    const path = reference.slice(reference.indexOf(':') + 1);
    const hash = path.indexOf('::');
    return { kind: 'local', name, path: hash < 0 ? path : path.slice(0, hash) };
  }
  if (isGitSpec(reference) || /^https?:\/\/.*\.git(#|$)/.test(reference) || /#commit=[0-9a-f]+/.test(reference)) return { kind: 'git', name, reference };
  return { kind: 'other', reference };
}

function parseBerry(
  content: string,
  path: string,
  readSibling?: (relativePath: string) => string | undefined,
): ExtractResult {
  const doc = loadYaml(content, path);
  if (!isObject(doc)) throw new ParseError(path, 'expected a YAML mapping at the top level');
  const metadata = doc.__metadata;
  if (!isObject(metadata) || metadata.version === undefined) {
    throw new ParseError(path, '__metadata.version is missing: not a yarn 2+ lockfile');
  }
  const lines = keyLines(content, true).top;
  const warnings: string[] = [];
  const set = new NpmPackageSet(path);
  const keyOfSpec = new Map<string, string | null>();
  const kept: { entry: Json; key: string | null; workspace?: string; own?: string }[] = [];

  for (const header of Object.keys(doc)) {
    const entry = doc[header];
    if (header === '__metadata' || !isObject(entry)) continue;
    const line = lines.get(header) ?? 1;
    // most headers hold one descriptor; split only those that need it
    const specs =
      header !== '' && !header.includes(',') && header.trim() === header
        ? [header]
        : header.split(',').map((spec) => spec.trim()).filter((spec) => spec !== '');
    const resolution = typeof entry.resolution === 'string' ? entry.resolution : '';
    const source = berrySource(resolution);
    const entryVersion = typeof entry.version === 'string' || typeof entry.version === 'number' ? String(entry.version) : '';
    if (source.kind === 'workspace') {
      // Listed (yarn writes version 0.0.0-use.local), never matched; its dependencies are direct.
      const own = set.add({ name: source.name, version: entryVersion, direct: true, scope: 'runtime', line, source: 'local', sourceRef: source.path });
      for (const spec of specs) keyOfSpec.set(spec, null);
      kept.push({ entry, key: null, workspace: source.path, own });
      continue;
    }
    if (source.kind === 'local' || source.kind === 'git') {
      const installedName = splitNameVersion(specs[0] ?? '')?.name ?? source.name;
      const key = set.add({
        name: source.name,
        version: entryVersion,
        direct: false,
        scope: 'runtime',
        line,
        alias: installedName !== source.name ? installedName : undefined,
        source: source.kind,
        sourceRef: source.kind === 'local' ? source.path : source.reference,
      });
      for (const spec of specs) keyOfSpec.set(spec, key);
      kept.push({ entry, key });
      continue;
    }
    if (source.kind === 'other') {
      warnings.push(`${path}:${line}: ${resolution || header} is not from the registry; skipped`);
      continue;
    }
    const version = isRegistryVersion(source.version)
      ? source.version
      : typeof entry.version === 'string' || typeof entry.version === 'number'
        ? String(entry.version)
        : '';
    if (!isRegistryVersion(version)) {
      warnings.push(`${path}:${line}: ${header} has no version; skipped`);
      continue;
    }
    const installedName = splitNameVersion(specs[0] ?? '')?.name ?? source.name;
    const key = set.add({
      name: source.name,
      version,
      direct: false,
      scope: 'runtime',
      line,
      alias: installedName !== source.name ? installedName : undefined,
    });
    for (const spec of specs) keyOfSpec.set(spec, key);
    kept.push({ entry, key });
  }

  const lookup = (depName: string, range: string): string | null | undefined =>
    keyOfSpec.get(`${depName}@${range}`) ?? keyOfSpec.get(`${depName}@npm:${range}`);

  const roots = new Map<string, DependencyScope>();
  for (const { entry, key, workspace, own } of kept) {
    const deps = isObject(entry.dependencies) ? entry.dependencies : {};
    const meta = isObject(entry.dependenciesMeta) ? entry.dependenciesMeta : NO_META;
    const manifest =
      workspace === undefined ? undefined : readManifest(readSibling?.(joinPath(joinPath(dirOf(path), workspace), 'package.json')));
    for (const depName of Object.keys(deps)) {
      const target = lookup(depName, String(deps[depName]));
      if (target === undefined || target === null) continue;
      const metaOptional = isObject(meta[depName]) && (meta[depName] as Json).optional === true;
      if (key !== null) {
        set.addEdge(key, target, metaOptional);
        continue;
      }
      // a workspace: its dependencies are the project's direct dependencies
      if (own !== undefined) set.addEdge(own, target, metaOptional);
      const pkg = set.get(target);
      if (pkg) pkg.direct = true;
      const scope = metaOptional ? 'optional' : scopeInManifest(manifest, depName);
      const previous = roots.get(target);
      roots.set(target, previous === undefined || previous === 'dev' || scope === 'runtime' ? scope : previous);
    }
  }
  if (!kept.some((k) => k.key === null)) {
    // no workspace entry (older or trimmed lockfiles): the entries nothing else depends on are direct
    const required = new Set<string>();
    for (const { entry } of kept) for (const name of isObject(entry.dependencies) ? Object.keys(entry.dependencies) : []) required.add(name);
    for (const { key } of kept) {
      const pkg = key === null ? undefined : set.get(key);
      if (pkg && !required.has(pkg.alias ?? pkg.name)) pkg.direct = true;
    }
  }
  set.propagateScopes(roots);
  return { packages: set.packages(true), warnings };
}

export const yarnLockExtractor: Extractor = {
  id: 'npm/yarn-lock',
  ecosystem: 'npm',
  patterns: ['yarn.lock'],
  lineOriented: true,
  parse: parseYarnLock,
};
