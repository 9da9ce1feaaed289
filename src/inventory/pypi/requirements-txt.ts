/**
 * pip requirements files (`requirements.txt`, `requirements-dev.txt`, `dev-requirements.txt`...).
 *
 * Hand-written rather than a library: no maintained npm package reads pip's file format (line
 * continuations, `-r`/`-c` includes, per-requirement options), and the PEP 508 subset needed here
 * (name, extras, version clauses, marker) is small.
 *
 * - `name==1.0` / `name===1.0` is a package at that version. A range with a lower bound
 *   (`name>=2.11.0`, `name~=2.11`) is reported at that bound with `declaredRange` set, as
 *   osv-scanner matches it: the declared floor admits that release. Any other specifier (or none,
 *   or a `${VAR}` version) is reported with version '' and `unpinned`, plus a warning, never guessed.
 * - `-r file` includes another requirements file, relative to the including file's folder; its
 *   packages carry that file's path and line. `-c file` reads a constraints file: its pins give a
 *   version to unpinned requirements of the same name, but a name that is only constrained is not
 *   installed by this file and is not reported.
 * - Editable, URL and path requirements are skipped with a warning (no released version).
 * - Every requirement is direct. Scope is dev when the file's own name marks it as a development
 *   file (`requirements-dev.txt`, `test-requirements.txt`, `requirements/docs.txt`), else runtime.
 */
import { posix } from 'node:path';
import type { Extractor } from '../types.js';
import { ParseError } from '../../model/errors.js';
import type { DependencyScope, ExtractResult, Package } from '../../model/types.js';
import { INPUT_LIMITS } from '../limits.js';
import { lockResult, makePackage, normalizeName } from './common.js';

/** Bounds on includes: nesting depth and the number of files one top-level file may pull in. */
const { maxIncludeDepth: MAX_INCLUDE_DEPTH, maxIncludedFiles: MAX_INCLUDED_FILES } = INPUT_LIMITS;

type ReadSibling = (relativePath: string) => string | undefined;

interface LogicalLine {
  line: number;
  text: string;
}

/** One parsed requirement line. */
export interface Requirement {
  name: string;
  extras: string[];
  /** The exact version when a `==`/`===` clause pins one. */
  pinned?: string;
  /** The lower bound of a `>=`/`~=` clause (the first one), as osv-scanner reads a range. */
  lowerBound?: string;
  specifier: string;
  marker?: string;
  /** Text after the requirement that is not an option or marker (kept as a warning). */
  trailing?: string;
}

export type RequirementParse =
  | { kind: 'requirement'; requirement: Requirement }
  | { kind: 'skip'; reason: string }
  | { kind: 'invalid'; reason: string };

/**
 * Where a line's comment starts (`#` at the start or after whitespace), or -1. A scan rather than
 * the regex `(^|\s+)#.*$`, which retries its `\s+` at every space: quadratic on a long blank run.
 */
function commentStart(line: string): number {
  for (let at = line.indexOf('#'); at >= 0; at = line.indexOf('#', at + 1)) {
    if (at === 0 || /\s/.test(line[at - 1] as string)) return at;
  }
  return -1;
}

function stripComment(line: string): string {
  const at = commentStart(line);
  return at < 0 ? line : line.slice(0, at);
}

/**
 * Joins backslash continuations as pip does (a comment line never continues) and strips
 * comments (`#` at the start or after whitespace). The line number is where the statement starts.
 */
export function logicalLines(content: string): LogicalLine[] {
  const physical = content.split(/\r\n|\n|\r/);
  const result: LogicalLine[] = [];
  let pending: string[] = [];
  let start = 0;
  physical.forEach((raw, index) => {
    const isComment = commentStart(raw) >= 0;
    if (raw.endsWith('\\') && !isComment) {
      if (pending.length === 0) start = index + 1;
      pending.push(trimBackslashes(raw));
      return;
    }
    const text = pending.length > 0 ? pending.join('') + raw : raw;
    const line = pending.length > 0 ? start : index + 1;
    pending = [];
    const stripped = stripComment(text).trim();
    if (stripped) result.push({ line, text: stripped });
  });
  if (pending.length > 0) {
    const stripped = stripComment(pending.join('')).trim();
    if (stripped) result.push({ line: start, text: stripped });
  }
  return result;
}

/** The line without its trailing backslashes (a loop: `/\\+$/` is quadratic on a run of them). */
function trimBackslashes(line: string): string {
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) === 92) end--;
  return line.slice(0, end);
}

/**
 * Splits a requirement line into the requirement and its per-requirement options (`--hash`,
 * `-C`...): like pip, the first space-separated token starting with `-` begins the options.
 */
function splitOptions(text: string): string {
  const tokens = text.split(/[ \t]+/);
  const kept: string[] = [];
  for (const token of tokens) {
    if (token.startsWith('-')) break;
    kept.push(token);
  }
  return kept.join(' ').trim();
}

const SPEC_CLAUSE = /^\s*(===|==|!=|~=|<=|>=|<|>)\s*([A-Za-z0-9.*+!_-]+|\$\{[A-Za-z0-9_]+\})\s*/;

