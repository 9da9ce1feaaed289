import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { ParseError } from '../model/errors.js';
import { INPUT_LIMITS } from './limits.js';

/**
 * YAML reading for the big lockfiles (pnpm-lock.yaml, yarn Berry, pubspec.lock). js-yaml builds
 * plain objects straight from the text, several times faster than a document tree, so line
 * numbers come from keyLines below, one cheap pass over the text, instead of from YAML nodes.
 * js-yaml 4 rather than 5: on these files it is about twice as fast, and it has the same
 * guards (collections nest at most 100 deep; an alias is a shared reference, never a copy, so
 * alias bombs cost nothing).
 */

const MAX_LINES = INPUT_LIMITS.maxLines;

/**
 * Parses one YAML document (YAML 1.2 core schema: no timestamps, no `<<` merges; a repeated key
 * keeps its last value). Returns undefined for a file holding no document (empty, only
 * comments) and null for an explicit `~`/`null`. Throws ParseError naming the path and, when
 * known, the line.
 */
export function loadYaml(content: string, path: string): unknown {
  let documents: unknown[];
  try {
    documents = loadAll(content, undefined, { schema: CORE_SCHEMA, json: true });
  } catch (error) {
    // anything thrown here (YAMLException, or a RangeError on pathological input) is a bad file
    const { reason, mark } = error as { reason?: unknown; mark?: { line?: unknown } };
    const why = typeof reason === 'string' ? reason : ((error as Error).message ?? String(error)).split('\n')[0];
    const at = typeof mark?.line === 'number' ? ` at line ${mark.line + 1}` : '';
    throw new ParseError(path, `not valid YAML${at}: ${why}`, { cause: error });
  }
  if (documents.length > 1) throw new ParseError(path, `not valid YAML: ${documents.length} documents where one was expected`);
  // js-yaml reads a file of only comments as one null document
  if (documents[0] === null && !hasContent(content)) return undefined;
  return documents[0];
}

/** Whether any line holds more than whitespace, a comment or a document marker. */
function hasContent(content: string): boolean {
  return content.split('\n').some((line) => {
    const text = line.trim();
    return text !== '' && !text.startsWith('#') && !text.startsWith('%') && text !== '---' && text !== '...';
  });
}

export interface KeyLines {
  /** 1-based line of each top-level key (the first, if repeated). */
  readonly top: ReadonlyMap<string, number>;
  /** top-level key → 1-based line of each key directly under it. */
  readonly nested: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/**
 * Lines of the keys on the first two levels of a block-style YAML mapping, from one pass over
 * the text. The child indent of each section is that of its first indented line; deeper lines,
 * comments and block scalars (`key: |`) are skipped. Good enough for locations: a key it cannot
 * read (flow style, complex keys) is simply missing and its caller falls back to line 1.
 * With `topOnly`, indented lines are not read at all and `nested` holds empty maps.
 */
export function keyLines(content: string, topOnly = false): KeyLines {
  const top = new Map<string, number>();
  const nested = new Map<string, Map<string, number>>();
  let current: Map<string, number> | undefined;
  let childIndent = -1;
  /** Lines indented deeper than this belong to a block scalar. */
  let blockIndent = Infinity;
  let lineNo = 0;
  let start = 0;
  while (start <= content.length && lineNo < MAX_LINES) {
    let end = content.indexOf('\n', start);
    if (end < 0) end = content.length;
    lineNo++;
    const lineStart = start;
    start = end + 1;
    let indent = 0;
    while (content.charCodeAt(lineStart + indent) === 32) indent++;
    const first = content.charCodeAt(lineStart + indent);
    // blank line (\n, \r or end of text) or comment
    if (lineStart + indent >= end || first === 13 || first === 35 /* # */) continue;
    if (indent > blockIndent || (topOnly && indent > 0)) continue;
    blockIndent = Infinity;
    if (indent > 0 && (current === undefined || (childIndent >= 0 && indent !== childIndent))) continue;
    const text = content.slice(lineStart + indent, end).trimEnd();
    if (isBlockScalarStart(text)) blockIndent = indent;
    const key = readYamlKey(text);
    if (indent === 0) {
      current = undefined;
      childIndent = -1;
      if (key === undefined) continue;
      if (!top.has(key)) top.set(key, lineNo);
      current = nested.get(key);
      if (!current) {
        current = new Map();
        nested.set(key, current);
      }
      continue;
    }
    childIndent = indent;
    if (key !== undefined && current && !current.has(key)) current.set(key, lineNo);
  }
  return { top, nested };
}

/** `key: |`, `key: >-`, `key: |2 # comment`: the lines below, indented deeper, are text. */
function isBlockScalarStart(text: string): boolean {
  const last = text.charCodeAt(text.length - 1);
  // fast exit: most lines end in a letter, digit, quote or colon
  if (last !== 124 /* | */ && last !== 62 /* > */ && last !== 45 /* - */ && last !== 43 /* + */ && !(last >= 48 && last <= 57) && !text.includes('#')) {
    return false;
  }
  return /(?:^|:\s+|^-\s+)[|>][-+0-9]*\s*(?:#.*)?$/.test(text);
}

/** The key of a `key: value` or `key:` line (plain, 'single' or "double" quoted). */
function readYamlKey(text: string): string | undefined {
  if (text.startsWith("'")) {
    const match = /^'((?:[^']|'')*)'\s*:/.exec(text);
    return match ? (match[1] as string).replace(/''/g, "'") : undefined;
  }
  if (text.startsWith('"')) {
    // fast path: no escapes, so the key is the text between the quotes
    const close = text.indexOf('"', 1);
    if (close > 0 && text.charCodeAt(close + 1) === 58 /* : */ && !text.includes('\\')) {
      const key = text.slice(1, close);
      let plain = true;
      // a raw control character is an error for JSON.parse, so leave those to the slow path
      for (let i = 0; i < key.length && plain; i++) plain = key.charCodeAt(i) >= 32;
      if (plain) return key;
    }
    const match = /^("(?:[^"\\]|\\.)*")\s*:/.exec(text);
    if (!match) return undefined;
    try {
      return JSON.parse(match[1] as string) as string;
    } catch {
      return undefined;
    }
  }
  const spaced = text.indexOf(': ');
  if (spaced >= 0) return text.slice(0, spaced);
  return text.endsWith(':') ? text.slice(0, -1) : undefined;
}
