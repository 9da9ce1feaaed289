import semver from 'semver';
import { ParseError } from '../../model/errors.js';
import type { ExtractResult, Package } from '../../model/types.js';
import type { Extractor } from '../types.js';
import { purlMaker } from '../entry.js';

const purlAt = purlMaker('Go');

/*
 * go.mod reader. Hand-written because no maintained npm package parses go.mod; the grammar is
 * small (one directive per line or per line of a parenthesised block, `//` comments, quoted
 * strings) and follows golang.org/x/mod/modfile.
 */

const DIRECTIVES = new Set(['module', 'go', 'toolchain', 'godebug', 'require', 'exclude', 'replace', 'retract', 'tool', 'ignore']);

interface Line {
  tokens: string[];
  comment: string;
  line: number;
}

interface Requirement {
  path: string;
  version: string;
  indirect: boolean;
  line: number;
}

interface Replacement {
  oldPath: string;
  oldVersion?: string;
  newPath: string;
  newVersion?: string;
  line: number;
}

/**
 * Splits one line into tokens (bare words, quoted strings, `(`, `)`, `=>`) and its `//` comment.
 * Every branch advances: a character that is neither space, punctuation nor part of a word (a
 * `\v`, a no-break space, U+2028, a BOM...) is an error, as in golang.org/x/mod/modfile.
 */
function lex(text: string, lineNo: number, path: string): { tokens: string[]; comment: string } {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
    } else if (text.startsWith('//', i)) {
      return { tokens, comment: text.slice(i + 2).trim() };
    } else if (ch === '(' || ch === ')') {
      tokens.push(ch);
      i++;
    } else if (text.startsWith('=>', i)) {
      tokens.push('=>');
      i += 2;
    } else if (ch === '"' || ch === '`') {
      let j = i + 1;
      const parts: string[] = [];
      let from = j;
      while (j < text.length && text[j] !== ch) {
        if (ch === '"' && text[j] === '\\' && j + 1 < text.length) {
          parts.push(text.slice(from, j));
          from = j + 1;
          j++;
        }
        j++;
      }
      if (j >= text.length) throw new ParseError(path, `line ${lineNo}: unterminated quoted string`);
      parts.push(text.slice(from, j));
      tokens.push(parts.join(''));
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && isWordCharacter(text.charCodeAt(j)) && !text.startsWith('//', j) && !text.startsWith('=>', j)) j++;
      if (j === i) {
        const code = text.codePointAt(i)!;
        throw new ParseError(path, `line ${lineNo}: unexpected character U+${code.toString(16).toUpperCase().padStart(4, '0')}`);
      }
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return { tokens, comment: '' };
}

/** Part of a bare word: not whitespace (in JavaScript's wide sense), not `(`, `)`, `"` or a backquote. */
function isWordCharacter(code: number): boolean {
  if (code === 40 || code === 41 || code === 34 || code === 96) return false;
  if (code < 128) return code > 32 && code !== 127;
  return !/\s/.test(String.fromCharCode(code));
}

/** True for `// indirect` and `// indirect; other words`, as modfile reads it. */
function isIndirect(comment: string): boolean {
  return comment === 'indirect' || comment.startsWith('indirect;');
}

function isLocalPath(target: string): boolean {
  return target.startsWith('./') || target.startsWith('../') || target.startsWith('/') || target === '.' || target === '..' || /^[A-Za-z]:[\\/]/.test(target) || target.startsWith('.\\') || target.startsWith('..\\');
}

function isModuleVersion(version: string): boolean {
  return version.startsWith('v') && semver.valid(version.slice(1), { loose: false }) !== null;
}

function checkVersion(version: string | undefined, lineNo: number, path: string): string {
  // Semver after the `v` (pseudo-versions and +incompatible are semver), as the module proxy requires.
  if (version === undefined || !isModuleVersion(version)) {
    throw new ParseError(path, `line ${lineNo}: expected a module version like v1.2.3, got ${version === undefined ? 'nothing' : `"${version}"`}`);
  }
  return version;
}

/**
 * A Go toolchain version (`1.21`, `1.21.3`, `1.22rc1`, `1.23.6-custom`) in the form the Go
 * vulnerability data uses for `stdlib`: `1.21.0`, `1.21.3`, `1.22.0-rc.1`, `1.23.6`. A `-suffix`
 * names a custom build of that release, so it is dropped rather than read as a pre-release.
 */
export function goToolchainVersion(raw: string): string | undefined {
  const match = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(rc|beta|alpha)(\d+))?(?:[-+].*)?$/.exec(raw);
  if (!match) return undefined;
  const [, major, minor = '0', patch = '0', pre, preNumber] = match;
  return `${major}.${minor}.${patch}${pre ? `-${pre}.${preNumber}` : ''}`;
}

/**
 * Before go 1.17, go.mod lists only direct requirements; the modules of the build are the go.sum
 * lines for whole modules (not `/go.mod`-only lines). Keeps the highest version of each module
 * (minimal version selection picks it) and applies go.mod's replacements.
 */
