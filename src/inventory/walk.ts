import picomatch from 'picomatch';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { errorMessage, InputTooLargeError, ParseError } from '../model/errors.js';
import type { Package } from '../model/types.js';
import { INPUT_LIMITS } from './limits.js';
import { parseLockfile } from './parse-file.js';
import { extractors } from './registry.js';
import type { Extractor } from './types.js';

export interface WalkOptions {
  /** Only look below these repo-relative paths or globs (all of the tree when empty). */
  paths?: readonly string[];
  /** Repo-relative globs never read. */
  exclude?: readonly string[];
  /** Read lockfiles in test-fixture and example folders too. */
  includeTestFixtures?: boolean;
  /** OSV ecosystem names whose files are not read. */
  skipEcosystems?: readonly string[];
  maxFileBytes?: number;
  maxFiles?: number;
}

export interface InventoriedFile {
  path: string;
  extractor: string;
  ecosystem: string;
  packages: number;
}

export interface FileError {
  path: string;
  extractor: string;
  ecosystem: string;
  message: string;
}

export interface InventoryResult {
  files: InventoriedFile[];
  packages: Package[];
  errors: FileError[];
  warnings: string[];
}

/** Folders that hold other people's code or test data, not the project's dependencies. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.hg', '.svn', 'bower_components', 'vendor', 'third_party', 'third-party', '.venv', 'venv', '__pycache__', '.tox']);
const TEST_FIXTURE_DIRECTORIES = new Set(['fixtures', '__fixtures__', 'testdata', 'test-fixtures', 'test_data', 'examples', 'example']);

/** Lockfiles are text; anything larger than this is not one we should parse in memory. */
export const DEFAULT_MAX_FILE_BYTES = INPUT_LIMITS.maxFileBytes;
const DEFAULT_MAX_FILES = 200_000;

interface Matcher {
  extractor: Extractor;
  matches: (relativePath: string, baseName: string) => boolean;
}

