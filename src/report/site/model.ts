import { createHash } from 'node:crypto';
import type { FindingEvent, KevCatalogInfo, StoredFinding, TargetScanRecord } from '../../model/records.js';
import type { RemediationStep } from '../../model/remediation.js';
import type { Severity } from '../../model/types.js';

/** What the dashboard shows; the caller builds it from the store. */
export interface SiteModel {
  /** ISO time the site was built; "3 hours ago" is counted from it, so output is reproducible. */
  generatedAt: string;
  targets: SiteTarget[];
  /** Open findings across all targets after each run, oldest first. */
  trend: Array<{ at: string; open: number }>;
  /** Open alerting findings by severity after each run, oldest first: the stacked trend. */
  trendBySeverity?: Array<{ at: string; counts: Record<Severity, number> }>;
  /** Start of the "what changed" window (default: a week before generatedAt). */
  since?: string;
  /** Transitions since `since`: alerting new and reopened ones, and every fix. */
  changes?: FindingEvent[];
  /** What to upgrade across the fleet, most urgent first. */
  remediation?: RemediationStep[];
  /** A target not scanned for longer than this is stale. */
  staleAfterHours?: number;
  /** The OSV data of the latest run, per ecosystem, and the age past which it is called stale. */
  osv?: { source: string; ecosystems: Array<{ ecosystem: string; records: number; lastModified?: string; importedAt?: string }>; maxAgeDays: number };
  knownExploited?: KevCatalogInfo;
}

export interface SiteTarget {
  name: string;
  /** Git URL or local path, as configured. */
  repo?: string;
  /** The repository's web page (e.g. https://github.com/org/repo); commits link to `<repoWebUrl>/commit/<sha>`. */
  repoWebUrl?: string;
  latest?: TargetScanRecord;
  /** Newest first or oldest first; the page sorts it newest first. */
  history: TargetScanRecord[];
  open: StoredFinding[];
  /** Alerting new and reopened findings since the window's start (the one definition of new). */
  newThisWeek: number;
  /** This target's upgrades, most urgent first. */
  remediation?: RemediationStep[];
  /** Ids of findings that alerted (new or reopened) in the window, with when. */
  alertedSince?: Map<string, { at: string; transition: 'new' | 'reopened' }>;
  /** Path of the target's SBOM relative to the site root (e.g. `sbom/web.cdx.json`). */
  sbomFile?: string;
}

/**
 * A file name per target: letters, digits, dot, dash and underscore only, never hidden, at most 80
 * characters. Names that collide (also case-insensitively, for macOS and Windows disks) get a short
 * hash of the real name.
 */
export function targetSlugs(names: readonly string[]): Map<string, string> {
  const slugs = new Map<string, string>();
  const taken = new Set<string>();
  // Names that are already safe keep their slug first, so a later 'a/b' never takes 'a-b' from 'a-b'.
  const unique = [...new Set(names)].sort();
  const ordered = [...unique.filter((name) => slugBase(name) === name), ...unique.filter((name) => slugBase(name) !== name)];
  for (const name of ordered) {
    const base = slugBase(name);
    const slug = taken.has(base.toLowerCase())
      ? `${base.slice(0, 71)}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`
      : base;
    taken.add(slug.toLowerCase());
    slugs.set(name, slug);
  }
  return slugs;
}

function slugBase(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '').replace(/-+$/, '').slice(0, 80) || 'target';
}