function indirectFromGoSum(sum: string, sumPath: string, known: Map<string, Package>, replaces: Map<string, Replacement>, warnings: string[]): Package[] {
  const highest = new Map<string, { version: string; line: number }>();
  sum.split('\n').forEach((text, index) => {
    const fields = text.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') return;
    if (fields.length !== 3 || !isModuleVersion(fields[1]!.replace(/\/go\.mod$/, ''))) {
      warnings.push(`${sumPath}:${index + 1}: not a "module version hash" line; skipped`);
      return;
    }
    const [module, version] = fields as [string, string];
    if (version.endsWith('/go.mod')) return;
    const seen = highest.get(module);
    if (!seen || compareGoVersions(version, seen.version) > 0) highest.set(module, { version, line: index + 1 });
  });
  const knownModules = new Set([...known.values()].map((pkg) => pkg.name));
  const packages: Package[] = [];
  for (const [module, { version, line }] of highest) {
    if (knownModules.has(module)) continue;
    const replace = replaces.get(`${module}@${version}`) ?? replaces.get(module);
    if (replace && replace.newVersion === undefined) continue;
    const name = replace ? replace.newPath : module;
    const resolved = replace?.newVersion ?? version;
    if (known.has(`${name}@${resolved}`)) continue;
    packages.push({
      ecosystem: 'Go',
      name,
      version: resolved,
      purl: purlAt(sumPath, line, name, resolved),
      direct: false,
      scope: 'runtime',
      location: { path: sumPath, line },
    });
  }
  return packages;
}

/** Semantic version order of two Go module versions (`v` prefix, pseudo-versions are pre-releases). */
function compareGoVersions(a: string, b: string): number {
  const left = semver.parse(a.slice(1).replace(/\+incompatible$/, ''));
  const right = semver.parse(b.slice(1).replace(/\+incompatible$/, ''));
  if (!left || !right) return a < b ? -1 : a > b ? 1 : 0;
  return left.compare(right);
}

function logicalLines(content: string, path: string): Line[] {
  const lines: Line[] = [];
  let index = 0;
  for (const text of content.split('\n')) {
    index++;
    const { tokens, comment } = lex(text, index, path);
    lines.push({ tokens, comment, line: index });
  }
  return lines;
}

