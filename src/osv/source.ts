import type { OsvProvenance } from '../model/records.js';
import type { Finding, Package, StageFailure } from '../model/types.js';
import { createHash } from 'node:crypto';
import { fromRegistry } from '../model/types.js';
import { loadOsvIndex, osvStatus } from './db.js';
import { matchPackage, matchPackages } from './match.js';
import type { OsvRecord, PackageMatch } from './types.js';

/** Where a scan gets its vulnerability data: the offline index, the OSV API or osv-scanner. */
export interface VulnerabilitySource {
  kind: 'offline' | 'api' | 'osv-scanner';
  /**
   * A digest of the data these ecosystems are matched against, so a night can tell whether a
   * target's findings could have changed; undefined when the source cannot tell (a remote API).
   */
  dataVersion?(ecosystems: readonly string[]): string | undefined;
  lookup(
    packages: Package[],
    context: { checkoutDir?: string },
  ): Promise<{
    findings: Finding[];
    problems: string[];
    provenance: OsvProvenance;
    /** Stages or data that failed: the target is partial and their findings stay as they were. */
    failures?: StageFailure[];
    /** Packages that could not be judged: their findings stay as they were, the target is not partial. */
    keepOpen?: StageFailure[];
    /**
     * Ecosystems with no OSV data at all (never imported): a warning once per run, not a failure;
     * their findings stay open (a keepOpen entry each).
     */
    missingData?: string[];
  }>;
}

/** Matches against the index under `<home>/osv/`, loading only the ecosystems the packages need. */
export function offlineSource(osvDir: string): VulnerabilitySource {
  let status: Map<string, string> | undefined;
  return {
    kind: 'offline',
    dataVersion(ecosystems) {
      // Read once per run: the index's own metadata, per ecosystem.
      status ??= new Map(osvStatus(osvDir).map((row) => [row.ecosystem, `${row.records}|${row.lastModified ?? ''}|${row.importedAt ?? ''}`]));
      const wanted = [...new Set(ecosystems)].sort();
      return createHash('sha256').update(wanted.map((ecosystem) => `${ecosystem}=${status?.get(ecosystem) ?? 'none'}`).join('\n')).digest('hex').slice(0, 32);
    },
    async lookup(packages) {
      const index = loadOsvIndex(
        osvDir,
        packages.map((pkg) => pkg.ecosystem),
      );
      const { findings, problems, undecided } = matchPackages(packages, index);
      // A damaged index is a failure of the data we have; an ecosystem never imported is missing
      // data, a warning. Either way its packages were not checked and their findings stay as they were.
      const damaged = new Set(index.damaged);
      const noData = (ecosystem: string): StageFailure => ({
        stage: 'osv',
        scope: { kind: 'dependencies', ecosystem },
        message: `no OSV data for ${ecosystem}: run "sieve db update" or "sieve db import" for it`,
      });
      const failures = index.damaged.map(noData);
      const missingData = index.missing.filter((ecosystem) => !damaged.has(ecosystem));
      // A package that could not be judged is not known to be fixed either; not a stage failure.
      const keepOpen: StageFailure[] = missingData.map(noData);
      keepOpen.push(
        ...undecided.map((pkg): StageFailure => ({
          stage: 'osv',
          scope: { kind: 'dependencies', lockfile: pkg.location.path, package: pkg.name },
          message: fromRegistry(pkg)
            ? `${pkg.name}@${pkg.version || '(unpinned)'} could not be matched`
            : `${pkg.name} comes from ${pkg.source === 'git' ? 'git' : 'a local path'}, not a registry: not matched`,
        })),
      );
      return { findings, problems: [...index.problems, ...problems], provenance: index.provenance(), failures, keepOpen, missingData };
    },
  };
}

/**
 * A match for records that a remote matcher (the OSV API, osv-scanner) already judged to affect
 * the package. Sieve's own evaluation supplies the ranges (for fixed versions); a record it could
 * not confirm is kept anyway, since the remote side had the final word.
 */
export function trustedMatch(pkg: Package, records: OsvRecord[]): PackageMatch {
  const local = matchPackage(pkg, records);
  const matched = new Set(local.matches.map((match) => match.record.id));
  for (const record of records) {
    if (matched.has(record.id)) continue;
    const affected = record.affected?.find((entry) => entry.package?.name === pkg.name) ?? record.affected?.[0] ?? {};
    local.matches.push({ record, affected, ranges: [], listed: false });
  }
  return { ...local, problems: [] };
}
