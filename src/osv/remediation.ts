/**
 * Remediation, grouped: per package, the smallest version that leaves every open advisory of it,
 * from the advisories' OSV ranges and the ecosystem's version scheme (the same range walk as
 * matching). Pure: findings in, steps out.
 */
import { baseEcosystem, normalizePackageName } from '../model/package-name.js';
import type { RemediationStep } from '../model/remediation.js';
import { severityRank, type Severity } from '../model/types.js';
import { canonicalVersion, parseRangeText, rangeIncludes, rangeOrdering } from './match.js';
import type { OsvRange } from './types.js';
import type { VersionScheme } from '../versioning/types.js';

/** What the plan reads of a finding (a StoredFinding has it all). */
export interface RemediationInput {
  target: string;
  severity: Severity;
  knownExploited?: unknown;
  package?: { ecosystem: string; name: string; version: string };
  vulnerability?: { id: string; fixedVersions: readonly string[]; affectedRanges?: readonly string[] };
}

interface Advisory {
  id: string;
  ranges: OsvRange[];
  findings: RemediationInput[];
  fixable: boolean;
}

const rangeCache = new Map<string, OsvRange | null>();
const RANGE_CACHE_LIMIT = 20_000;

function rangeOf(text: string): OsvRange | undefined {
  let range = rangeCache.get(text);
  if (range === undefined) {
    range = parseRangeText(text) ?? null;
    if (rangeCache.size >= RANGE_CACHE_LIMIT) rangeCache.clear();
    rangeCache.set(text, range);
  }
  return range ?? undefined;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The ordering of a range type in an ecosystem, looked up once per plan (many ranges share it). */
type Orderings = Map<string, VersionScheme | undefined>;

function orderingOf(orderings: Orderings, range: OsvRange, ecosystem: string): VersionScheme | undefined {
  if (!orderings.has(range.type)) orderings.set(range.type, rangeOrdering(range, ecosystem));
  return orderings.get(range.type);
}

/** Negative, zero or positive; undefined when the ordering cannot read either version. */
function compareWith(ordering: VersionScheme | undefined, a: string, b: string): number | undefined {
  if (!ordering) return undefined;
  try {
    return ordering.compare(a, b);
  } catch {
    return undefined;
  }
}

function includes(ordering: VersionScheme | undefined, range: OsvRange, ecosystem: string, version: string): boolean | undefined {
  if (!ordering) return undefined;
  try {
    return rangeIncludes(range, version, ordering, ecosystem);
  } catch {
    return undefined;
  }
}

/**
 * The steps for these findings (open, not suppressed: the caller chooses), one per package, most
 * urgent first: known exploited, then severity, then how many findings the step closes.
 */
export function planRemediation(findings: readonly RemediationInput[]): RemediationStep[] {
  const groups = new Map<string, { ecosystem: string; name: string; findings: RemediationInput[] }>();
  for (const finding of findings) {
    if (!finding.package || !finding.vulnerability) continue;
    const ecosystem = baseEcosystem(finding.package.ecosystem);
    const name = normalizePackageName(ecosystem, finding.package.name);
    const key = `${ecosystem}\0${name}`;
    let group = groups.get(key);
    if (!group) {
      group = { ecosystem, name: finding.package.name, findings: [] };
      groups.set(key, group);
    }
    group.findings.push(finding);
  }
  const steps = [...groups.values()].map((group) => stepFor(group.ecosystem, group.name, group.findings));
  return steps.sort(
    (a, b) =>
      b.knownExploited - a.knownExploited ||
      severityRank(b.severity) - severityRank(a.severity) ||
      b.closes + b.unfixedFindings - (a.closes + a.unfixedFindings) ||
      compareText(a.ecosystem, b.ecosystem) ||
      compareText(a.name, b.name),
  );
}

function stepFor(ecosystem: string, name: string, findings: readonly RemediationInput[]): RemediationStep {
  const advisories = new Map<string, Advisory>();
  for (const finding of findings) {
    const vulnerability = finding.vulnerability!;
    let advisory = advisories.get(vulnerability.id);
    if (!advisory) {
      advisory = { id: vulnerability.id, ranges: [], findings: [], fixable: false };
      advisories.set(vulnerability.id, advisory);
    }
    advisory.findings.push(finding);
    for (const text of vulnerability.affectedRanges ?? []) {
      const range = rangeOf(text);
      if (range && !advisory.ranges.includes(range)) advisory.ranges.push(range);
    }
    // fixedVersions holds the fixes above the finding's own version: none means no way out by upgrading.
    if (vulnerability.fixedVersions.length > 0) advisory.fixable = true;
  }
  const fixable = [...advisories.values()].filter((advisory) => advisory.fixable);
  const unfixed = [...advisories.values()].filter((advisory) => !advisory.fixable);
  const current = [...new Set(findings.map((finding) => finding.package!.version))].sort(compareText);
  const closing = fixable.flatMap((advisory) => advisory.findings);
  const stuck = unfixed.flatMap((advisory) => advisory.findings);
  const step: RemediationStep = {
    ecosystem,
    name,
    from: current,
    closes: closing.length,
    advisories: fixable.map((advisory) => advisory.id).sort(compareText),
    targets: [...new Set(closing.map((finding) => finding.target))].sort(compareText),
    unfixed: unfixed.map((advisory) => advisory.id).sort(compareText),
    unfixedFindings: stuck.length,
    unfixedTargets: [...new Set(stuck.map((finding) => finding.target))].sort(compareText),
    severity: findings.reduce<Severity>((worst, finding) => (severityRank(finding.severity) > severityRank(worst) ? finding.severity : worst), 'unknown'),
    knownExploited: findings.filter((finding) => finding.knownExploited !== undefined).length,
  };
  if (fixable.length === 0) return step;
  const found = smallestLeavingAll(ecosystem, fixable);
  if (found.version !== undefined) {
    // Written as the packages write versions (Go modules carry a `v`).
    const prefix = ecosystem === 'Go' && current.some((version) => version.startsWith('v')) ? 'v' : '';
    step.version = prefix + found.version;
  } else step.note = found.note;
  return step;
}

/**
 * The smallest `fixed` event of these advisories that is above every version in use of their
 * findings and inside none of their ranges. Ranges come from the findings, so a candidate is
 * checked against every range that matched a version in use.
 */
function smallestLeavingAll(ecosystem: string, advisories: readonly Advisory[]): { version?: string; note?: string } {
  const ranges = advisories.flatMap((advisory) => advisory.ranges);
  if (ranges.length === 0) {
    // Nothing to walk (an older finding, a listed version): the advisories' own fixes, highest of the lowest.
    return fallbackFromFixedVersions(ecosystem, advisories);
  }
  const inUse = [...new Set(advisories.flatMap((advisory) => advisory.findings.map((finding) => canonicalVersion(ecosystem, finding.package!.version))))];
  const candidates = new Set<string>();
  for (const range of ranges) {
    for (const event of range.events) if (event.fixed !== undefined) candidates.add(canonicalVersion(ecosystem, event.fixed));
  }
  const orderings: Orderings = new Map();
  const ordering = orderingOf(orderings, ranges[0]!, ecosystem);
  const viable: string[] = [];
  for (const candidate of candidates) {
    let above = true;
    for (const version of inUse) {
      const order = compareWith(ordering, candidate, version);
      if (order === undefined || order <= 0) {
        above = false;
        break;
      }
    }
    if (above) viable.push(candidate);
  }
  viable.sort((a, b) => compareWith(ordering, a, b) ?? compareText(a, b));
  for (const candidate of viable) {
    let clear = true;
    for (const range of ranges) {
      const inside = includes(orderingOf(orderings, range, ecosystem), range, ecosystem, candidate);
      if (inside !== false) {
        clear = false;
        break;
      }
    }
    if (clear) return { version: candidate };
  }
  return { note: viable.length === 0 ? 'every fix is at or below a version in use' : 'every fixed version is affected by another advisory' };
}

function fallbackFromFixedVersions(ecosystem: string, advisories: readonly Advisory[]): { version?: string; note?: string } {
  const lowest = advisories.map((advisory) => advisory.findings[0]!.vulnerability!.fixedVersions[0]!);
  const ordering = rangeOrdering({ type: 'ECOSYSTEM', events: [] }, ecosystem);
  let best = lowest[0]!;
  for (const version of lowest.slice(1)) {
    const order = compareWith(ordering, canonicalVersion(ecosystem, version), canonicalVersion(ecosystem, best));
    if (order === undefined) return { note: `cannot order ${version} and ${best}` };
    if (order > 0) best = version;
  }
  return { version: canonicalVersion(ecosystem, best) };
}
