import semver from 'semver';
import { errorMessage } from '../model/errors.js';
import { baseEcosystem, normalizePackageName } from '../model/package-name.js';
import type { Finding, Package, PackageRef, VulnerabilityRef } from '../model/types.js';
import { fromRegistry } from '../model/types.js';
import { schemeFor } from '../versioning/registry.js';
import type { VersionScheme } from '../versioning/types.js';
import type { SeverityScore } from './severity.js';
import { computeGroupSeverity, informationalKind, recordCwes } from './severity.js';
import type { OsvAffected, OsvEvent, OsvIndex, OsvRange, OsvRecord, PackageMatch, RecordMatch } from './types.js';

/**
 * Matching a package version against OSV records, after the OSV schema's evaluation rules:
 * a version is affected by an entry when it is listed in `versions` or falls in one of its
 * SEMVER/ECOSYSTEM ranges. A range is walked in version order: `introduced` opens an interval
 * (`0` = from the first version), `fixed` closes it exclusively, `last_affected` inclusively,
 * and `limit` events cap the whole range from above. GIT ranges name commits, not versions,
 * and are ignored for packages.
 */

/** Go module versions carry a `v` that OSV's Go records leave out. */
export function canonicalVersion(ecosystem: string, version: string): string {
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

/** A range's events in version order, and its limits apart (they are checked first). */
interface SortedRange {
  events: SortedEvent[];
  limits: SortedEvent[];
}

/** For rangeIncludes: events sorted by version, once per range and ordering (a failure is kept too). */
const sortedCache = new WeakMap<OsvRange, Map<VersionScheme, SortedRange | Error>>();

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

/** Sorts a range's events in one ordering; throws when an event's version cannot be read. */
function sortRange(range: OsvRange, scheme: VersionScheme, ecosystem: string): SortedRange {
  const events = eventsOf(range).map((event) => ({ ...event, version: canonicalVersion(ecosystem, event.version) }));
  const sorted = events.sort((a, b) => {
    if (isBottom(a) || isTop(b)) return isBottom(b) || isTop(a) ? 0 : -1;
    if (isBottom(b) || isTop(a)) return 1;
    return scheme.compare(a.version, b.version);
  });
  return { events: sorted, limits: sorted.filter((event) => event.kind === 'limit') };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function sortedRange(range: OsvRange, scheme: VersionScheme, ecosystem: string): SortedRange {
  let perScheme = sortedCache.get(range);
  if (!perScheme) {
    perScheme = new Map();
    sortedCache.set(range, perScheme);
  }
  const cached = perScheme.get(scheme);
  if (cached instanceof Error) throw cached;
  if (cached) return cached;
  try {
    const result = sortRange(range, scheme, ecosystem);
    perScheme.set(scheme, result);
    return result;
  } catch (error) {
    const failure = asError(error);
    perScheme.set(scheme, failure);
    throw failure;
  }
}

/** The range walk over already sorted events. */
function sortedIncludes(sorted: SortedRange, version: string, scheme: VersionScheme): boolean {
  // Limits cap the range: the version must be below at least one of them.
  if (sorted.limits.length > 0) {
    let belowALimit = false;
    for (const event of sorted.limits) {
      if (isTop(event) || scheme.compare(version, event.version) < 0) {
        belowALimit = true;
        break;
      }
    }
    if (!belowALimit) return false;
  }
  let affected = false;
  for (const event of sorted.events) {
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

/** True when `version` is inside the range; throws when an event's version cannot be read. */
export function rangeIncludes(range: OsvRange, version: string, scheme: VersionScheme, ecosystem: string): boolean {
  return sortedIncludes(sortedRange(range, scheme, ecosystem), version, scheme);
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

const EVENT_TEXT = /^(introduced|fixed|last affected|limit) (\S+)$/;

/**
 * The range back from describeRange's text ("ECOSYSTEM: introduced 0, fixed 1.2.3"), as findings
 * store it; undefined for any other text (a listed version, a damaged value).
 */
export function parseRangeText(text: string): OsvRange | undefined {
  if (text.length > 4096) return undefined;
  const colon = text.indexOf(': ');
  if (colon <= 0) return undefined;
  const type = text.slice(0, colon);
  if (type !== 'SEMVER' && type !== 'ECOSYSTEM') return undefined;
  const events: OsvEvent[] = [];
  for (const part of text.slice(colon + 2).split(', ')) {
    const match = EVENT_TEXT.exec(part);
    if (!match) return undefined;
    const kind = match[1] === 'last affected' ? 'last_affected' : (match[1] as 'introduced' | 'fixed' | 'limit');
    events.push({ [kind]: match[2] });
  }
  return events.length ? { type, events } : undefined;
}

/** The ordering a range of this ecosystem is walked in (see orderingFor); undefined when there is none. */
export function rangeOrdering(range: OsvRange, ecosystem: string): VersionScheme | undefined {
  return orderingFor(range, schemeFor(baseEcosystem(ecosystem)));
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One SEMVER/ECOSYSTEM range of an entry, with the ordering it is walked in (none: no scheme). */
interface PreparedRange {
  range: OsvRange;
  scheme: VersionScheme | undefined;
  /** The events in the scheme's order, sorted when first needed; the failure when they cannot be. */
  sorted: SortedRange | Error | undefined;
}

/** One affected entry of a record as one ecosystem reads it, prepared once per record object. */
interface PreparedEntry {
  affected: OsvAffected;
  /** The entry's package name, normalised. */
  name: string;
  /** The enumerated `versions`, canonical, or undefined when there are none. */
  listed: ReadonlySet<string> | undefined;
  ranges: PreparedRange[];
}

/**
 * What Sieve keeps per record object: its entries as each ecosystem reads them (one ecosystem
 * almost always) and, once it made a finding alone, that finding's record parts. Records are
 * matched many times (once per package version); reading their entries once keeps the hot loop to
 * a name comparison, a set lookup and the range walks. One map entry per record, since every weak
 * entry costs the garbage collector work while the records are young.
 */
interface RecordState {
  ecosystem: string;
  entries: PreparedEntry[];
  otherEcosystems?: Map<string, PreparedEntry[]>;
  single?: GroupStatic;
  /** Groups of several records this record is the first of, by their ids. */
  groups?: Map<string, GroupStatic>;
}

const recordStates = new WeakMap<OsvRecord, RecordState>();

function prepareEntries(record: OsvRecord, ecosystem: string, ecosystemScheme: VersionScheme | undefined): PreparedEntry[] {
  const entries: PreparedEntry[] = [];
  if (record.withdrawn) return entries;
  for (const affected of record.affected ?? []) {
    const named = affected.package;
    if (!named || baseEcosystem(named.ecosystem) !== ecosystem) continue;
    const versions = affected.versions ?? [];
    const ranges: PreparedRange[] = [];
    for (const range of affected.ranges ?? []) {
      if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') continue;
      ranges.push({ range, scheme: orderingFor(range, ecosystemScheme), sorted: undefined });
    }
    entries.push({
      affected,
      name: normalizePackageName(ecosystem, named.name),
      listed: versions.length === 0 ? undefined : new Set(ecosystem === 'Go' ? versions.map((listed) => canonicalVersion(ecosystem, listed)) : versions),
      ranges,
    });
  }
  return entries;
}

function stateOf(record: OsvRecord, ecosystem: string): RecordState {
  let state = recordStates.get(record);
  if (state === undefined) {
    state = { ecosystem, entries: prepareEntries(record, ecosystem, schemeFor(ecosystem)) };
    recordStates.set(record, state);
  }
  return state;
}

function preparedEntries(record: OsvRecord, ecosystem: string): PreparedEntry[] {
  const state = stateOf(record, ecosystem);
  if (state.ecosystem === ecosystem) return state.entries;
  state.otherEcosystems ??= new Map();
  let entries = state.otherEcosystems.get(ecosystem);
  if (entries === undefined) {
    entries = prepareEntries(record, ecosystem, schemeFor(ecosystem));
    state.otherEcosystems.set(ecosystem, entries);
  }
  return entries;
}

/** Whether the version is in the range, sorting the range's events the first time. */
function preparedIncludes(prepared: PreparedRange, version: string, scheme: VersionScheme, ecosystem: string): boolean {
  let sorted = prepared.sorted;
  if (sorted === undefined) {
    try {
      sorted = sortRange(prepared.range, scheme, ecosystem);
    } catch (error) {
      sorted = asError(error);
    }
    prepared.sorted = sorted;
  }
  if (sorted instanceof Error) throw sorted;
  return sortedIncludes(sorted, version, scheme);
}

/**
 * Which entries of these records cover the package's version. Records are expected to be the
 * ones indexed under the package's name; entries for other names or ecosystems are ignored.
 * Anything that could not be decided is a problem, never a silent "not affected".
 */
export function matchPackage(pkg: Package, records: readonly OsvRecord[]): PackageMatch {
  const result: PackageMatch = { package: pkg, matches: [], problems: [] };
  const ecosystem = baseEcosystem(pkg.ecosystem);
  const label = (): string => `${pkg.ecosystem} ${pkg.name}@${pkg.version}`;
  const version = canonicalVersion(ecosystem, pkg.version);
  const name = normalizePackageName(ecosystem, pkg.name);
  let undecided: Set<string> | undefined;
  let noScheme = false;
  let badVersion: string | undefined;
  // Whether the version reads in an ordering, asked once per ordering (usually one).
  let validIn: VersionScheme | undefined;
  let invalidIn: VersionScheme | undefined;

  for (const record of records) {
    for (const entry of preparedEntries(record, ecosystem)) {
      if (entry.name !== name) continue;
      const listed = entry.listed !== undefined && entry.listed.has(version);
      let ranges: OsvRange[] | undefined;
      for (const prepared of entry.ranges) {
        const { range, scheme } = prepared;
        if (!scheme) {
          noScheme = true;
          if (!listed) (undecided ??= new Set()).add(record.id);
          continue;
        }
        if (scheme !== validIn) {
          if (scheme === invalidIn || !scheme.isValid(version)) {
            invalidIn = scheme;
            badVersion = scheme === semverOrdering ? 'SemVer' : ecosystem;
            if (!listed) (undecided ??= new Set()).add(record.id);
            continue;
          }
          validIn = scheme;
        }
        try {
          if (preparedIncludes(prepared, version, scheme, ecosystem)) (ranges ??= []).push(range);
        } catch (error) {
          if (!listed) (undecided ??= new Set()).add(record.id);
          result.problems.push(`${label()}: ${record.id} has a ${range.type} range that cannot be evaluated (${errorMessage(error)})`);
        }
      }
      if (listed || ranges !== undefined) {
        result.matches.push({ record, affected: entry.affected, ranges: ranges ?? [], listed });
        undecided?.delete(record.id);
      }
    }
  }
  if (undecided === undefined) return result;
  for (const match of result.matches) undecided.delete(match.record.id);
  if (noScheme && undecided.size > 0) {
    result.problems.push(`${label()}: no version scheme for ${ecosystem}; not checked against ${[...undecided].sort(byString).join(', ')}`);
  } else if (badVersion !== undefined && undecided.size > 0) {
    result.problems.push(
      `${label()}: cannot parse version "${pkg.version}" as ${badVersion}; not checked against ${[...undecided].sort(byString).join(', ')}`,
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
function fixedVersionsOf(pkg: Package, matches: readonly RecordMatch[]): string[] {
  const ecosystem = baseEcosystem(pkg.ecosystem);
  const version = canonicalVersion(ecosystem, pkg.version);
  const ecosystemScheme = schemeFor(ecosystem);
  let fixed: Set<string> | undefined;
  for (const match of matches) {
    for (const range of match.ranges) {
      const scheme = orderingFor(range, ecosystemScheme);
      for (const event of range.events) {
        if (event.fixed === undefined) continue;
        const candidate = canonicalVersion(ecosystem, event.fixed);
        if ((compareIn(scheme, candidate, version) ?? 1) > 0) (fixed ??= new Set()).add(candidate);
      }
    }
  }
  if (fixed === undefined) return [];
  const ordering = ecosystemScheme ?? semverOrdering;
  const prefix = ecosystem === 'Go' && pkg.version.startsWith('v') ? 'v' : '';
  const sorted = [...fixed].sort((a, b) => compareIn(ordering, a, b) ?? compareIn(semverOrdering, a, b) ?? byString(a, b));
  return prefix === '' ? sorted : sorted.map((candidate) => prefix + candidate);
}

const NONE: readonly string[] = Object.freeze([]);

/** A list that findings share: frozen, since one array serves every finding of a record group. */
function shared(values: string[]): readonly string[] {
  return values.length === 0 ? NONE : Object.freeze(values);
}

/**
 * What a finding takes from its records alone, whatever package they matched: computed once per
 * group of record objects and shared by all its findings.
 */
interface GroupStatic {
  /** The group's records, distinct by id, sorted by id. */
  records: readonly OsvRecord[];
  id: string;
  aliases: readonly string[];
  summary: string | undefined;
  details: string | undefined;
  /** What the title shows after the package: the summary, or the details' first line. */
  headline: string | undefined;
  severity: SeverityScore;
  published: string | undefined;
  modified: string | undefined;
  cwes: readonly string[];
  references: readonly string[];
  /** Every record of the group is a RustSec informational notice: its word (unmaintained...). */
  informational: string | undefined;
}

function computeGroupStatic(records: readonly OsvRecord[], groupIds: Iterable<string>): GroupStatic {
  const primary = records[0]!;
  const id = primary.id;
  const aliases: string[] = [];
  for (const other of groupIds) if (other !== id) aliases.push(other);
  aliases.sort(byString);
  let summary: string | undefined;
  let details: string | undefined;
  let published: string | undefined;
  let modified: string | undefined;
  // A record without `modified` (only from a remote source) leaves it unknown, as sorting did.
  let modifiedUnknown = false;
  const cwes = new Set<string>();
  const references = new Set<string>();
  // A group is a notice only when none of its records is a vulnerability.
  let informational: string | undefined = informationalKind(primary);
  for (const record of records) {
    if (informational !== undefined && informationalKind(record) === undefined) informational = undefined;
    if (summary === undefined && record.summary?.trim()) summary = record.summary.trim();
    if (details === undefined && record.details?.trim()) details = record.details;
    if (record.published && (published === undefined || byString(record.published, published) < 0)) published = record.published;
    if (typeof record.modified !== 'string') modifiedUnknown = true;
    else if (modified === undefined || byString(record.modified, modified) > 0) modified = record.modified;
    for (const cwe of recordCwes(record)) cwes.add(cwe);
    for (const reference of record.references ?? []) references.add(reference.url);
  }
  return {
    records,
    id,
    aliases: shared(aliases),
    summary,
    details,
    headline: summary ?? details?.split('\n')[0]?.slice(0, 120),
    severity: computeGroupSeverity(records),
    published,
    modified: modifiedUnknown ? undefined : modified,
    cwes: shared([...cwes].sort(byString)),
    references: shared([...references]),
    informational,
  };
}


function sameRecords(a: readonly OsvRecord[], b: readonly OsvRecord[]): boolean {
  return a.length === b.length && a.every((record, i) => record === b[i]);
}

function staticFor(ecosystem: string, matches: readonly RecordMatch[], groupIds: Set<string>): GroupStatic {
  const byId = new Map<string, OsvRecord>();
  // Two record objects with one id (possible from a remote source): the last one wins, and its
  // group is not cached, since the ids no longer tell the records.
  let objects = 0;
  let previous: OsvRecord | undefined;
  for (const match of matches) {
    if (match.record !== previous && byId.get(match.record.id) !== match.record) objects += 1;
    byId.set(match.record.id, match.record);
    previous = match.record;
  }
  const ids = [...byId.keys()].sort(byString);
  const records = ids.map((id) => byId.get(id)!);
  if (objects !== byId.size) return computeGroupStatic(records, groupIds);
  // Groups of one record (most of them) are kept with the record; larger ones with their first record, by ids.
  const state = stateOf(records[0]!, ecosystem);
  if (records.length === 1) return (state.single ??= computeGroupStatic(records, groupIds));
  state.groups ??= new Map();
  const key = ids.join('\n');
  let cached = state.groups.get(key);
  if (cached === undefined || !sameRecords(cached.records, records)) {
    cached = computeGroupStatic(records, groupIds);
    state.groups.set(key, cached);
  }
  return cached;
}

/** A finding without the parts that differ between packages of one name@version (where it is, how it is used). */
interface FindingTemplate {
  group: GroupStatic;
  title: string;
  fixedVersions: readonly string[];
  affectedRanges: readonly string[];
}

function templateFor(pkg: Package, matches: readonly RecordMatch[], groupIds: Set<string>): FindingTemplate {
  const group = staticFor(baseEcosystem(pkg.ecosystem), matches, groupIds);
  const affectedRanges = new Set<string>();
  for (const match of matches) {
    for (const range of match.ranges) affectedRanges.add(describeRange(range));
    if (match.listed) affectedRanges.add(`versions: ${pkg.version} is listed as affected by ${match.record.id}`);
  }
  return {
    group,
    title: `${group.informational ? `[${group.informational}] ` : ''}${group.id} in ${pkg.name}@${pkg.version}${group.headline ? `: ${group.headline}` : ''}`,
    fixedVersions: shared(fixedVersionsOf(pkg, matches)),
    affectedRanges: shared([...affectedRanges]),
  };
}

/**
 * The finding of one package from a template. Every call makes new objects for the finding and
 * its parts, so a consumer that replaces a field touches one finding; the lists inside are
 * shared and frozen.
 */
function findingFrom(template: FindingTemplate, pkg: Package): Finding {
  const group = template.group;
  const location = { path: pkg.location.path, startLine: pkg.location.line };
  const pkgRef: PackageRef = { ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.version, purl: pkg.purl, direct: pkg.direct, scope: pkg.scope };
  if (pkg.declaredRange !== undefined) pkgRef.declaredRange = pkg.declaredRange;
  // The lists are typed mutable in Finding; they are frozen, and consumers copy before sorting.
  const vulnerability: VulnerabilityRef = {
    id: group.id,
    aliases: group.aliases as string[],
    summary: group.summary,
    details: group.details,
    fixedVersions: template.fixedVersions as string[],
    affectedRanges: template.affectedRanges as string[],
    references: group.references as string[],
    published: group.published,
    modified: group.modified,
  };
  if (group.informational !== undefined) vulnerability.informational = group.informational;
  // Two literals keep the key order of the JSON text whether a score is known or not.
  const finding: Finding = group.severity.score !== undefined
    ? {
        kind: 'dependency',
        source: 'osv',
        severity: group.severity.severity,
        score: group.severity.score,
        title: template.title,
        location,
        cwes: group.cwes as string[],
        package: pkgRef,
        vulnerability,
      }
    : {
        kind: 'dependency',
        source: 'osv',
        severity: group.severity.severity,
        title: template.title,
        location,
        cwes: group.cwes as string[],
        package: pkgRef,
        vulnerability,
      };
  if (pkg.declaredRange !== undefined) finding.message = declaredRangeMessage(pkg, template.fixedVersions);
  return finding;
}

/**
 * What a finding on a declared range tells a library's maintainers: the floor they declare
 * admits an affected release, and the smallest release that fixes this advisory.
 */
export function declaredRangeMessage(pkg: Pick<Package, 'version' | 'declaredRange'>, fixedVersions: readonly string[]): string {
  const fix = fixedVersions[0];
  return `your declared minimum ${pkg.version} (${pkg.declaredRange}) is affected; ${fix === undefined ? 'no fixed version is known' : `raise it to ${fix}`}`;
}

/** One template per group of records that alias each other, sorted by the group's id. */
function templatesFor(pkg: Package, matches: readonly RecordMatch[]): FindingTemplate[] {
  if (matches.length === 0) return [];
  if (matches.length === 1) {
    const only = matches[0]!;
    return [templateFor(pkg, matches, new Set([only.record.id, ...(only.record.aliases ?? [])]))];
  }
  const groups = new IdGroups();
  for (const { record } of matches) {
    for (const alias of record.aliases ?? []) groups.union(record.id, alias);
    groups.find(record.id);
  }
  const byRoot = new Map<string, { matches: RecordMatch[]; ids: Set<string> }>();
  for (const recordMatch of matches) {
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
  const templates: FindingTemplate[] = [];
  for (const group of byRoot.values()) templates.push(templateFor(pkg, group.matches, group.ids));
  return templates.sort((a, b) => byString(a.group.id, b.group.id));
}

/** Turns one package's matches into findings, one per group of records that alias each other. */
export function findingsForMatch(match: PackageMatch): Finding[] {
  return templatesFor(match.package, match.matches).map((template) => findingFrom(template, match.package));
}

/** What one ecosystem/name/version gives, whichever package of a lockfile it is. */
interface Evaluated {
  problems: readonly string[];
  templates: readonly FindingTemplate[];
}

const NOTHING: Evaluated = { problems: [], templates: [] };

/**
 * Matches every package against the offline index and turns the matches into findings. Lockfiles
 * repeat name@version pairs (one per workspace or path), so each pair is matched once per call
 * and its findings are stamped out per package.
 */
export function matchPackages(packages: Package[], index: OsvIndex): { findings: Finding[]; problems: string[]; undecided: Package[] } {
  const findings: Finding[] = [];
  // Packages whose matching could not be decided (unpinned, unreadable version, no scheme).
  const undecided: Package[] = [];
  const problems: string[] = [...index.problems];
  // Missing data is reported once per run by the caller (VulnerabilitySource.missingData).
  const missing = new Set(index.missing);
  const evaluated = new Map<string, Evaluated>();
  let unpinned = 0;
  for (const pkg of packages) {
    const ecosystem = baseEcosystem(pkg.ecosystem);
    if (missing.has(ecosystem)) continue;
    // The project's own code and git checkouts are not what registry advisories describe; whatever
    // was found on them before is not known to be fixed, so they stay undecided.
    if (!fromRegistry(pkg)) {
      undecided.push(pkg);
      continue;
    }
    if (pkg.unpinned || pkg.version === '') {
      unpinned += 1;
      undecided.push(pkg);
      continue;
    }
    // Everything a match and its findings read of the package, apart from where and how it is used.
    const key = `${pkg.ecosystem.length},${pkg.name.length}:${pkg.ecosystem}${pkg.name}${pkg.version}`;
    let result = evaluated.get(key);
    if (result === undefined) {
      const records = index.records(ecosystem, pkg.name);
      if (records.length === 0) {
        result = NOTHING;
      } else {
        const match = matchPackage(pkg, records);
        result = { problems: match.problems, templates: templatesFor(pkg, match.matches) };
      }
      evaluated.set(key, result);
    }
    for (const problem of result.problems) problems.push(problem);
    if (result.problems.length > 0) undecided.push(pkg);
    for (const template of result.templates) findings.push(findingFrom(template, pkg));
  }
  if (unpinned > 0) {
    problems.push(`${unpinned} package${unpinned === 1 ? '' : 's'} without a pinned version not matched against OSV`);
  }
  return { findings, problems, undecided };
}
