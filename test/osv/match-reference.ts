/**
 * The matcher as it was before it was made fast (match.ts and severity.ts, unchanged in what they
 * compute), kept as the reference that match-equivalence.test.ts compares the fast one against.
 * Test code only: nothing in src/ imports it.
 */
import semver from 'semver';
import { errorMessage } from '../../src/model/errors.js';
import { baseEcosystem, normalizePackageName } from '../../src/model/package-name.js';
import type { Finding, Package } from '../../src/model/types.js';
import { schemeFor } from '../../src/versioning/registry.js';
import type { VersionScheme } from '../../src/versioning/types.js';
import { groupSeverity, recordCwes } from './severity-reference.js';
import type { OsvEvent, OsvIndex, OsvRange, OsvRecord, PackageMatch, RecordMatch } from '../../src/osv/types.js';

/**
 * Matching a package version against OSV records, after the OSV schema's evaluation rules:
 * a version is affected by an entry when it is listed in `versions` or falls in one of its
 * SEMVER/ECOSYSTEM ranges. A range is walked in version order: `introduced` opens an interval
 * (`0` = from the first version), `fixed` closes it exclusively, `last_affected` inclusively,
 * and `limit` events cap the whole range from above. GIT ranges name commits, not versions,
 * and are ignored for packages.
 */

/** Go module versions carry a `v` that OSV's Go records leave out. */
function canonicalVersion(ecosystem: string, version: string): string {
  return ecosystem === 'Go' && /^v\d/.test(version) ? version.slice(1) : version;
}

/**
 * SemVer 2.0 ordering for `SEMVER` ranges, whatever the ecosystem: the schema defines that
 * range type by SemVer itself. node-semver reads it; a leading `v` is tolerated.
 */
const semverOrdering: VersionScheme = {
  ecosystems: [],
  isValid: (version) => semver.parse(version.replace(/^v(?=\d)/, '')) !== null,
  compare: (a, b) => {
    const left = semver.parse(a.replace(/^v(?=\d)/, ''));
    const right = semver.parse(b.replace(/^v(?=\d)/, ''));
    if (!left) throw new RangeError(`not a SemVer version: "${a}"`);
    if (!right) throw new RangeError(`not a SemVer version: "${b}"`);
    return left.compare(right);
  },
};

/**
 * The ordering a range is walked in: the ecosystem's own scheme when Sieve has one (it reads what
 * the ecosystem's tools write, e.g. Go's `go1.21rc2` toolchain versions, and agrees with SemVer on
 * SemVer versions); SemVer for `SEMVER` ranges of an ecosystem without a scheme.
 */
function orderingFor(range: OsvRange, ecosystemScheme: VersionScheme | undefined): VersionScheme | undefined {
  return ecosystemScheme ?? (range.type === 'SEMVER' ? semverOrdering : undefined);
}

interface SortedEvent {
  kind: 'introduced' | 'fixed' | 'last_affected' | 'limit';
  version: string;
}

/** Events sorted by version, computed once per range and ordering. */
const sortedCache = new WeakMap<OsvRange, Map<VersionScheme, SortedEvent[] | Error>>();

function eventsOf(range: OsvRange): SortedEvent[] {
  const events: SortedEvent[] = [];
  for (const event of range.events as OsvEvent[]) {
    if (event.introduced !== undefined) events.push({ kind: 'introduced', version: event.introduced });
    else if (event.fixed !== undefined) events.push({ kind: 'fixed', version: event.fixed });
    else if (event.last_affected !== undefined) events.push({ kind: 'last_affected', version: event.last_affected });
    else if (event.limit !== undefined) events.push({ kind: 'limit', version: event.limit });
  }
  return events;
}

/** `introduced: 0` sorts before everything, `limit: *` after everything. */
function isBottom(event: SortedEvent): boolean {
  return event.kind === 'introduced' && event.version === '0';
}
function isTop(event: SortedEvent): boolean {
  return event.kind === 'limit' && event.version === '*';
}

