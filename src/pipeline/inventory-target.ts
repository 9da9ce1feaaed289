import picomatch from 'picomatch';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { TargetConfig } from '../config/load.js';
import { extractors } from '../inventory/registry.js';
import { parseLockfile } from '../inventory/parse-file.js';
import { sbomSubject } from '../inventory/sbom-input/subject.js';
import { MemoryTreeSource, type LoadedContent } from '../inventory/tree-source.js';
import { DEFAULT_MAX_FILE_BYTES, inventoryDirectory, inventoryTree, type InventoryResult, type InventoriedFile, type WalkOptions } from '../inventory/walk.js';
import { errorMessage, InputTooLargeError, ParseError } from '../model/errors.js';
import type { Package, StageFailure } from '../model/types.js';
import type { InventorySnapshot } from '../store/findings.js';
import type { TargetCheckout } from './checkout-target.js';

export interface TargetInventory {
  packages: Package[];
  files: InventoriedFile[];
  failures: StageFailure[];
  warnings: string[];
  snapshot: InventorySnapshot;
}

/** Which SBOM reader fits a file: by its name first, then by a look at its content. */
function sbomExtractorId(file: string, content: string): string {
  const name = basename(file);
  for (const extractor of extractors.values()) {
    if (extractor.id.startsWith('sbom-input/') && extractor.patterns.some((pattern) => matchesBaseName(pattern, name))) return extractor.id;
  }
  const head = content.slice(0, 4096);
  if (head.trimStart().startsWith('<')) return 'sbom-input/cyclonedx-xml';
  return head.includes('"spdxVersion"') ? 'sbom-input/spdx-json' : 'sbom-input/cyclonedx-json';
}

function matchesBaseName(pattern: string, name: string): boolean {
  return !pattern.includes('/') && picomatch.isMatch(name, pattern, { dot: true });
}

/**
 * An SBOM target's packages. Their location is the SBOM's subject (an image name without tag or
 * digest), not the file name, so a new tag or a renamed file keeps the findings' identity.
 */
function inventorySbom(checkout: TargetCheckout): TargetInventory & { subject: string } {
  const file = checkout.sbomFile as string;
  const size = statSync(file).size;
  if (size > DEFAULT_MAX_FILE_BYTES) throw new InputTooLargeError(file, size, DEFAULT_MAX_FILE_BYTES);
  const content = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const extractor = extractors.get(sbomExtractorId(file, content));
  if (!extractor) throw new ParseError(file, 'not a CycloneDX or SPDX document Sieve can read');
  const extracted = parseLockfile(extractor, content, file);
  const subject = sbomSubject(content, file);
  const label = subject.name || basename(file);
  const packages = extracted.packages.map((pkg) => ({ ...pkg, location: { path: label, line: pkg.location.line } }));
  return {
    packages,
    files: [{ path: label, extractor: extractor.id, ecosystem: extractor.ecosystem, packages: packages.length }],
    failures: [],
    warnings: extracted.warnings ?? [],
    snapshot: { lockfiles: new Map([[label, packages.map((pkg) => pkg.purl)]]), failed: [] },
    subject: subject.version ? `${subject.name}:${subject.version}` : subject.name,
  };
}

/** Rounds of reading: lockfiles first, then files they include (`-r other.txt`, a parent pom), and so on. */
const MAX_READ_ROUNDS = 5;

/**
 * A git target's inventory from the object store: the walk runs over the commit's tree, and the
 * blobs it asks for are read (one prefetch, one cat-file process) before it walks again.
 */
async function inventoryCommit(checkout: TargetCheckout, options: WalkOptions): Promise<InventoryResult> {
  const git = checkout.git as NonNullable<TargetCheckout['git']>;
  const oids = new Map<string, string>();
  const files = [];
  for (const entry of git.entries) {
    if (entry.type !== 'blob' && entry.type !== 'commit') continue;
    oids.set(entry.path, entry.oid);
    files.push({ path: entry.path, mode: entry.mode });
  }
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const loaded = new Map<string, LoadedContent>();
  for (let round = 1; ; round++) {
    const source = new MemoryTreeSource(files, loaded);
    const result = inventoryTree(source, options);
    const wanted = [...source.wanted].filter((path) => !loaded.has(path) && oids.has(path));
    if (wanted.length === 0 || round > MAX_READ_ROUNDS) return result;
    await git.prefetch([...new Set(wanted.map((path) => oids.get(path) as string))]);
    for (const path of wanted) {
      try {
        const read = await git.read(oids.get(path) as string, maxBytes);
        loaded.set(path, 'missing' in read ? { unreadable: `${path}: the blob is not in the repository` } : read);
      } catch (error) {
        loaded.set(path, { unreadable: `${path}: ${errorMessage(error)}` });
      }
    }
  }
}

/** Lockfiles and manifests of a checkout, or the packages of an SBOM target. */
export async function inventoryTarget(target: TargetConfig, checkout: TargetCheckout): Promise<TargetInventory> {
  if (checkout.sbomFile) {
    try {
      const result = inventorySbom(checkout);
      checkout.subject = result.subject;
      return result;
    } catch (error) {
      const message = errorMessage(error);
      return {
        packages: [],
        files: [],
        // The SBOM could not be read: every dependency finding of the target keeps its state.
        failures: [{ stage: 'inventory', scope: { kind: 'dependencies' }, message }],
        warnings: [],
        snapshot: { lockfiles: new Map(), failed: [] },
      };
    }
  }
  const options: WalkOptions = {
    paths: target.paths,
    exclude: target.exclude,
    includeTestFixtures: target.includeTestFixtures,
    skipEcosystems: target.skipEcosystems,
  };
  const result = checkout.git ? await inventoryCommit(checkout, options) : inventoryDirectory(checkout.dir, options);
  const lockfiles = new Map<string, string[]>();
  for (const file of result.files) lockfiles.set(file.path, lockfiles.get(file.path) ?? []);
  for (const pkg of result.packages) lockfiles.get(pkg.location.path)?.push(pkg.purl);
  return {
    packages: result.packages,
    files: result.files,
    failures: result.errors.map((error) => ({ stage: 'inventory', scope: { kind: 'dependencies', lockfile: error.path }, message: `${error.path}: ${error.message}` })),
    warnings: result.warnings,
    snapshot: { lockfiles, failed: result.errors.map((error) => error.path) },
  };
}
