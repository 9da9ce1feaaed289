/**
 * Maven `pom.xml`: the project's declared dependencies, as Maven's effective model would resolve
 * them from what is in the repository (no network, no plugin runs).
 *
 * Decisions, where Maven leaves room or Sieve cannot do what Maven does:
 * - Reported: `<project><dependencies>`, and those of profiles with `<activeByDefault>true`
 *   (the build a user runs without `-P`). Other profiles, build plugins' `<dependencies>` and
 *   `<dependencyManagement>` entries are not dependencies of the project and are not reported.
 * - A local parent (`<relativePath>`, default `../pom.xml`) is read through readSibling when its
 *   groupId:artifactId match the `<parent>` element, up to 10 levels: its properties and
 *   dependencyManagement feed resolution, and its `<dependencies>` are inherited (Maven does),
 *   located in the parent file. A remote parent or an imported BOM cannot be read: versions
 *   that only they would give are reported unpinned.
 * - A declared `<version>` wins over dependencyManagement (Maven: management only fills in).
 * - A dependency declared twice (same groupId:artifactId:type:classifier): the last one wins,
 *   as in Maven, with a warning.
 * - Scope: test → dev, provided → optional, compile/runtime/system/none → runtime.
 * - Versions: `${…}` that stays unresolved, a range other than `[x]`, LATEST/RELEASE → version ''
 *   and unpinned, with a warning. `[1.2.3]` is a hard pin to 1.2.3.
 * - classifier and a non-jar type go into the purl as qualifiers (purl-spec maven type).
 */
import { posix } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ParseError } from '../../model/errors.js';
import { purlAt } from '../entry.js';
import { INPUT_LIMITS } from '../limits.js';
import type { DependencyScope, ExtractResult, Package } from '../../model/types.js';
import type { Extractor } from '../types.js';


type Xml = Record<string, unknown>;

interface RawDependency {
  groupId?: string;
  artifactId?: string;
  version?: string;
  scope?: string;
  type?: string;
  classifier?: string;
  /** Where its `<dependency>` starts. */
  path: string;
  line: number;
}

/** One pom file, read but not yet resolved. */
interface PomModel {
  path: string;
  groupId?: string;
  artifactId?: string;
  version?: string;
  parent?: { groupId?: string; artifactId?: string; version?: string; relativePath?: string };
  properties: Map<string, string>;
  dependencies: RawDependency[];
  managed: RawDependency[];
}

const ARRAY_TAGS = new Set(['dependencies', 'dependency', 'profiles', 'profile', 'dependencyManagement']);

const parser = new XMLParser({
  ignoreAttributes: true,
  // Versions like 1.0 must stay text.
  parseTagValue: false,
  trimValues: true,
  removeNSPrefix: true,
  isArray: (name) => ARRAY_TAGS.has(name),
});

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function obj(value: unknown): Xml | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Xml) : undefined;
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Line of every element start tag, keyed by its indexed path (`project[0]/dependencies[0]/dependency[2]`).
 * fast-xml-parser keeps no positions, so a small tag scan over the text gives them; it walks the
 * same elements in the same order as the parser (comments, CDATA and declarations skipped).
 * Namespace prefixes are dropped from names. Also used by the CycloneDX XML reader.
 */
