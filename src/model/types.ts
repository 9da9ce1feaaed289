/**
 * Types shared by every stage of the pipeline. This folder imports nothing else from src/.
 */

/** OSV ecosystem names (https://ossf.github.io/osv-schema/#affectedpackage-field). */
export const ECOSYSTEMS = [
  'npm',
  'PyPI',
  'Go',
  'crates.io',
  'RubyGems',
  'Packagist',
  'Maven',
  'NuGet',
  'Pub',
  'Hex',
  'GitHub Actions',
  'Debian',
  'Ubuntu',
  'Alpine',
] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

export function isEcosystem(value: string): value is Ecosystem {
  return (ECOSYSTEMS as readonly string[]).includes(value);
}

export type DependencyScope = 'runtime' | 'dev' | 'optional';

/** Where something was declared: a repo-relative path (forward slashes) and a 1-based line. */
export interface SourceLocation {
  path: string;
  line: number;
}

/** One package found by an extractor. */
export interface Package {
  ecosystem: Ecosystem;
  /** The name as the ecosystem normalises it (PEP 503 for PyPI, `group:artifact` for Maven, module path for Go). */
  name: string;
  /** The resolved version; '' when the manifest does not pin one (see `unpinned`). */
  version: string;
  /** Package URL (purl spec), with the version when known. */
  purl: string;
  /** True when the project itself declares it; false when only pulled in by another package. */
  direct: boolean;
  scope: DependencyScope;
  /** The lockfile or manifest and the line where this package's entry starts. */
  location: SourceLocation;
  /** purls of the packages this one depends on, where the format records edges. */
  dependsOn?: string[];
  /** The manifest gives a range or nothing, not a version: reported, never guessed. */
  unpinned?: boolean;
  /** The name it is installed under when that differs from the real name (npm `alias@npm:real@1`). */
  alias?: string;
  /**
   * Where it comes from when not from the ecosystem's registry: the project's own code (a
   * workspace member, a path dependency) or a git repository. Such packages are listed in the
   * SBOM but never matched against registry advisories. Absent means the registry.
   */
  source?: PackageSource;
  /** For `local`, the path as the file writes it; for `git`, the repository URL (and commit). */
  sourceRef?: string;
  /**
   * The version is the lower bound of a declared range (`jinja2>=2.11.0` gives 2.11.0), not a
   * resolved version: the range as written. Matched like osv-scanner does, findings say so.
   */
  declaredRange?: string;
}

export type PackageSource = 'registry' | 'local' | 'git';

/** True when the package comes from its ecosystem's registry, the only ones advisories describe. */
export function fromRegistry(pkg: Pick<Package, 'source'>): boolean {
  return pkg.source === undefined || pkg.source === 'registry';
}

/** What one extractor made of one file. */
export interface ExtractResult {
  packages: Package[];
  /** Problems that did not stop the parse (an unpinned requirement, an unreadable entry). */
  warnings?: string[];
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'unknown';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'unknown'];

/** Rank for comparisons: higher is more severe. */
export function severityRank(severity: Severity): number {
  return { critical: 4, high: 3, medium: 2, low: 1, unknown: 0 }[severity];
}

export type FindingKind = 'dependency' | 'code';

/** A vulnerability as one finding sees it: the group of advisories that alias each other. */
export interface VulnerabilityRef {
  /** The id this finding is reported under (stable once stored). */
  id: string;
  /** Every other id of the group: CVE, GHSA, PYSEC, GO, RUSTSEC... */
  aliases: string[];
  summary?: string;
  details?: string;
  /** Versions that fix it, per the advisory, in the package's scheme. */
  fixedVersions: string[];
  /** The affected ranges as text, for help text ("introduced 1.0.0, fixed 1.2.3"). */
  affectedRanges?: string[];
  references?: string[];
  published?: string;
  modified?: string;
  /**
   * Not a vulnerability but a notice about the package (RustSec `informational`: unmaintained,
   * unsound, notice): reported at low severity, apart from vulnerabilities.
   */
  informational?: string;
}

export interface PackageRef {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  purl: string;
  direct: boolean;
  scope: DependencyScope;
  /** The version is the lower bound of this declared range (`>=2.11.0`), not a resolved version. */
  declaredRange?: string;
}

export interface CodeLocation {
  /** Repo-relative, forward slashes. */
  path: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

export interface RuleRef {
  id: string;
  tool: string;
  toolVersion?: string;
  name?: string;
  description?: string;
  helpUri?: string;
}

/**
 * A finding before it meets the store: the same shape for dependency and code findings.
 * `identity` holds the parts that make it the same finding across runs; the store turns it into
 * a stable id (see model/fingerprint.ts).
 */
export interface Finding {
  kind: FindingKind;
  /**
   * The stage that produced it: 'osv' for dependency findings, the tool name for code findings.
   * A stage that failed protects its own previous findings from being marked fixed.
   */
  source: string;
  severity: Severity;
  /** Numeric score when known (CVSS base score or SARIF security-severity). */
  score?: number;
  title: string;
  message?: string;
  /** Where it points: for dependency findings, the lockfile and the package's line. */
  location: CodeLocation;
  cwes: string[];
  /** Dependency findings. */
  vulnerability?: VulnerabilityRef;
  package?: PackageRef;
  /** Code findings. */
  rule?: RuleRef;
  /** For code findings: the tool's partialFingerprints or Sieve's line hash. */
  fingerprints?: Record<string, string>;
  /** The result came with an in-source suppression the tool reported. */
  suppressedInSource?: boolean;
  /**
   * Code findings: a hash of the flagged line's own text (whitespace removed). A finding whose
   * line hash changed keeps its identity when rule, path and this still match (store/findings.ts).
   */
  lineKey?: string;
  /** Whatever else a stage wants to keep with it (SARIF properties, precision). */
  properties?: Record<string, unknown>;
  /** Coarse categories of its CWEs (policy/categories.ts), set when policy runs. */
  categories?: string[];
}

/** Lifecycle state of a stored finding. */
export type FindingState = 'open' | 'fixed';
/** What a run did to a finding. */
export type Transition = 'new' | 'unchanged' | 'fixed' | 'reopened';

export type TriageStatus = 'false-positive' | 'accepted-risk' | 'wont-fix' | 'open';

export type TargetStatus = 'ok' | 'partial' | 'failed' | 'skipped';

/** Counts per target as summary.json reports them. */
export interface TransitionCounts {
  new: number;
  unchanged: number;
  fixed: number;
  reopened: number;
  /** Closed because the advisory no longer matches an unchanged package: not a fix. */
  withdrawn: number;
  suppressed: number;
  open: number;
}

/**
 * What a failed, missing or partial stage speaks for: the findings it covers keep their state,
 * because their absence from this run proves nothing. Nothing outside the scope is protected.
 * - `target`: everything of the target (the checkout failed, the scan crashed);
 * - `dependencies`: dependency findings, narrowed to one lockfile, one ecosystem or one package;
 * - `code`: code findings of these tools (lowercased Finding.source values; absent: every tool),
 *   optionally narrowed to one path.
 */
export type EvidenceScope =
  | { kind: 'target' }
  | { kind: 'dependencies'; lockfile?: string; ecosystem?: string; package?: string }
  | { kind: 'code'; tools?: string[]; path?: string };

/** A stage or file that failed for a target: the findings its scope covers are left as they were. */
export interface StageFailure {
  stage: string;
  scope: EvidenceScope;
  message: string;
}
