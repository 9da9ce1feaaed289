/** Pieces every HTML view shares: badges, the CSP hash, what "new" means, titles without repeats. */
import { createHash } from 'node:crypto';
import type { StoredFinding } from '../model/records.js';
import type { Severity } from '../model/types.js';
import { escapeHtml as e } from './escape.js';

/** The one definition of "new" every view counts by, stated on each page. */
export const NEW_DEFINITION = 'New means alerting: new or reopened, and not suppressed by triage or policy.';

export function cspHash(content: string): string {
  return `'sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}'`;
}

export function severityBadge(severity: Severity): string {
  return `<span class="sev sev-${e(severity)}">${e(severity)}</span>`;
}

/** The known-exploited badge; the date CISA added it when given. */
export function kevBadge(dateAdded?: string): string {
  const title = dateAdded ? ` title="In CISA's Known Exploited Vulnerabilities catalog since ${e(dateAdded)}"` : '';
  return `<span class="kev"${title}>known exploited${dateAdded ? ` <span class="kev-date">${e(dateAdded)}</span>` : ''}</span>`;
}

/** Kept quiet by a rule, triage in force or the code itself: the store's judgement is the only word. */
export function isQuiet(finding: Pick<StoredFinding, 'suppression'>): boolean {
  return finding.suppression !== undefined;
}

/**
 * What a finding is, without what other columns already say: a dependency finding's title repeats
 * its id and package ("GHSA-1 in lodash@4.17.15: Prototype pollution"), which are cut; a title
 * that is nothing else gives way to the advisory's summary.
 */
export function plainTitle(finding: Pick<StoredFinding, 'title' | 'vulnerability' | 'package'>): string {
  const vulnerability = finding.vulnerability;
  if (!vulnerability) return finding.title;
  let title = finding.title;
  if (title.startsWith(vulnerability.id)) title = title.slice(vulnerability.id.length).replace(/^[:\s]+/, '');
  const pkg = finding.package;
  if (pkg && title.startsWith(`in ${pkg.name}@${pkg.version}`)) title = title.slice(`in ${pkg.name}@${pkg.version}`.length).replace(/^[:\s]+/, '');
  if (title) return title;
  const summary = vulnerability.summary?.trim() || vulnerability.details?.split('\n').find((line) => line.trim())?.trim();
  if (summary) return summary.length > 200 ? `${summary.slice(0, 199)}…` : summary;
  return vulnerability.id;
}