export function xmlStartLines(content: string): Map<string, number> {
  const lines = new Map<string, number>();
  const stack: { key: string; counts: Map<string, number> }[] = [{ key: '', counts: new Map() }];
  const tag = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<![^>]*>|<(\/?)([A-Za-z_][\w.:-]*)(?:"[^"]*"|'[^']*'|[^>"'])*?(\/?)>/g;
  let line = 1;
  let last = 0;
  for (let match = tag.exec(content); match; match = tag.exec(content)) {
    for (let i = last; i < match.index; i++) if (content.charCodeAt(i) === 10) line++;
    last = match.index;
    const [, closing, rawName, selfClosing] = match;
    if (rawName === undefined) continue;
    const name = rawName.includes(':') ? rawName.slice(rawName.indexOf(':') + 1) : rawName;
    const top = stack[stack.length - 1]!;
    if (closing) {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const index = top.counts.get(name) ?? 0;
    top.counts.set(name, index + 1);
    const key = `${top.key}/${name}[${index}]`;
    lines.set(key, line);
    if (!selfClosing) stack.push({ key, counts: new Map() });
  }
  return lines;
}

function readDependencies(
  container: unknown,
  containerKey: string,
  path: string,
  lines: Map<string, number>,
): RawDependency[] {
  const result: RawDependency[] = [];
  list(obj(container)?.dependencies).forEach((block, blockIndex) => {
    list(obj(block)?.dependency).forEach((entry, index) => {
      const dep = obj(entry);
      if (!dep) return;
      const key = `${containerKey}/dependencies[${blockIndex}]/dependency[${index}]`;
      result.push({
        groupId: text(dep.groupId),
        artifactId: text(dep.artifactId),
        version: text(dep.version),
        scope: text(dep.scope),
        type: text(dep.type),
        classifier: text(dep.classifier),
        path,
        line: lines.get(key) ?? 1,
      });
    });
  });
  return result;
}

function readPom(content: string, path: string): PomModel {
  const valid = XMLValidator.validate(content);
  if (valid !== true) {
    throw new ParseError(path, `not well-formed XML at line ${valid.err.line}: ${valid.err.msg}`);
  }
  let doc: Xml;
  try {
    doc = parser.parse(content) as Xml;
  } catch (error) {
    throw new ParseError(path, `cannot parse XML: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const project = obj(doc.project);
  if (!project) {
    if (doc.project === undefined) throw new ParseError(path, 'not a Maven POM: no <project> root element');
    // `<project/>` or `<project></project>`: a POM with nothing in it.
    return { path, properties: new Map(), dependencies: [], managed: [] };
  }
  const lines = xmlStartLines(content);
  const root = '/project[0]';

  const properties = new Map<string, string>();
  const addProperties = (value: unknown): void => {
    for (const [name, v] of Object.entries(obj(value) ?? {})) properties.set(name, text(v) ?? '');
  };
  addProperties(project.properties);

  const dependencies = readDependencies(project, root, path, lines);
  const managed = list(project.dependencyManagement).flatMap((block, i) =>
    readDependencies(block, `${root}/dependencyManagement[${i}]`, path, lines),
  );

  list(project.profiles).forEach((profilesBlock, blockIndex) => {
    list(obj(profilesBlock)?.profile).forEach((entry, index) => {
      const profile = obj(entry);
      if (!profile || text(obj(profile.activation)?.activeByDefault) !== 'true') return;
      const key = `${root}/profiles[${blockIndex}]/profile[${index}]`;
      addProperties(profile.properties);
      // loops, not push(...): a profile may hold more entries than a call takes arguments
      for (const dep of readDependencies(profile, key, path, lines)) dependencies.push(dep);
      list(profile.dependencyManagement).forEach((block, i) => {
        for (const dep of readDependencies(block, `${key}/dependencyManagement[${i}]`, path, lines)) managed.push(dep);
      });
    });
  });

  const parent = obj(project.parent);
  return {
    path,
    groupId: text(project.groupId),
    artifactId: text(project.artifactId),
    version: text(project.version),
    parent: parent
      ? {
          groupId: text(parent.groupId),
          artifactId: text(parent.artifactId),
          version: text(parent.version),
          relativePath: typeof parent.relativePath === 'string' ? parent.relativePath.trim() : undefined,
        }
      : undefined,
    properties,
    dependencies,
    managed,
  };
}

/** The local parent chain, nearest first; stops at the first parent that is not in the repo. */
function readParents(
  pom: PomModel,
  readSibling: ((relativePath: string) => string | undefined) | undefined,
  warnings: string[],
): { parents: PomModel[]; missing?: string } {
  const parents: PomModel[] = [];
  const seen = new Set([pom.path]);
  let child = pom;
  for (let depth = 0; depth < INPUT_LIMITS.maxPomParents && child.parent; depth++) {
    const ref = child.parent;
    const gav = `${ref.groupId ?? '?'}:${ref.artifactId ?? '?'}:${ref.version ?? '?'}`;
    // An empty <relativePath/> means "do not look locally".
    if (ref.relativePath === '' || !readSibling) return { parents, missing: gav };
    let target = posix.normalize(posix.join(posix.dirname(child.path), ref.relativePath ?? '../pom.xml'));
    if (!target.endsWith('.xml') && !target.endsWith('.pom')) target = posix.join(target, 'pom.xml');
    if (target.startsWith('../') || seen.has(target)) return { parents, missing: gav };
    const content = readSibling(target);
    if (content === undefined) return { parents, missing: gav };
    let model: PomModel;
    try {
      model = readPom(content, target);
    } catch (error) {
      warnings.push(`parent ${gav} at ${target} is unreadable: ${error instanceof Error ? error.message : String(error)}`);
      return { parents, missing: gav };
    }
    // Maven uses the file at relativePath only when it is the declared parent.
    if (model.artifactId !== ref.artifactId || (model.groupId ?? model.parent?.groupId) !== ref.groupId) {
      return { parents, missing: gav };
    }
    seen.add(target);
    parents.push(model);
    child = model;
  }
  return { parents };
}

/**
 * `${name}` → its property, pass after pass. A value that would grow past maxPomPropertyLength
 * (`<a>${b}${b}</a>`, `<b>${c}${c}</b>`... doubles each pass) is left unresolved, so unpinned.
 */
function interpolate(value: string, properties: Map<string, string>): string {
  let current = value;
  for (let pass = 0; pass < INPUT_LIMITS.maxPomInterpolationPasses && current.includes('${'); pass++) {
    const next = current.replace(/\$\{([^}]+)\}/g, (whole, name: string) => properties.get(name.trim()) ?? whole);
    if (next === current || next.length > INPUT_LIMITS.maxPomPropertyLength) break;
    current = next;
  }
  return current;
}

function scopeOf(scope: string | undefined): DependencyScope {
  switch (scope) {
    case 'test':
      return 'dev';
    case 'provided':
      return 'optional';
    default:
      return 'runtime';
  }
}

/** A concrete version, or why there is none. */
function pinnedVersion(version: string): { version: string } | { reason: string } {
  if (version.includes('${')) return { reason: `unresolved property in "${version}"` };
  if (/^[[(]/.test(version)) {
    const exact = /^\[([^,[\]()]+)\]$/.exec(version);
    if (exact) return { version: exact[1]!.trim() };
    return { reason: `version range "${version}"` };
  }
  if (version === 'LATEST' || version === 'RELEASE') return { reason: `floating version ${version}` };
  return { version };
}

function identityKey(dep: { groupId?: string; artifactId?: string; type?: string; classifier?: string }): string {
  return `${dep.groupId}:${dep.artifactId}:${dep.type ?? 'jar'}:${dep.classifier ?? ''}`;
}

export function parsePomXml(
  content: string,
  path: string,
  readSibling?: (relativePath: string) => string | undefined,
): ExtractResult {
  const warnings: string[] = [];
  const pom = readPom(content, path);
  const { parents, missing } = readParents(pom, readSibling, warnings);

  // Effective properties: farthest parent first, so nearer declarations override.
  const properties = new Map<string, string>();
  for (const model of [...parents].reverse().concat(pom)) {
    for (const [name, value] of model.properties) properties.set(name, value);
  }
  const parentVersion = pom.parent?.version;
  const projectVersion = pom.version ?? parentVersion;
  const projectGroup = pom.groupId ?? pom.parent?.groupId;
  const builtins: Record<string, string | undefined> = {
    'project.version': projectVersion,
    'pom.version': projectVersion,
    version: projectVersion,
    'project.groupId': projectGroup,
    'pom.groupId': projectGroup,
    groupId: projectGroup,
    'project.artifactId': pom.artifactId,
    'pom.artifactId': pom.artifactId,
    artifactId: pom.artifactId,
    'project.parent.version': parentVersion,
    'project.parent.groupId': pom.parent?.groupId,
    'project.parent.artifactId': pom.parent?.artifactId,
  };
  for (const [name, value] of Object.entries(builtins)) if (value !== undefined) properties.set(name, value);

  const resolve = (dep: RawDependency): RawDependency => ({
    ...dep,
    groupId: dep.groupId === undefined ? undefined : interpolate(dep.groupId, properties),
    artifactId: dep.artifactId === undefined ? undefined : interpolate(dep.artifactId, properties),
    version: dep.version === undefined ? undefined : interpolate(dep.version, properties),
    scope: dep.scope === undefined ? undefined : interpolate(dep.scope, properties),
    type: dep.type === undefined ? undefined : interpolate(dep.type, properties),
    classifier: dep.classifier === undefined ? undefined : interpolate(dep.classifier, properties),
  });

  // Managed versions: nearer files override farther ones; within a file the first entry wins.
  const managed = new Map<string, RawDependency>();
  const imports: string[] = [];
  for (const model of [pom, ...parents]) {
    for (const raw of model.managed) {
      const dep = resolve(raw);
      if (dep.scope === 'import') {
        imports.push(`${dep.groupId}:${dep.artifactId}:${dep.version ?? ''}`);
        continue;
      }
      const key = identityKey(dep);
      if (!managed.has(key)) managed.set(key, dep);
    }
  }

  // Declared dependencies: this file's, then inherited ones (a child redeclaring one overrides it).
  const declared = new Map<string, RawDependency>();
  for (const model of [...parents].reverse().concat(pom)) {
    for (const raw of model.dependencies) {
      const dep = resolve(raw);
      if (!dep.groupId || !dep.artifactId) {
        warnings.push(`${raw.path}:${raw.line}: dependency without groupId or artifactId skipped`);
        continue;
      }
      if (dep.type === 'jar') dep.type = undefined;
      const key = identityKey(dep);
      const earlier = declared.get(key);
      if (earlier && earlier.path === dep.path) {
        warnings.push(
          `${dep.path}:${dep.line}: ${dep.groupId}:${dep.artifactId} is declared again (line ${earlier.line}); the last declaration wins, as in Maven`,
        );
      }
      declared.delete(key);
      declared.set(key, dep);
    }
  }

  const packages: Package[] = [];
  for (const dep of declared.values()) {
    const name = `${dep.groupId}:${dep.artifactId}`;
    const management = managed.get(identityKey(dep));
    const rawVersion = dep.version ?? management?.version;
    const scope = scopeOf(dep.scope ?? management?.scope);
    const qualifiers: Record<string, string> = {};
    if (dep.classifier) qualifiers.classifier = dep.classifier;
    if (dep.type) qualifiers.type = dep.type;

    let version = '';
    let unpinned = false;
    if (rawVersion === undefined) {
      unpinned = true;
      const where = [
        'no version here or in dependencyManagement',
        missing ? `parent ${missing} is not in this repository` : undefined,
        imports.length > 0 ? `imported BOMs are not read (${imports.join(', ')})` : undefined,
      ].filter(Boolean);
      warnings.push(`${dep.path}:${dep.line}: ${name}: ${where.join('; ')}`);
    } else {
      const pinned = pinnedVersion(rawVersion);
      if ('version' in pinned) version = pinned.version;
      else {
        unpinned = true;
        warnings.push(`${dep.path}:${dep.line}: ${name}: ${pinned.reason}, not a version`);
      }
    }
    const pkg: Package = {
      ecosystem: 'Maven',
      name,
      version,
      purl: purlAt('Maven', dep.path, dep.line, name, version, qualifiers),
      direct: true,
      scope,
      location: { path: dep.path, line: dep.line },
    };
    if (unpinned) pkg.unpinned = true;
    packages.push(pkg);
  }
  return { packages, warnings };
}

export const pomXmlExtractor: Extractor = {
  id: 'maven/pom-xml',
  ecosystem: 'Maven',
  patterns: ['pom.xml', '*.pom'],
  parse: parsePomXml,
};