/** Parses a PEP 508 requirement (the subset pip files use). Pure, for tests and other callers. */
export function parseRequirement(text: string): RequirementParse {
  let rest = text.trim();
  if (/^(\.{0,2}\/|[A-Za-z]:[\\/]|~)/.test(rest) || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(rest)) {
    return { kind: 'skip', reason: `path or URL requirement "${rest}" has no version` };
  }
  const nameMatch = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/.exec(rest);
  if (!nameMatch?.[1]) return { kind: 'invalid', reason: `no package name in "${text}"` };
  const name = nameMatch[1];
  rest = rest.slice(name.length).trimStart();

  let extras: string[] = [];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) return { kind: 'invalid', reason: `unclosed extras in "${text}"` };
    extras = rest
      .slice(1, close)
      .split(',')
      .map((extra) => extra.trim())
      .filter(Boolean);
    rest = rest.slice(close + 1).trimStart();
  }

  if (rest.startsWith('@')) return { kind: 'skip', reason: `${name} is a direct URL reference, no version` };

  let marker: string | undefined;
  const semicolon = rest.indexOf(';');
  if (semicolon !== -1) {
    marker = rest.slice(semicolon + 1).trim();
    rest = rest.slice(0, semicolon).trim();
  }

  // Old style `name (>=1.0)`.
  let specText = rest;
  if (specText.startsWith('(')) {
    const close = specText.indexOf(')');
    if (close === -1) return { kind: 'invalid', reason: `unclosed "(" in "${text}"` };
    specText = specText.slice(1, close) + specText.slice(close + 1);
  }

  let pinned: string | undefined;
  let lowerBound: string | undefined;
  const clauses: string[] = [];
  let remaining = specText;
  for (let guard = 0; remaining.trim() && guard < 64; guard++) {
    const clause = SPEC_CLAUSE.exec(remaining);
    if (!clause) break;
    const [whole, operator = '', version = ''] = clause;
    clauses.push(`${operator}${version}`);
    if ((operator === '==' && !version.includes('*') && !version.startsWith('$')) || operator === '===') pinned = version;
    if ((operator === '>=' || operator === '~=') && lowerBound === undefined && !version.includes('*') && !version.startsWith('$')) lowerBound = version;
    remaining = remaining.slice(whole.length);
    if (!remaining.startsWith(',')) break;
    remaining = remaining.slice(1);
  }
  const trailing = remaining.trim();
  if (trailing && clauses.length === 0) return { kind: 'invalid', reason: `cannot read the version specifier "${trailing}" of ${name}` };
  const requirement: Requirement = { name, extras, specifier: clauses.join(',') };
  if (pinned !== undefined) requirement.pinned = pinned;
  else if (lowerBound !== undefined) requirement.lowerBound = lowerBound;
  if (marker) requirement.marker = marker;
  if (trailing) requirement.trailing = trailing;
  return { kind: 'requirement', requirement };
}

/** Development files by name: a `-`/`_`/`.`-separated word of the base name. */
const DEV_WORDS = new Set(['dev', 'develop', 'development', 'test', 'tests', 'testing', 'lint', 'linting', 'docs', 'doc', 'ci', 'typing']);

export function scopeForFile(path: string): DependencyScope {
  const words = posix.basename(path).toLowerCase().replace(/\.txt$/, '').split(/[-_.]+/);
  return words.some((word) => DEV_WORDS.has(word)) ? 'dev' : 'runtime';
}

interface Context {
  readSibling: ReadSibling | undefined;
  warnings: string[];
  packages: Package[];
  constraints: Map<string, string>;
  /** Unpinned requirements, warned about (or read at their lower bound) once constraints had their say. */
  unpinned: { pkg: Package; warning: string; lowerBound?: string; specifier: string }[];
  /** Every file read so far: a file is read once even when two files include it. */
  visited: Set<string>;
  filesRead: number;
}

function includeTarget(from: string, target: string): string | undefined {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target)) return undefined;
  const joined = posix.normalize(posix.join(posix.dirname(from), target.replace(/\\/g, '/')));
  if (joined.startsWith('../') || joined === '..' || posix.isAbsolute(joined)) return undefined;
  return joined;
}

/** `-r x`, `-rx`, `--requirement x`, `--requirement=x`, and the same for `-c`. */
const INCLUDE_RE = /^(?:(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)|(-r|-c)(?=[^\s-]))(.+)$/;

