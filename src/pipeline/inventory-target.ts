import picomatch from 'picomatch';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { TargetConfig } from '../config/load.js';
import { extractors } from '../inventory/registry.js';
import { parseLockfile } from '../inventory/parse-file.js';
import { sbomSubject } from '../inventory/sbom-input/subject.js';
import { DEFAULT_MAX_FILE_BYTES, inventoryDirectory, type InventoriedFile } from '../inventory/walk.js';
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

/** Lockfiles and manifests of a checkout, or the packages of an SBOM target. */
export function inventoryTarget(target: TargetConfig, checkout: TargetCheckout): TargetInventory {
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
  const result = inventoryDirectory(checkout.dir, {
    paths: target.paths,
    exclude: target.exclude,
    includeTestFixtures: target.includeTestFixtures,
    skipEcosystems: target.skipEcosystems,
  });
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
