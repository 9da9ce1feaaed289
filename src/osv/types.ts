import type { OsvProvenance } from '../model/records.js';
import type { Package } from '../model/types.js';

/** The OSV schema (https://ossf.github.io/osv-schema/), as much of it as Sieve reads. */

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: 'SEMVER' | 'ECOSYSTEM' | 'GIT' | string;
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export interface OsvSeverity {
  type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu' | string;
  score: string;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: { type: string; url: string }[];
  database_specific?: Record<string, unknown>;
}

/** What one import did for one ecosystem. */
export interface EcosystemImport {
  /** Records the sources held for the ecosystem. */
  records: number;
  /** Adding to an existing index: records new to it, records that updated one, and its size after. */
  added?: number;
  updated?: number;
  total?: number;
  skipped: number;
  /** One line per bad record or entry, naming the file/entry it came from. */
  errors: string[];
}

/** Per ecosystem (OSV ecosystem name without release suffix). */
export type ImportReport = Record<string, EcosystemImport>;

/** Stored beside each ecosystem's index: where the data came from and how fresh it is. */
export interface OsvEcosystemMeta {
  ecosystem: string;
  records: number;
  /** Newest `modified` of its records. */
  lastModified?: string;
  importedAt: string;
  source: string;
  /** HTTP validators of the downloaded all.zip, for conditional updates. */
  etag?: string;
  httpLastModified?: string;
}

/** The loaded offline data of some ecosystems. */
export interface OsvIndex {
  /** Ecosystems that were asked for and have data. */
  readonly ecosystems: readonly string[];
  /** Ecosystems that were asked for and have no usable data (never imported, or damaged). */
  readonly missing: readonly string[];
  /** The part of `missing` whose index exists but could not be read. */
  readonly damaged: readonly string[];
  /** Data that exists but could not be read (a damaged index file), one line each. */
  readonly problems: readonly string[];
  /** Records of one package; the name is normalised here, the ecosystem suffix ignored. */
  records(ecosystem: string, name: string): OsvRecord[];
  /** Every normalised package name the ecosystem's records affect. */
  names(ecosystem: string): string[];
  provenance(): OsvProvenance;
}

/** One affected entry of one record that covers a package's version. */
export interface RecordMatch {
  record: OsvRecord;
  affected: OsvAffected;
  /** The ranges whose events include the version. */
  ranges: OsvRange[];
  /** The version is in the entry's enumerated `versions`. */
  listed: boolean;
}

export interface PackageMatch {
  package: Package;
  matches: RecordMatch[];
  /** What could not be decided: the package is then not known to be unaffected. */
  problems: string[];
}
