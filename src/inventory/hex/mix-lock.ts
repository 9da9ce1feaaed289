import { InputLimitError, ParseError } from '../../model/errors.js';
import type { ExtractResult, Package } from '../../model/types.js';
import type { Extractor } from '../types.js';
import { gitSourceRef, purlMaker } from '../entry.js';
import { INPUT_LIMITS } from '../limits.js';

const purlAt = purlMaker('Hex');

/*
 * mix.lock is an Elixir map literal. No npm package reads Elixir terms, so this is a small
 * hand-written reader for the subset mix writes: maps (`%{"k": v}` and `%{"k" => v}`), tuples,
 * lists with keyword pairs (`hex: :jason`), strings, atoms and bare words. It never evaluates
 * anything, and bounds nesting depth so hostile input cannot blow the stack.
 */

type Term =
  | { kind: 'string'; value: string }
  | { kind: 'atom'; value: string }
  | { kind: 'word'; value: string }
  | { kind: 'tuple'; items: Term[] }
  | { kind: 'list'; items: Term[] }
  | { kind: 'map'; entries: { key: Term; value: Term; offset: number }[] };

const MAX_DEPTH = INPUT_LIMITS.maxNestingDepth;

class TermReader {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly path: string,
  ) {}

  fail(reason: string, at = this.pos): never {
    const line = this.text.slice(0, at).split('\n').length;
    throw new ParseError(this.path, `line ${line}: ${reason}`);
  }

  /** The whole text as one term, with nothing after it. */
  readDocument(): Term {
    const term = this.readTerm(0);
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('unexpected text after the lock map');
    return term;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos]!;
      if (ch === '#') {
        const end = this.text.indexOf('\n', this.pos);
        this.pos = end < 0 ? this.text.length : end;
      } else if (/\s/.test(ch)) {
        this.pos++;
      } else {
        return;
      }
    }
  }

  private expect(token: string): void {
    this.skipSpace();
    if (!this.text.startsWith(token, this.pos)) {
      this.fail(this.pos >= this.text.length ? `expected "${token}" but the file ends (truncated?)` : `expected "${token}"`);
    }
    this.pos += token.length;
  }

  private readString(): string {
    const start = this.pos;
    this.pos++; // opening quote
    let value = '';
    while (this.pos < this.text.length && this.text[this.pos] !== '"') {
      if (this.text[this.pos] === '\\') this.pos++;
      value += this.text[this.pos] ?? '';
      this.pos++;
    }
    if (this.pos >= this.text.length) this.fail('unterminated string', start);
    this.pos++; // closing quote
    return value;
  }

  private readWord(): string {
    const match = /^[A-Za-z0-9_@.+-]+[?!]?/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!match) this.fail(this.pos >= this.text.length ? 'unexpected end of file (truncated?)' : `unexpected character "${this.text[this.pos]}"`);
    this.pos += match[0].length;
    return match[0];
  }

  /** A `key:` keyword (followed by whitespace) at the current position, if there is one. */
  private readKeywordKey(): string | undefined {
    const start = this.pos;
    let key: string;
    if (this.text[this.pos] === '"') key = this.readString();
    else if (/[A-Za-z_]/.test(this.text[this.pos] ?? '')) key = this.readWord();
    else return undefined;
    if (this.text[this.pos] === ':' && /\s/.test(this.text[this.pos + 1] ?? '')) {
      this.pos++;
      return key;
    }
    this.pos = start;
    return undefined;
  }

  private readTerm(depth: number): Term {
    if (depth > MAX_DEPTH) throw new InputLimitError(this.path, 'maxNestingDepth', MAX_DEPTH, `terms nested more than ${MAX_DEPTH} deep`);
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === undefined) this.fail('unexpected end of file (truncated?)');
    if (ch === '%') {
      this.expect('%{');
      return this.readMap(depth);
    }
    if (ch === '{') {
      this.pos++;
      return { kind: 'tuple', items: this.readItems('}', depth) };
    }
    if (ch === '[') {
      this.pos++;
      return { kind: 'list', items: this.readItems(']', depth) };
    }
    if (ch === '"') return { kind: 'string', value: this.readString() };
    if (ch === ':') {
      this.pos++;
      return { kind: 'atom', value: this.text[this.pos] === '"' ? this.readString() : this.readWord() };
    }
    return { kind: 'word', value: this.readWord() };
  }

  /** Items up to `close`; keyword pairs become `{:key, value}` tuples, as in Elixir. */
  private readItems(close: string, depth: number): Term[] {
    const items: Term[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      const key = this.readKeywordKey();
      if (key !== undefined) {
        items.push({ kind: 'tuple', items: [{ kind: 'atom', value: key }, this.readTerm(depth + 1)] });
      } else {
        items.push(this.readTerm(depth + 1));
      }
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== close) this.fail(this.pos >= this.text.length ? `expected "${close}" but the file ends (truncated?)` : `expected "," or "${close}"`);
    }
  }

  private readMap(depth: number): Term {
    const entries: { key: Term; value: Term; offset: number }[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return { kind: 'map', entries };
      }
      const offset = this.pos;
      const keyword = this.readKeywordKey();
      let key: Term;
      if (keyword !== undefined) {
        key = { kind: 'string', value: keyword };
      } else {
        key = this.readTerm(depth + 1);
        this.expect('=>');
      }
      entries.push({ key, value: this.readTerm(depth + 1), offset });
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.fail(this.pos >= this.text.length ? 'expected "}" but the file ends (truncated?)' : 'expected "," or "}"');
    }
  }
}

