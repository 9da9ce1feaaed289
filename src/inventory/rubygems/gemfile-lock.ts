import { ParseError } from '../../model/errors.js';
import type { ExtractResult, Package } from '../../model/types.js';
import type { Extractor } from '../types.js';
import { gitSourceRef, purlMaker } from '../entry.js';

const purlAt = purlMaker('RubyGems');

/*
 * Gemfile.lock / gems.locked reader. Hand-written: the format is Bundler's own indentation-based
 * text (no YAML), and no maintained npm package reads it. Sections start at column 0; inside a
 * source section (GEM, GIT, PATH, PLUGIN SOURCE) `specs:` lists gems at 4 spaces and each gem's
 * dependencies at 6.
 */

const SOURCE_SECTIONS = new Set(['GEM', 'GIT', 'PATH', 'PLUGIN SOURCE']);

interface Spec {
  name: string;
  version: string;
  platform?: string;
  section: string;
  line: number;
  dependencies: string[];
  /** The source section's `remote:` (a path for PATH, a repository for GIT) and `revision:`. */
  remote?: string;
  revision?: string;
}

/** `name (1.2.3)` or `name (1.2.3-x86_64-linux)`; Gem versions never hold a `-`, platforms follow one. */
function parseSpec(text: string): { name: string; version: string; platform?: string } | undefined {
  const match = /^(\S+) \(([^()\s]+)\)$/.exec(text);
  if (!match) return undefined;
  const [, name, full] = match as unknown as [string, string, string];
  const dash = full.indexOf('-');
  return dash < 0 ? { name, version: full } : { name, version: full.slice(0, dash), platform: full.slice(dash + 1) };
}

export function parseGemfileLock(content: string, path: string): ExtractResult {
  const specs: Spec[] = [];
  const directNames = new Set<string>();
  let section: string | undefined;
  let inSpecs = false;
  let current: Spec | undefined;
  let sawSection = false;
  let remote: string | undefined;
  let revision: string | undefined;

  content.split('\n').forEach((raw, index) => {
    const lineNo = index + 1;
    const text = raw.replace(/\r$/, '');
    if (text.trim() === '') return;
    const indent = text.length - text.trimStart().length;
    const body = text.trim();
    if (indent === 0) {
      if (!/^[A-Z][A-Z ]*$/.test(body)) throw new ParseError(path, `line ${lineNo}: "${body.slice(0, 40)}" is not a section header (not a Gemfile.lock?)`);
      section = body;
      sawSection = true;
      inSpecs = false;
      current = undefined;
      remote = undefined;
      revision = undefined;
      return;
    }
    if (section === undefined) throw new ParseError(path, `line ${lineNo}: indented text before any section header (not a Gemfile.lock?)`);
    if (section === 'DEPENDENCIES') {
      // `name`, `name!` (from a GIT/PATH source) or `name (>= 1.0)`.
      const name = /^([^\s!(]+)/.exec(body)?.[1];
      if (name) directNames.add(name);
      return;
    }
    if (!SOURCE_SECTIONS.has(section)) return;
    if (indent === 2) {
      inSpecs = body === 'specs:';
      current = undefined;
      const field = /^(remote|revision): (.+)$/.exec(body);
      if (field?.[1] === 'remote') remote = field[2];
      if (field?.[1] === 'revision') revision = field[2];
      return;
    }
    if (!inSpecs) return;
    if (indent === 4) {
      const spec = parseSpec(body);
      if (!spec) throw new ParseError(path, `line ${lineNo}: gem spec "${body}" is not "name (version)"`);
      current = { ...spec, section, line: lineNo, dependencies: [], remote, revision };
      specs.push(current);
      return;
    }
    if (indent === 6 && current) {
      const name = /^(\S+)/.exec(body)?.[1];
      if (name) current.dependencies.push(name);
      return;
    }
    throw new ParseError(path, `line ${lineNo}: unexpected indentation of ${indent} spaces in specs`);
  });
  if (!sawSection && content.trim() !== '') throw new ParseError(path, 'no Bundler sections (GEM, DEPENDENCIES...) found');

  const warnings: string[] = [];
  const kept = specs;
  // A local PATH gem the Gemfile names (often the project's own `gemspec`) stands for the
  // project: what it depends on is direct, as for a Cargo workspace member.
  for (const spec of specs) {
    if (spec.section === 'PATH' && directNames.has(spec.name)) for (const dep of spec.dependencies) directNames.add(dep);
  }
  const versionOf = new Map<string, string>();
  for (const spec of kept) if (!versionOf.has(spec.name)) versionOf.set(spec.name, spec.version);

  const packages: Package[] = [];
  const byKey = new Map<string, Package>();
  for (const spec of kept) {
    const key = `${spec.name}@${spec.version}`;
    const dependsOn = spec.dependencies.flatMap((dep) => {
      const version = versionOf.get(dep);
      return version === undefined ? [] : [purlAt(path, spec.line, dep, version)];
    });
    const seen = byKey.get(key);
    if (seen) {
      // The same gem for another platform: one package, edges merged.
      seen.dependsOn = [...new Set([...(seen.dependsOn ?? []), ...dependsOn])];
      continue;
    }
    if (spec.section === 'PLUGIN SOURCE') {
      warnings.push(`${path}:${spec.line}: ${spec.name} ${spec.version} comes from a ${spec.section} source; advisories match it by version only`);
    }
    const pkg: Package = {
      ecosystem: 'RubyGems',
      name: spec.name,
      version: spec.version,
      purl: purlAt(path, spec.line, spec.name, spec.version),
      direct: directNames.has(spec.name),
      scope: 'runtime',
      location: { path, line: spec.line },
      dependsOn: [...new Set(dependsOn)],
    };
    // A PATH gem (often the project's own gemspec) and a GIT gem are listed, never matched.
    if (spec.section === 'PATH') pkg.source = 'local';
    if (spec.section === 'GIT') pkg.source = 'git';
    const ref = spec.section === 'GIT' && spec.remote ? gitSourceRef(spec.revision ? `${spec.remote}#${spec.revision}` : spec.remote) : spec.remote;
    if (pkg.source && ref) pkg.sourceRef = ref;
    byKey.set(key, pkg);
    packages.push(pkg);
  }
  return { packages, warnings };
}

export const gemfileLockExtractor: Extractor = {
  id: 'rubygems/gemfile-lock',
  ecosystem: 'RubyGems',
  patterns: ['Gemfile.lock', 'gems.locked'],
  lineOriented: true,
  parse: (content, path) => parseGemfileLock(content, path),
};