function parseFile(content: string, path: string, context: Context, depth: number, constraintsOnly: boolean): void {
  if (content.includes('\u0000')) throw new ParseError(path, 'not a requirements file: it holds NUL bytes (binary content)');
  const scope = scopeForFile(path);
  for (const { line, text } of logicalLines(content)) {
    const where = `${path}:${line}`;
    if (text.startsWith('-')) {
      const include = INCLUDE_RE.exec(text);
      if (include) {
        const flag = include[1] ?? include[2] ?? '';
        const isConstraint = flag === '-c' || flag === '--constraint';
        includeFile(path, (include[3] ?? '').trim(), where, context, depth, constraintsOnly || isConstraint);
      } else if (/^(-e|--editable)(\s|=|$)/.test(text)) {
        context.warnings.push(`${where}: editable requirement "${text}" has no released version, skipped`);
      } else if (!/^--?[A-Za-z]/.test(text)) {
        context.warnings.push(`${where}: cannot read "${text}", skipped`);
      }
      // Other options (--index-url, --hash on its own line, --pre...) do not name packages.
      continue;
    }
    const requirementText = splitOptions(text);
    const parsed = parseRequirement(requirementText);
    if (parsed.kind !== 'requirement') {
      context.warnings.push(`${where}: ${parsed.kind === 'skip' ? parsed.reason : `invalid requirement: ${parsed.reason}`}, skipped`);
      continue;
    }
    const { requirement } = parsed;
    if (requirement.trailing) context.warnings.push(`${where}: ignored unexpected text "${requirement.trailing}" after ${requirement.name}`);
    if (constraintsOnly) {
      if (requirement.pinned !== undefined) context.constraints.set(normalizeName(requirement.name), requirement.pinned);
      continue;
    }
    const pkg = makePackage({
      name: requirement.name,
      version: requirement.pinned ?? '',
      direct: true,
      scope,
      path,
      line,
      unpinned: requirement.pinned === undefined,
    });
    context.packages.push(pkg);
    if (requirement.pinned === undefined) {
      const why = /\$\{/.test(requirementText) ? 'its version comes from an environment variable' : `"${requirement.specifier || 'no specifier'}" is not an exact pin`;
      context.unpinned.push({ pkg, warning: `${where}: ${requirement.name} is unpinned (${why}); reported without a version`, lowerBound: requirement.lowerBound, specifier: requirement.specifier });
    }
  }
}

function includeFile(from: string, target: string, where: string, context: Context, depth: number, constraintsOnly: boolean): void {
  const kind = constraintsOnly ? 'constraints file' : 'included file';
  const resolved = includeTarget(from, target);
  if (resolved === undefined) {
    context.warnings.push(`${where}: ${kind} "${target}" is a URL or outside the repository, not read`);
    return;
  }
  if (context.visited.has(resolved)) {
    context.warnings.push(`${where}: ${kind} "${resolved}" was already read (include cycle or repeated include), not read again`);
    return;
  }
  if (depth >= MAX_INCLUDE_DEPTH || context.filesRead >= MAX_INCLUDED_FILES) {
    context.warnings.push(`${where}: ${kind} "${resolved}" not read: includes nest deeper than ${MAX_INCLUDE_DEPTH} or exceed ${MAX_INCLUDED_FILES} files`);
    return;
  }
  const content = context.readSibling?.(resolved);
  if (content === undefined) {
    context.warnings.push(`${where}: ${kind} "${resolved}" not found`);
    return;
  }
  context.visited.add(resolved);
  context.filesRead++;
  try {
    parseFile(content, resolved, context, depth + 1, constraintsOnly);
  } catch (error) {
    // A broken include does not make the including file unreadable: say so and go on.
    if (!(error instanceof ParseError)) throw error;
    context.warnings.push(`${where}: ${kind} not read: ${error.message}`);
  }
}

export function parseRequirementsTxt(content: string, path: string, readSibling?: ReadSibling): ExtractResult {
  const context: Context = {
    readSibling,
    warnings: [],
    packages: [],
    constraints: new Map(),
    unpinned: [],
    visited: new Set([posix.normalize(path)]),
    filesRead: 0,
  };
  parseFile(content, path, context, 0, false);
  // Constraints pin versions of requirements that gave none; the package keeps its own line.
  for (const { pkg, warning, lowerBound, specifier } of context.unpinned) {
    const constrained = context.constraints.get(pkg.name);
    if (constrained === undefined && lowerBound !== undefined) {
      // A library declares a range, not a version: its floor is matched, as osv-scanner does,
      // and the package says so (the findings tell the maintainers their floor is affected).
      const floor = makePackage({ name: pkg.name, version: lowerBound, direct: pkg.direct, scope: pkg.scope, path: pkg.location.path, line: pkg.location.line });
      Object.assign(pkg, floor);
      delete pkg.unpinned;
      pkg.declaredRange = specifier;
      continue;
    }
    if (constrained === undefined) {
      context.warnings.push(warning);
      continue;
    }
    const fixed = makePackage({ name: pkg.name, version: constrained, direct: pkg.direct, scope: pkg.scope, path: pkg.location.path, line: pkg.location.line });
    Object.assign(pkg, fixed);
    delete pkg.unpinned;
  }
  return lockResult(context.packages, context.warnings);
}

export const requirementsTxtExtractor: Extractor = {
  id: 'pypi/requirements-txt',
  ecosystem: 'PyPI',
  patterns: ['requirements*.txt', '*requirements*.txt'],
  lineOriented: true,
  parse: (content, path, readSibling) => parseRequirementsTxt(content, path, readSibling),
};