export function parseGoMod(content: string, path: string, readSibling?: (relativePath: string) => string | undefined): ExtractResult {
  const warnings: string[] = [];
  const requires: Requirement[] = [];
  const replaces: Replacement[] = [];
  const excludes = new Set<string>();
  let goDirective: { version: string; line: number } | undefined;
  let toolchain: { version: string; line: number } | undefined;

  const handle = (verb: string, args: string[], comment: string, lineNo: number): void => {
    switch (verb) {
      case 'go':
        if (args.length !== 1) throw new ParseError(path, `line ${lineNo}: go directive needs exactly one version`);
        goDirective = { version: args[0]!, line: lineNo };
        return;
      case 'toolchain':
        if (args.length !== 1) throw new ParseError(path, `line ${lineNo}: toolchain directive needs exactly one name`);
        toolchain = { version: args[0]!, line: lineNo };
        return;
      case 'require':
        if (args.length !== 2) throw new ParseError(path, `line ${lineNo}: require needs a module path and a version`);
        requires.push({ path: args[0]!, version: checkVersion(args[1], lineNo, path), indirect: isIndirect(comment), line: lineNo });
        return;
      case 'exclude':
        if (args.length !== 2) throw new ParseError(path, `line ${lineNo}: exclude needs a module path and a version`);
        excludes.add(`${args[0]}@${checkVersion(args[1], lineNo, path)}`);
        return;
      case 'replace': {
        const arrow = args.indexOf('=>');
        const left = args.slice(0, arrow);
        const right = args.slice(arrow + 1);
        if (arrow < 0 || left.length < 1 || left.length > 2 || right.length < 1 || right.length > 2) {
          throw new ParseError(path, `line ${lineNo}: replace needs "module [version] => replacement [version]"`);
        }
        if (right.length === 1 && !isLocalPath(right[0]!)) {
          throw new ParseError(path, `line ${lineNo}: replacement "${right[0]}" has no version and is not a directory path`);
        }
        replaces.push({
          oldPath: left[0]!,
          oldVersion: left.length === 2 ? checkVersion(left[1], lineNo, path) : undefined,
          newPath: right[0]!,
          newVersion: right.length === 2 ? checkVersion(right[1], lineNo, path) : undefined,
          line: lineNo,
        });
        return;
      }
      default:
        // module, godebug, retract, tool, ignore: nothing to inventory.
        return;
    }
  };

  let block: { verb: string; line: number } | undefined;
  for (const { tokens, comment, line } of logicalLines(content, path)) {
    if (tokens.length === 0) continue;
    if (block) {
      if (tokens.length === 1 && tokens[0] === ')') {
        block = undefined;
        continue;
      }
      if (tokens.includes('(') || tokens.includes(')')) throw new ParseError(path, `line ${line}: unexpected parenthesis inside the ${block.verb} block`);
      handle(block.verb, tokens, comment, line);
      continue;
    }
    const verb = tokens[0]!;
    if (!DIRECTIVES.has(verb)) throw new ParseError(path, `line ${line}: unknown directive "${verb}" (not a go.mod file?)`);
    if (tokens[1] === '(') {
      if (tokens.length === 2) block = { verb, line };
      else if (tokens.length === 3 && tokens[2] === ')') continue;
      else throw new ParseError(path, `line ${line}: unexpected text after "${verb} ("`);
      continue;
    }
    handle(verb, tokens.slice(1), comment, line);
  }
  if (block) throw new ParseError(path, `line ${block.line}: ${block.verb} block is not closed (file truncated?)`);

  // Keyed `path@version` for a replace of one version, `path` for one of every version. The go
  // command refuses two replaces of the same key; here the last one wins.
  const replaceIndex = new Map(replaces.map((r) => [r.oldVersion === undefined ? r.oldPath : `${r.oldPath}@${r.oldVersion}`, r]));
  const packages: Package[] = [];
  const byKey = new Map<string, Package>();
  for (const req of requires) {
    if (excludes.has(`${req.path}@${req.version}`)) {
      warnings.push(`${path}:${req.line}: ${req.path} ${req.version} is required but excluded; the version Go picks instead is not in go.mod, so it is not reported`);
      continue;
    }
    // A replace for this exact version wins over one for every version, as in the go command.
    const replace = replaceIndex.get(`${req.path}@${req.version}`) ?? replaceIndex.get(req.path);
    let name = req.path;
    let version = req.version;
    // Replaced by a local directory: the project's own code, listed under the module path it
    // stands for and never matched (its version is the one required, not what the folder holds).
    const localDirectory = replace && replace.newVersion === undefined ? replace.newPath : undefined;
    if (replace && replace.newVersion !== undefined) {
      name = replace.newPath;
      version = replace.newVersion;
    }
    const key = `${name}@${version}${localDirectory === undefined ? '' : '#local'}`;
    const seen = byKey.get(key);
    if (seen) {
      seen.direct ||= !req.indirect;
      continue;
    }
    const pkg: Package = {
      ecosystem: 'Go',
      name,
      version,
      purl: purlAt(path, req.line, name, version),
      direct: !req.indirect,
      scope: 'runtime',
      location: { path, line: req.line },
    };
    if (localDirectory !== undefined) {
      pkg.source = 'local';
      pkg.sourceRef = localDirectory;
    }
    byKey.set(key, pkg);
    packages.push(pkg);
  }

  // The toolchain line names the Go release that builds the module; without it the go line does.
  let stdlib: { version: string; line: number } | undefined;
  if (toolchain && toolchain.version !== 'default') {
    const version = toolchain.version.startsWith('go') ? goToolchainVersion(toolchain.version.slice(2)) : undefined;
    if (version) stdlib = { version, line: toolchain.line };
    else warnings.push(`${path}:${toolchain.line}: toolchain "${toolchain.version}" is not a Go release name; using the go line`);
  }
  if (!stdlib && goDirective) {
    const version = goToolchainVersion(goDirective.version);
    if (version) stdlib = { version, line: goDirective.line };
    else warnings.push(`${path}:${goDirective.line}: go version "${goDirective.version}" is not a Go release; stdlib not reported`);
  }
  if (stdlib) {
    packages.push({
      ecosystem: 'Go',
      name: 'stdlib',
      version: stdlib.version,
      purl: purlAt(path, stdlib.line, 'stdlib', stdlib.version),
      direct: true,
      scope: 'runtime',
      location: { path, line: stdlib.line },
    });
  }
  const goLanguage = goDirective ? goToolchainVersion(goDirective.version) : undefined;
  const [major, minor] = (goLanguage ?? '').split('.').map(Number);
  if (goDirective && major === 1 && minor !== undefined && minor < 17) {
    const sumPath = path.includes('/') ? `${path.slice(0, path.lastIndexOf('/'))}/go.sum` : 'go.sum';
    const sum = readSibling?.(sumPath);
    if (sum === undefined) {
      warnings.push(`${path}:${goDirective.line}: go ${goDirective.version} modules list only direct requirements and there is no go.sum beside it; indirect modules are not reported`);
    } else {
      // a loop, not push(...): a go.sum may list more modules than a call takes arguments
      for (const pkg of indirectFromGoSum(sum, sumPath, byKey, replaceIndex, warnings)) packages.push(pkg);
    }
  }
  return { packages, warnings };
}

export const goModExtractor: Extractor = {
  id: 'go/go-mod',
  ecosystem: 'Go',
  patterns: ['go.mod'],
  lineOriented: true,
  parse: (content, path, readSibling) => parseGoMod(content, path, readSibling),
};
