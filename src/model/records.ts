/**
 * What the store keeps and hands back: runs, per-target scans, findings with their lifecycle,
 * and the transitions each run made. Writers in report/ take these; they never query SQLite.
 */
import type { Finding, FindingState, Package, StageFailure, TargetStatus, Transition, TransitionCounts, TriageStatus } from './types.js';

/** Why a finding alerted in a run (DESIGN: only new findings alert, and each says why). */
export type NewReason =
  | 'new-target'
  | 'new-advisory'
  | 'dependency-change'
  | 'code-change'
  | 'tool-change'
  | 'reopened'
  | 'triage-expired';

/**
 * Why a finding closed: `fixed` when the evidence shows the problem gone (the package left the
 * affected range, the result left the tool's output); `withdrawn` when the package did not change
 * but its advisory no longer matches it (withdrawn, removed from the data, or narrowed).
 */
export type CloseReason = 'fixed' | 'withdrawn';

/** Which OSV data a run matched against. */
export interface OsvProvenance {
  source: 'offline' | 'api' | 'osv-scanner';
  /** Per ecosystem: record count and the newest `modified` of its records / the data's Last-Modified. */
  ecosystems: Record<string, { records: number; lastModified?: string; importedAt?: string }>;
}

export interface RunRecord {
  id: string;
  startedAt: string;
  finishedAt?: string;
  osv?: OsvProvenance;
  /** Tool versions seen in this run, e.g. { eslint: '9.1.0' }. */
  tools?: Record<string, string>;
  /** The signal that stopped the run before every target was scanned (SIGINT, SIGTERM). */
  interrupted?: string;
}

/** One target in one run: when, at which commit, how it went. */
export interface TargetScanRecord {
  runId: string;
  target: string;
  /** Git URL or local path; undefined for SBOM targets. */
  repo?: string;
  ref?: string;
  commit?: string;
  /** For SBOM targets: the SBOM's component, e.g. an image name and tag. */
  subject?: string;
  status: TargetStatus;
  startedAt: string;
  finishedAt: string;
  errors: StageFailure[];
  counts: TransitionCounts;
  /** Code-scanning categories (one per tool and per lockfile) this scan reported. */
  categories?: string[];
}

export interface TriageRecord {
  status: TriageStatus;
  reason: string;
  until?: string;
  by: string;
  at: string;
  /** CycloneDX VEX justification (e.g. code_not_reachable), when one was given or imported. */
  justification?: string;
  /** 'fleet' when the decision is keyed on vulnerability and package across targets. */
  scope?: 'finding' | 'fleet';
}

/** A policy rule that silenced a finding in its latest run. */
export interface SuppressionRecord {
  rule: string;
  reason: string;
  until?: string;
}

/** A finding as stored: the finding of its latest observation plus its lifecycle. */
export interface StoredFinding extends Finding {
  /** Stable id: same problem, same id, across runs (model/fingerprint.ts). */
  id: string;
  target: string;
  state: FindingState;
  firstSeen: string;
  lastSeen: string;
  /** Commit of the scan that first saw it and of the latest one that saw it. */
  firstCommit?: string;
  lastCommit?: string;
  fixedAt?: string;
  /** Set when state is 'fixed': whether the problem was fixed or its advisory withdrawn. */
  closedReason?: CloseReason;
  /** What the latest run that looked at it did to it. */
  lastTransition: Transition;
  newReason?: NewReason;
  triage?: TriageRecord;
  suppression?: SuppressionRecord;
  /** Its id or an alias is in CISA's KEV catalog (attached when read, from the imported catalog). */
  knownExploited?: KnownExploited;
}

/** A transition of one finding in one run: the rows of the weekly diff. */
export interface FindingEvent {
  runId: string;
  at: string;
  target: string;
  commit?: string;
  /** `withdrawn`: closed because its advisory no longer matches an unchanged package (not a fix). */
  transition: Exclude<Transition, 'unchanged'> | 'withdrawn';
  reason?: NewReason;
  finding: StoredFinding;
}

/** A CVE in CISA's Known Exploited Vulnerabilities catalog, as the store keeps it. */
export interface KnownExploited {
  cve: string;
  /** When CISA added it to the catalog (YYYY-MM-DD). */
  dateAdded: string;
  dueDate?: string;
  /** CISA knows it to be used in ransomware campaigns. */
  ransomware?: boolean;
  name?: string;
}

/** Which KEV catalog the store holds. */
export interface KevCatalogInfo {
  catalogVersion: string;
  dateReleased: string;
  count: number;
  importedAt: string;
  source: string;
}

/** What a target's last complete scan read: enough to match it again without git. */
export interface StoredInventory {
  packages: Package[];
  lockfiles: string[];
  snapshot?: { lockfiles: Array<[string, string[]]>; failed: string[] };
  tools: string[];
  toolVersions: Record<string, string>;
}

/** A target's last complete scan: what it depended on, and what it read. */
export interface TargetState {
  target: string;
  runId: string;
  at: string;
  commit?: string;
  /** Digest of the configuration, tools, rules and Sieve version the scan ran with. */
  inputs: string;
  /** Version of the OSV data its packages were matched against; undefined when the source cannot tell. */
  osv?: string;
  inventory: StoredInventory;
}