function text(term: Term | undefined): string | undefined {
  return term && (term.kind === 'string' || term.kind === 'atom') ? term.value : undefined;
}

export function parseMixLock(content: string, path: string): ExtractResult {
  if (content.trim() === '') return { packages: [], warnings: [] };
  const reader = new TermReader(content, path);
  const root = reader.readDocument();
  if (root.kind !== 'map') throw new ParseError(path, 'not a mix.lock: the file is not a %{...} map');

  // Entries come in text order, so lines are counted forward once.
  let countedTo = 0;
  let countedLine = 1;
  const lineOf = (offset: number): number => {
    for (let i = content.indexOf('\n', countedTo); i >= 0 && i < offset; i = content.indexOf('\n', i + 1)) countedLine++;
    countedTo = Math.max(countedTo, offset);
    return countedLine;
  };
  const warnings: string[] = [];
  interface Locked {
    app: string;
    name: string;
    version: string;
    line: number;
    deps: string[];
  }
  const locked = new Map<string, Locked>();
  const gitEntries: { app: string; line: number; sourceRef?: string }[] = [];
  for (const { key, value, offset } of root.entries) {
    const app = text(key);
    const line = lineOf(offset);
    if (app === undefined) throw new ParseError(path, `line ${line}: a lock key is not a string`);
    if (value.kind !== 'tuple' || value.items[0]?.kind !== 'atom') {
      throw new ParseError(path, `line ${line}: ${app} is not a {:scm, ...} tuple`);
    }
    const scm = value.items[0].value;
    if (scm === 'git') {
      // A git checkout has no version, only a commit: listed as git, never matched.
      const url = value.items[1]?.kind === 'string' ? value.items[1].value : undefined;
      const commit = value.items[2]?.kind === 'string' ? value.items[2].value : undefined;
      gitEntries.push({ app, line, sourceRef: url === undefined ? undefined : gitSourceRef(commit ? `${url}#${commit}` : url) });
      continue;
    }
    if (scm !== 'hex') {
      warnings.push(`${path}:${line}: ${app} comes from ${scm === 'git' ? 'git' : `the ${scm} source`}; skipped, it is not a Hex package`);
      continue;
    }
    const name = value.items[1]?.kind === 'atom' ? value.items[1].value : undefined;
    const version = value.items[2]?.kind === 'string' ? value.items[2].value : undefined;
    if (!name || !version) throw new ParseError(path, `line ${line}: hex entry ${app} has no package name and version`);
    const depList = value.items[5];
    const deps = depList?.kind === 'list' ? depList.items.flatMap((dep) => (dep.kind === 'tuple' && text(dep.items[0]) ? [text(dep.items[0])!] : [])) : [];
    locked.set(app, { app, name, version, line, deps });
  }

  const purlOf = (entry: Locked): string => purlAt(path, entry.line, entry.name, entry.version);
  const packages: Package[] = [...locked.values()].map((entry) => ({
    ecosystem: 'Hex',
    name: entry.name,
    version: entry.version,
    purl: purlOf(entry),
    // mix.lock does not say which packages mix.exs asks for.
    direct: false,
    scope: 'runtime',
    location: { path, line: entry.line },
    // Optional dependencies that were not chosen are absent from the lock and drop out here.
    dependsOn: entry.deps.flatMap((app) => {
      const target = locked.get(app);
      return target ? [purlOf(target)] : [];
    }),
  }));
  for (const entry of gitEntries) {
    const pkg: Package = {
      ecosystem: 'Hex',
      name: entry.app,
      version: '',
      purl: purlAt(path, entry.line, entry.app, ''),
      direct: false,
      scope: 'runtime',
      location: { path, line: entry.line },
      source: 'git',
    };
    if (entry.sourceRef) pkg.sourceRef = entry.sourceRef;
    packages.push(pkg);
  }
  packages.sort((a, b) => a.location.line - b.location.line);
  return { packages, warnings };
}

export const mixLockExtractor: Extractor = {
  id: 'hex/mix-lock',
  ecosystem: 'Hex',
  patterns: ['mix.lock'],
  lineOriented: true,
  parse: (content, path) => parseMixLock(content, path),
};