function sortedEvents(range: OsvRange, scheme: VersionScheme, ecosystem: string): SortedEvent[] {
  let perScheme = sortedCache.get(range);
  if (!perScheme) {
    perScheme = new Map();
    sortedCache.set(range, perScheme);
  }
  const cached = perScheme.get(scheme);
  if (cached instanceof Error) throw cached;
  if (cached) return cached;
  try {
    const events = eventsOf(range).map((event) => ({ ...event, version: canonicalVersion(ecosystem, event.version) }));
    const sorted = events.sort((a, b) => {
      if (isBottom(a) || isTop(b)) return isBottom(b) || isTop(a) ? 0 : -1;
      if (isBottom(b) || isTop(a)) return 1;
      return scheme.compare(a.version, b.version);
    });
    perScheme.set(scheme, sorted);
    return sorted;
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    perScheme.set(scheme, failure);
    throw failure;
  }
}

/** True when `version` is inside the range; throws when an event's version cannot be read. */
export function rangeIncludes(range: OsvRange, version: string, scheme: VersionScheme, ecosystem: string): boolean {
  const events = sortedEvents(range, scheme, ecosystem);
  // Limits cap the range: the version must be below at least one of them.
  let hasLimit = false;
  let belowALimit = false;
  for (const event of events) {
    if (event.kind !== 'limit') continue;
    hasLimit = true;
    if (isTop(event) || scheme.compare(version, event.version) < 0) {
      belowALimit = true;
      break;
    }
  }
  if (hasLimit && !belowALimit) return false;
  let affected = false;
  for (const event of events) {
    if (event.kind === 'introduced') {
      if (isBottom(event) || scheme.compare(version, event.version) >= 0) affected = true;
    } else if (event.kind === 'fixed') {
      if (scheme.compare(version, event.version) >= 0) affected = false;
    } else if (event.kind === 'last_affected') {
      if (scheme.compare(version, event.version) > 0) affected = false;
    }
  }
  return affected;
}

/** Ranges as text for help: "introduced 0, fixed 1.2.3". */
export function describeRange(range: OsvRange): string {
  let text = describedRanges.get(range);
  if (text === undefined) {
    text = rangeText(range);
    describedRanges.set(range, text);
  }
  return text;
}

const describedRanges = new WeakMap<OsvRange, string>();