function matchersFor(skipEcosystems: readonly string[]): Matcher[] {
  return [...extractors.values()]
    // SBOM readers yield many ecosystems: their packages are filtered one by one instead.
    .filter((extractor) => extractor.mixedEcosystems || !skipEcosystems.includes(extractor.ecosystem))
    .map((extractor) => {
      const byPath = extractor.patterns.filter((pattern) => pattern.includes('/'));
      const byName = extractor.patterns.filter((pattern) => !pattern.includes('/'));
      const pathMatch = byPath.length ? picomatch(byPath as string[], { dot: true }) : undefined;
      const nameMatch = byName.length ? picomatch(byName as string[], { dot: true }) : undefined;
      return {
        extractor,
        matches: (relativePath: string, baseName: string) => Boolean(nameMatch?.(baseName) || pathMatch?.(relativePath)),
      };
    });
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reads a file of the checkout for an extractor: only regular files (never a symlink), inside
 * the checkout, within the size bound.
 */
export function readConfined(root: string, relativePath: string, maxBytes = DEFAULT_MAX_FILE_BYTES): string | undefined {
  const normalized = posix.normalize(relativePath.replace(/\\/g, '/'));
  if (normalized.startsWith('../') || normalized === '..' || posix.isAbsolute(normalized)) return undefined;
  const parts = normalized.split('/');
  let current = root;
  for (const part of parts) {
    current = join(current, part);
    let stat;
    try {
      stat = lstatSync(current);
    } catch {
      return undefined;
    }
    if (stat.isSymbolicLink()) return undefined;
  }
  const stat = lstatSync(current);
  if (!stat.isFile() || stat.size > maxBytes) return undefined;
  return stripBom(readFileSync(current, 'utf8'));
}

/**
 * What the walk reads from: a directory on disk, or a commit's tree read from git's object store
 * (tree-source.ts). Either way the same rules pick the files.
 */
export interface TreeSource {
  /** The entries of a repo-relative folder ('' is the top); throws when it cannot be read. */
  list(dir: string): Array<{ name: string; kind: 'file' | 'directory' | 'symlink' | 'other' }>;
  /** A regular file's text (BOM removed); throws (InputTooLargeError…) when it cannot be read. */
  read(relativePath: string, maxBytes: number): string;
  /** Another file for an extractor, confined like readConfined; undefined when it cannot be read. */
  readOptional(relativePath: string, maxBytes: number): string | undefined;
}

/** The files of a directory on disk; symlinks are listed as such and never followed. */
export function directorySource(root: string): TreeSource {
  return {
    list: (dir) =>
      readdirSync(join(root, dir), { withFileTypes: true }).map((entry) => ({
        name: entry.name,
        kind: entry.isSymbolicLink() ? 'symlink' : entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : 'other',
      })),
    read: (relativePath, maxBytes) => {
      const size = lstatSync(join(root, relativePath)).size;
      if (size > maxBytes) throw new InputTooLargeError(relativePath, size, maxBytes);
      return stripBom(readFileSync(join(root, relativePath), 'utf8'));
    },
    readOptional: (relativePath, maxBytes) => readConfined(root, relativePath, maxBytes),
  };
}

/** Walks the checkout once and runs every extractor on the files it claims. */
export function inventoryDirectory(root: string, options: WalkOptions = {}): InventoryResult {
  return inventoryTree(directorySource(root), options);
}

/** Walks a tree once and runs every extractor on the files it claims. */
export function inventoryTree(source: TreeSource, options: WalkOptions = {}): InventoryResult {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  const matchers = matchersFor(options.skipEcosystems ?? []);
  const excluded = options.exclude?.length ? picomatch(options.exclude as string[], { dot: true }) : () => false;
  const within = options.paths?.length
    ? picomatch(options.paths.flatMap((path) => [path, `${path.replace(/\/+$/, '')}/**`]), { dot: true })
    : () => true;
  // A directory is entered when it may contain a wanted path: it is one, or a prefix of one.
  const roots = (options.paths ?? []).map((path) => path.replace(/\/+$/, ''));
  const mayContain = (dir: string) =>
    roots.length === 0 || within(dir) || roots.some((path) => path.startsWith(`${dir}/`) || /[*?[{]/.test(path));

  const result: InventoryResult = { files: [], packages: [], errors: [], warnings: [] };
  let visited = 0;
  const pending: string[] = [''];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    let entries;
    try {
      entries = source.list(dir);
    } catch (error) {
      result.warnings.push(`${dir || '.'}: cannot read directory: ${errorMessage(error)}`);
      continue;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const relativePath = dir ? `${dir}/${entry.name}` : entry.name;
      // Symlinks are never followed: they could point out of the checkout.
      if (entry.kind === 'symlink') continue;
      if (excluded(relativePath)) continue;
      if (entry.kind === 'directory') {
        if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
        if (!options.includeTestFixtures && TEST_FIXTURE_DIRECTORIES.has(entry.name)) continue;
        if (mayContain(relativePath)) pending.push(relativePath);
        continue;
      }
      if (entry.kind !== 'file') continue;
      if (++visited > maxFiles) {
        result.warnings.push(`stopped after ${maxFiles} files: the tree is larger than Sieve reads`);
        pending.length = 0;
        break;
      }
      if (!within(relativePath)) continue;
      for (const { extractor, matches } of matchers) {
        if (!matches(relativePath, entry.name)) continue;
        runExtractor(source, relativePath, extractor, maxBytes, result, options.skipEcosystems ?? []);
      }
    }
  }
  result.files.sort((a, b) => a.path.localeCompare(b.path) || a.extractor.localeCompare(b.extractor));
  return result;
}

function runExtractor(
  source: TreeSource,
  relativePath: string,
  extractor: Extractor,
  maxBytes: number,
  result: InventoryResult,
  skipEcosystems: readonly string[],
): void {
  // The error is reported under its path: a message that starts with the path says it once.
  const fail = (message: string) =>
    result.errors.push({
      path: relativePath,
      extractor: extractor.id,
      ecosystem: extractor.ecosystem,
      message: message.startsWith(`${relativePath}: `) ? message.slice(relativePath.length + 2) : message,
    });
  let content: string;
  try {
    content = source.read(relativePath, maxBytes);
  } catch (error) {
    fail(errorMessage(error));
    return;
  }
  // Extractors name other files by repo-relative path (they join their own folder themselves).
  const readSibling = (path: string) => source.readOptional(path, maxBytes);
  try {
    const extracted = parseLockfile(extractor, content, relativePath, readSibling);
    const packages = skipEcosystems.length ? extracted.packages.filter((pkg) => !skipEcosystems.includes(pkg.ecosystem)) : extracted.packages;
    // A loop, not push(...packages): a lockfile can hold more entries than a call takes arguments.
    for (const pkg of packages) result.packages.push(pkg);
    for (const warning of extracted.warnings ?? []) result.warnings.push(warning.startsWith(relativePath) ? warning : `${relativePath}: ${warning}`);
    result.files.push({ path: relativePath, extractor: extractor.id, ecosystem: extractor.ecosystem, packages: packages.length });
  } catch (error) {
    // parseLockfile turns every failure into a ParseError; anything else is still one file's.
    fail(error instanceof ParseError ? error.reason : `${extractor.id} could not read it: ${errorMessage(error)}`);
  }
}