function rangeText(range: OsvRange): string {
  const parts = eventsOf(range).map((event) => `${event.kind.replace('_', ' ')} ${event.version}`);
  return `${range.type}: ${parts.join(', ')}`;
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Which entries of these records cover the package's version. Records are expected to be the
 * ones indexed under the package's name; entries for other names or ecosystems are ignored.
 * Anything that could not be decided is a problem, never a silent "not affected".
 */
export function matchPackage(pkg: Package, records: OsvRecord[]): PackageMatch {
  const result: PackageMatch = { package: pkg, matches: [], problems: [] };
  const ecosystem = baseEcosystem(pkg.ecosystem);
  const label = `${pkg.ecosystem} ${pkg.name}@${pkg.version}`;
  const version = canonicalVersion(ecosystem, pkg.version);
  const name = normalizePackageName(ecosystem, pkg.name);
  const ecosystemScheme = schemeFor(ecosystem);
  const undecided = new Set<string>();
  let noScheme = false;
  let badVersion: string | undefined;

  for (const record of records) {
    if (record.withdrawn) continue;
    for (const affected of record.affected ?? []) {
      const named = affected.package;
      if (!named || baseEcosystem(named.ecosystem) !== ecosystem || normalizePackageName(ecosystem, named.name) !== name) continue;
      const listed = (affected.versions ?? []).some((listedVersion) => canonicalVersion(ecosystem, listedVersion) === version);
      const ranges: OsvRange[] = [];
      for (const range of affected.ranges ?? []) {
        if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') continue;
        const scheme = orderingFor(range, ecosystemScheme);
        if (!scheme) {
          noScheme = true;
          if (!listed) undecided.add(record.id);
          continue;
        }
        if (!scheme.isValid(version)) {
          badVersion = scheme === semverOrdering ? 'SemVer' : ecosystem;
          if (!listed) undecided.add(record.id);
          continue;
        }
        try {
          if (rangeIncludes(range, version, scheme, ecosystem)) ranges.push(range);
        } catch (error) {
          if (!listed) undecided.add(record.id);
          result.problems.push(`${label}: ${record.id} has a ${range.type} range that cannot be evaluated (${errorMessage(error)})`);
        }
      }
      if (listed || ranges.length > 0) {
        result.matches.push({ record, affected, ranges, listed });
        undecided.delete(record.id);
      }
    }
  }
  for (const match of result.matches) undecided.delete(match.record.id);
  if (noScheme && undecided.size > 0) {
    result.problems.push(`${label}: no version scheme for ${ecosystem}; not checked against ${[...undecided].sort(byString).join(', ')}`);
  } else if (badVersion !== undefined && undecided.size > 0) {
    result.problems.push(
      `${label}: cannot parse version "${pkg.version}" as ${badVersion}; not checked against ${[...undecided].sort(byString).join(', ')}`,
    );
  }
  return result;
}

/** Union-find over ids: records that alias each other, directly or through a chain, are one group. */
class IdGroups {
  private readonly parent = new Map<string, string>();

  find(id: string): string {
    let root = id;
    for (let next = this.parent.get(root); next !== undefined && next !== root; next = this.parent.get(root)) root = next;
    if (!this.parent.has(id)) this.parent.set(id, id);
    // Path compression keeps later finds short.
    for (let node = id; node !== root; ) {
      const next = this.parent.get(node) ?? root;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

function compareIn(scheme: VersionScheme | undefined, a: string, b: string): number | undefined {
  if (!scheme) return undefined;
  try {
    return scheme.compare(a, b);
  } catch {
    return undefined;
  }
}

/** Fixed versions of the matched ranges above the package's version, written as the package writes versions. */
function fixedVersionsOf(pkg: Package, matches: RecordMatch[]): string[] {
  const ecosystem = baseEcosystem(pkg.ecosystem);
  const version = canonicalVersion(ecosystem, pkg.version);
  const fixed = new Map<string, VersionScheme | undefined>();
  for (const match of matches) {
    for (const range of match.ranges) {
      const scheme = orderingFor(range, schemeFor(ecosystem));
      for (const event of range.events) {
        if (event.fixed === undefined) continue;
        const candidate = canonicalVersion(ecosystem, event.fixed);
        if ((compareIn(scheme, candidate, version) ?? 1) > 0) fixed.set(candidate, scheme);
      }
    }
  }
  const ordering = schemeFor(ecosystem) ?? semverOrdering;
  const prefix = ecosystem === 'Go' && pkg.version.startsWith('v') ? 'v' : '';
  return [...fixed.keys()]
    .sort((a, b) => compareIn(ordering, a, b) ?? compareIn(semverOrdering, a, b) ?? byString(a, b))
    .map((candidate) => prefix + candidate);
}

const referenceCache = new WeakMap<OsvRecord, string[]>();

/** A record's reference URLs, once per record object (findings share the array read-only). */
function referencesOf(record: OsvRecord): string[] {
  let urls = referenceCache.get(record);
  if (!urls) {
    urls = unique((record.references ?? []).map((reference) => reference.url));
    referenceCache.set(record, urls);
  }
  return urls;
}

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** One finding for a group of matches that describe the same vulnerability. */
function findingFor(pkg: Package, matches: RecordMatch[], groupIds: Set<string>): Finding {
  const byId = new Map<string, OsvRecord>();
  for (const match of matches) byId.set(match.record.id, match.record);
  const records = [...byId.keys()].sort(byString).map((id) => byId.get(id)!);
  const primary = records[0]!;
  const id = primary.id;
  const aliases = [...groupIds].filter((other) => other !== id).sort(byString);
  const summary = records.find((record) => record.summary?.trim())?.summary?.trim();
  const details = records.find((record) => record.details?.trim())?.details;
  const severity = groupSeverity(records);
  const published = records.map((record) => record.published).filter((value): value is string => !!value).sort(byString)[0];
  const modified = records.map((record) => record.modified).sort(byString).at(-1);
  const affectedRanges = unique(
    matches.flatMap((match) => [
      ...match.ranges.map(describeRange),
      ...(match.listed ? [`versions: ${pkg.version} is listed as affected by ${match.record.id}`] : []),
    ]),
  );
  const headline = summary ?? details?.split('\n')[0]?.slice(0, 120);
  return {
    kind: 'dependency',
    source: 'osv',
    severity: severity.severity,
    ...(severity.score !== undefined ? { score: severity.score } : {}),
    title: `${id} in ${pkg.name}@${pkg.version}${headline ? `: ${headline}` : ''}`,
    location: { path: pkg.location.path, startLine: pkg.location.line },
    cwes: unique(records.flatMap(recordCwes)).sort(byString),
    package: {
      ecosystem: pkg.ecosystem,
      name: pkg.name,
      version: pkg.version,
      purl: pkg.purl,
      direct: pkg.direct,
      scope: pkg.scope,
    },
    vulnerability: {
      id,
      aliases,
      summary,
      details,
      fixedVersions: fixedVersionsOf(pkg, matches),
      affectedRanges,
      references: records.length === 1 ? referencesOf(primary).slice() : unique(records.flatMap(referencesOf)),
      published,
      modified,
    },
  };
}

/** Turns one package's matches into findings, one per group of records that alias each other. */
export function findingsForMatch(match: PackageMatch): Finding[] {
  if (match.matches.length === 0) return [];
  const groups = new IdGroups();
  for (const { record } of match.matches) {
    for (const alias of record.aliases ?? []) groups.union(record.id, alias);
    groups.find(record.id);
  }
  const byRoot = new Map<string, { matches: RecordMatch[]; ids: Set<string> }>();
  for (const recordMatch of match.matches) {
    const root = groups.find(recordMatch.record.id);
    let group = byRoot.get(root);
    if (!group) {
      group = { matches: [], ids: new Set() };
      byRoot.set(root, group);
    }
    group.matches.push(recordMatch);
    group.ids.add(recordMatch.record.id);
    for (const alias of recordMatch.record.aliases ?? []) group.ids.add(alias);
  }
  return [...byRoot.values()]
    .map((group) => findingFor(match.package, group.matches, group.ids))
    .sort((a, b) => byString(a.vulnerability!.id, b.vulnerability!.id));
}

/** Matches every package against the offline index and turns the matches into findings. */
export function matchPackages(packages: Package[], index: OsvIndex): { findings: Finding[]; problems: string[] } {
  const findings: Finding[] = [];
  const problems: string[] = [...index.problems];
  const missing = new Set(index.missing);
  const reportedMissing = new Set<string>();
  let unpinned = 0;
  for (const pkg of packages) {
    const ecosystem = baseEcosystem(pkg.ecosystem);
    if (missing.has(ecosystem)) {
      if (!reportedMissing.has(ecosystem)) {
        reportedMissing.add(ecosystem);
        problems.push(`no OSV data for ${ecosystem}: run sieve db update or sieve db import`);
      }
      continue;
    }
    if (pkg.unpinned || pkg.version === '') {
      unpinned += 1;
      continue;
    }
    const records = index.records(ecosystem, pkg.name);
    if (records.length === 0) continue;
    const match = matchPackage(pkg, records);
    problems.push(...match.problems);
    findings.push(...findingsForMatch(match));
  }
  if (unpinned > 0) {
    problems.push(`${unpinned} package${unpinned === 1 ? '' : 's'} without a pinned version not matched against OSV`);
  }
  return { findings, problems };
}

