/**
 * Rules as users write them, checked against rules.schema.json and then for what a schema cannot
 * say (globs, calendar dates, CWE spellings, purl patterns, conflicts), and compiled into matchers.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import picomatch from 'picomatch';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { severityRank, type Severity } from '../model/types.js';
import { categoriesFor, normalizeCwe, normalizeCwes } from './categories.js';
import { untilEnd, untilProblem } from './dates.js';

export type RuleAction = 'ignore' | 'set-severity' | 'alert-only-on';
type OneOrMany<T> = T | T[];

export interface RuleMatch {
  target?: OneOrMany<string>;
  path?: OneOrMany<string>;
  ecosystem?: OneOrMany<string>;
  package?: OneOrMany<string>;
  vulnerability?: OneOrMany<string>;
  rule?: OneOrMany<string>;
  tool?: OneOrMany<string>;
  cwe?: OneOrMany<string>;
  category?: OneOrMany<string>;
  kind?: OneOrMany<string>;
  scope?: OneOrMany<string>;
  relation?: OneOrMany<string>;
  /** `resolved` (a lockfile or pinned version) or `declared-range` (the floor of a range). */
  versionSource?: OneOrMany<string>;
  /** `vulnerability` or `informational` (RustSec notices: unmaintained, unsound...). */
  advisory?: OneOrMany<string>;
  /** true: only findings whose id or an alias is in the KEV catalog; false: only those that are not. */
  knownExploited?: boolean;
}

export interface RuleConditions {
  minSeverity?: Severity;
  cwe?: OneOrMany<string>;
  category?: OneOrMany<string>;
  kind?: OneOrMany<string>;
  scope?: OneOrMany<string>;
  relation?: OneOrMany<string>;
  knownExploited?: boolean;
}

/** One rule as written in a rules file or a target's `rules`. */
export interface RawRule {
  id?: string;
  description?: string;
  action: RuleAction;
  match?: RuleMatch;
  reason?: string;
  until?: string;
  severity?: Severity;
  when?: RuleConditions;
}

/** Where a rule was written: the file, its JSON path, and the line when known. */
export interface RuleOrigin {
  file: string;
  /** e.g. `rules[2]` or `targets[0].rules[1]`. */
  path: string;
  line?: number;
}

/** Finding facts a rule looks at, computed once per finding. */
export interface FindingFacts {
  target: string;
  targetKey: string;
  kind: string;
  path: string;
  ecosystem?: string;
  /** purl without qualifiers, percent-decoded; with and without the version. */
  purl?: string;
  purlNoVersion?: string;
  /** Upper-case vulnerability id and aliases. */
  vulnerabilityIds: string[];
  ruleId?: string;
  tool: string;
  cwes: string[];
  categories: string[];
  scope?: string;
  relation?: 'direct' | 'transitive';
  /** Dependency findings: where the version came from, and what kind of advisory it is. */
  versionSource?: 'resolved' | 'declared-range';
  advisory?: 'vulnerability' | 'informational';
  severity: Severity;
  /** Its id or an alias is in CISA's KEV catalog. */
  knownExploited: boolean;
}

export interface CompiledRule {
  /** Order of application: files by name, then per-target rules. */
  order: number;
  /** Stable key: the rule's id, else a hash of what it matches and does. */
  key: string;
  /** How reports name it: its id, or its file and JSON path. */
  label: string;
  origin: RuleOrigin;
  action: RuleAction;
  reason?: string;
  until?: string;
  untilEnd?: number;
  severity?: Severity;
  /** Per-target rules from scan-targets.json apply to that target (store key) only. */
  targetKey?: string;
  /** Exact keys the evaluator indexes this rule under (upper-case ids, decoded purls, rule ids). */
  index: { vulnerability?: string[]; purl?: string[]; purlVersioned?: string[]; rule?: string[]; pathHead?: string[] };
  appliesToTarget(name: string, key: string): boolean;
  matches(facts: FindingFacts): boolean;
  /** alert-only-on: true when the finding meets every condition. */
  allows(facts: FindingFacts): boolean;
  /** A short text of the alert-only-on conditions for the suppression reason. */
  describeConditions(): string;
}

const schemaPath = resolve(dirname(fileURLToPath(import.meta.url)), '../../rules.schema.json');
let validators: { file: ValidateFunction; rule: ValidateFunction } | undefined;

function schemaValidators(): { file: ValidateFunction; rule: ValidateFunction } {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as { $id: string };
    ajv.addSchema(schema);
    validators = { file: ajv.getSchema(schema.$id) as ValidateFunction, rule: ajv.compile({ $ref: `${schema.$id}#/definitions/rule` }) };
  }
  return validators;
}

/** JSON pointer segments → `rules[0].match.path`. */
export function pathText(segments: ReadonlyArray<string | number>): string {
  return segments.reduce<string>((text, part) => (typeof part === 'number' || /^\d+$/.test(part) ? `${text}[${part}]` : text ? `${text}.${part}` : String(part)), '');
}

/** A problem in a rule, located by JSON path segments from the document root. */
export interface RuleIssue {
  at: Array<string | number>;
  message: string;
}

function pointerSegments(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** ajv's errors as users read them; drops the noise of `if` and the `oneOf` branches. */
function schemaIssues(errors: ErrorObject[], prefix: Array<string | number>): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const oneOfPaths = new Set(errors.filter((error) => error.keyword === 'oneOf').map((error) => error.instancePath));
  const seen = new Set<string>();
  for (const error of errors) {
    const at = [...prefix, ...pointerSegments(error.instancePath)];
    let message: string;
    switch (error.keyword) {
      case 'if':
        continue;
      case 'oneOf': {
        const specific = errors.some((other) => other.instancePath === error.instancePath && other.keyword === 'enum');
        if (specific) continue;
        message = 'expected a non-empty value or a list of values';
        break;
      }
      case 'type':
        if (oneOfPaths.has(error.instancePath)) continue;
        message = `expected ${(error.params as { type: string }).type}`;
        break;
      case 'additionalProperties': {
        const key = (error.params as { additionalProperty: string }).additionalProperty;
        message = `unknown key "${key}"`;
        break;
      }
      case 'required':
        message = `missing required key "${(error.params as { missingProperty: string }).missingProperty}"`;
        break;
      case 'enum':
        message = `expected one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((value) => JSON.stringify(value)).join(', ')}`;
        break;
      case 'pattern':
        message = error.instancePath.endsWith('/until') ? 'expected a date YYYY-MM-DD or an ISO 8601 time' : `does not match ${(error.params as { pattern: string }).pattern}`;
        break;
      default:
        message = error.message ?? 'invalid';
    }
    const text = `${pathText(at)}\0${message}`;
    if (seen.has(text)) continue;
    seen.add(text);
    issues.push({ at, message });
  }
  return issues;
}

/** Checks a whole rules file document; `[]` when it is good. */
export function validateRulesDocument(document: unknown): RuleIssue[] {
  const { file } = schemaValidators();
  if (!file(document)) {
    const issues = schemaIssues(file.errors ?? [], []);
    // Rules the schema found nothing wrong with still get the checks a schema cannot make.
    const rules = (document as { rules?: unknown })?.rules;
    if (Array.isArray(rules)) {
      const broken = new Set(issues.filter((issue) => issue.at[0] === 'rules' && typeof issue.at[1] === 'number').map((issue) => issue.at[1]));
      rules.forEach((rule, index) => {
        if (!broken.has(index) && rule && typeof rule === 'object') issues.push(...semanticIssues(rule as RawRule, ['rules', index]));
      });
    }
    return issues;
  }
  const rules = (document as { rules: RawRule[] }).rules;
  return [...rules.flatMap((rule, index) => semanticIssues(rule, ['rules', index])), ...conflictIssues(rules.map((rule, index) => ({ rule, at: ['rules', index] })))];
}

/** Checks one rule given inline (a target's `rules` in scan-targets.json). */
export function validateRule(rule: unknown, at: Array<string | number>): RuleIssue[] {
  const { rule: check } = schemaValidators();
  if (!check(rule)) return schemaIssues(check.errors ?? [], at);
  return semanticIssues(rule as RawRule, at);
}

const list = <T>(value: OneOrMany<T> | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function globProblem(glob: string, repoRelative: boolean): string | undefined {
  if (repoRelative && (glob.startsWith('/') || /(^|\/)\.\.(\/|$)/.test(glob))) return `"${glob}" must be a repo-relative glob (no leading "/" or "..")`;
  let depth = 0;
  for (const char of glob) {
    if (char === '{') depth += 1;
    if (char === '}') depth -= 1;
    if (depth < 0) break;
  }
  if (depth !== 0) return `"${glob}" is not a valid glob (unbalanced braces)`;
  try {
    picomatch.makeRe(glob, { strictBrackets: true });
  } catch (error) {
    return `"${glob}" is not a valid glob (${(error as Error).message})`;
  }
  return undefined;
}

/** `pkg:npm/%40babel/core@7.0.0?x=y#sub` → `{ base: 'pkg:npm/@babel/core', version: '7.0.0' }`. */
export function splitPurl(purl: string): { base: string; version?: string } | undefined {
  const bare = purl.split('#')[0]!.split('?')[0]!;
  if (!/^pkg:[A-Za-z.+-][A-Za-z0-9.+-]*\/./.test(bare)) return undefined;
  const colon = bare.indexOf(':');
  const type = bare.slice(4, bare.indexOf('/')).toLowerCase();
  let rest = bare.slice(colon + 1 + type.length + 1);
  let version: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const at = rest.indexOf('@', lastSlash + 1);
  if (at > lastSlash + 1) {
    version = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let decoded: string;
  try {
    decoded = rest
      .split('/')
      .map((segment) => decodeURIComponent(segment))
      .join('/');
    if (version !== undefined) version = decodeURIComponent(version);
  } catch {
    return undefined;
  }
  return { base: `pkg:${type}/${decoded}`, version };
}

const GLOB_CHARS = /[*?[\]{}()!+@]/;
function isGlob(value: string): boolean {
  return GLOB_CHARS.test(value);
}

function semanticIssues(rule: RawRule, at: Array<string | number>): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const match = rule.match ?? {};
  const each = (key: Exclude<keyof RuleMatch, 'knownExploited'>, check: (value: string) => string | undefined) => {
    const values = match[key];
    list(values).forEach((value, index) => {
      const problem = check(value);
      if (problem) issues.push({ at: [...at, 'match', key, ...(Array.isArray(values) ? [index] : [])], message: problem });
    });
  };
  each('path', (glob) => globProblem(glob, true));
  each('target', (glob) => globProblem(glob, false));
  each('rule', (glob) => globProblem(glob, false));
  each('cwe', (cwe) => (normalizeCwe(cwe) ? undefined : `"${cwe}" is not a CWE id (expected e.g. CWE-79)`));
  each('package', (pattern) => {
    const split = splitPurl(pattern);
    if (!split) return `"${pattern}" is not a package URL pattern (expected e.g. pkg:npm/lodash or pkg:pypi/django@4.2.1)`;
    return globProblem(split.base, false);
  });
  const conditionCwes = rule.when?.cwe;
  list(conditionCwes).forEach((cwe, index) => {
    if (!normalizeCwe(cwe)) issues.push({ at: [...at, 'when', 'cwe', ...(Array.isArray(conditionCwes) ? [index] : [])], message: `"${cwe}" is not a CWE id (expected e.g. CWE-79)` });
  });
  if (rule.until !== undefined) {
    const problem = untilProblem(rule.until);
    if (problem) issues.push({ at: [...at, 'until'], message: problem });
  }
  const kinds = list(match.kind);
  if (kinds.length === 1 && kinds[0] === 'code' && (match.package || match.ecosystem || match.vulnerability || match.scope || match.relation || match.versionSource || match.advisory || match.knownExploited === true)) {
    issues.push({ at: [...at, 'match'], message: 'matches code findings only, which have no package, ecosystem, vulnerability, scope, relation, versionSource, advisory or KEV entry: it can never match' });
  }
  return issues;
}

/** JSON with sorted keys and sorted lists, so equal matches compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify(value.map((item) => canonical(item)).sort());
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(Array.isArray((value as Record<string, unknown>)[key]) ? (value as Record<string, unknown>)[key] : [(value as Record<string, unknown>)[key]])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Two rules that cannot both hold: same id, or the same match with different severities or conditions. */
export function conflictIssues(rules: Array<{ rule: RawRule; at: Array<string | number>; scope?: string }>): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const ids = new Map<string, Array<string | number>>();
  const effects = new Map<string, { effect: string; at: Array<string | number> }>();
  for (const { rule, at, scope } of rules) {
    if (rule.id !== undefined) {
      const previous = ids.get(rule.id);
      if (previous) issues.push({ at: [...at, 'id'], message: `id "${rule.id}" is already used by ${pathText(previous)}` });
      else ids.set(rule.id, at);
    }
    if (rule.action === 'ignore') continue;
    const key = `${scope ?? ''}\0${rule.action}\0${canonical(rule.match ?? {})}`;
    const effect = rule.action === 'set-severity' ? `severity ${rule.severity}` : canonical(rule.when ?? {});
    const previous = effects.get(key);
    if (previous && previous.effect !== effect) {
      issues.push({
        at,
        message: `conflicts with ${pathText(previous.at)}: both are "${rule.action}" for the same match but ${rule.action === 'set-severity' ? 'set different severities' : 'give different conditions'}`,
      });
    } else if (!previous) effects.set(key, { effect, at });
  }
  return issues;
}

/**
 * One glob as a test, same result as `picomatch(glob, { dot: true })`: its matcher builds two
 * result objects and an exec match per call, so the hot path uses picomatch's own regex instead.
 */
function globTest(glob: string): (value: string) => boolean {
  const regex = picomatch.makeRe(glob, { dot: true });
  return (value) => value !== '' && (value === glob || regex.test(value));
}

function matcher(globs: string[]): ((value: string) => boolean) | undefined {
  if (globs.length === 0) return undefined;
  const tests = globs.map(globTest);
  if (tests.length === 1) return tests[0];
  return (value) => {
    for (let i = 0; i < tests.length; i += 1) if (tests[i]!(value)) return true;
    return false;
  };
}

function lowerSet(values: string[]): Set<string> | undefined {
  return values.length ? new Set(values.map((value) => value.toLowerCase())) : undefined;
}

function anyIn(values: readonly string[], set: Set<string>): boolean {
  for (const value of values) if (set.has(value)) return true;
  return false;
}

function anyTest(tests: ReadonlyArray<(facts: FindingFacts) => boolean>, facts: FindingFacts): boolean {
  for (let i = 0; i < tests.length; i += 1) if (tests[i]!(facts)) return true;
  return false;
}

function conditionsTest(conditions: RuleConditions): { test: (facts: FindingFacts) => boolean; text: string } {
  const cwes = conditions.cwe ? new Set(normalizeCwes(list(conditions.cwe))) : undefined;
  const categories = conditions.category ? new Set(list(conditions.category)) : undefined;
  const kinds = conditions.kind ? new Set(list(conditions.kind)) : undefined;
  const scopes = conditions.scope ? new Set(list(conditions.scope)) : undefined;
  const relations = conditions.relation ? new Set(list(conditions.relation)) : undefined;
  const minRank = conditions.minSeverity ? severityRank(conditions.minSeverity) : undefined;
  const exploited = conditions.knownExploited;
  const parts: string[] = [];
  if (conditions.minSeverity) parts.push(`severity >= ${conditions.minSeverity}`);
  if (cwes) parts.push(`CWE in ${[...cwes].join(', ')}`);
  if (categories) parts.push(`category in ${[...categories].join(', ')}`);
  if (kinds) parts.push(`kind in ${[...kinds].join(', ')}`);
  if (scopes) parts.push(`scope in ${[...scopes].join(', ')}`);
  if (relations) parts.push(`relation in ${[...relations].join(', ')}`);
  if (exploited !== undefined) parts.push(exploited ? 'known exploited' : 'not known exploited');
  return {
    text: parts.join('; '),
    test: (facts) =>
      (minRank === undefined || severityRank(facts.severity) >= minRank) &&
      (!cwes || anyIn(facts.cwes, cwes)) &&
      (!categories || anyIn(facts.categories, categories)) &&
      (!kinds || kinds.has(facts.kind)) &&
      // Scope and relation describe packages: a code finding has neither and does not meet them.
      (!scopes || (facts.scope !== undefined && scopes.has(facts.scope))) &&
      (!relations || (facts.relation !== undefined && relations.has(facts.relation))) &&
      (exploited === undefined || facts.knownExploited === exploited),
  };
}

/** Turns a checked rule into matchers. `order` fixes precedence; `targetKey` scopes a target's own rule. */
export function compileRule(rule: RawRule, origin: RuleOrigin, order: number, targetKey?: string): CompiledRule {
  const match = rule.match ?? {};
  const targetTest = matcher(list(match.target));
  const pathTest = matcher(list(match.path));
  const ruleGlobs = list(match.rule);
  const ruleTest = matcher(ruleGlobs);
  const ecosystems = lowerSet(list(match.ecosystem));
  const tools = lowerSet(list(match.tool));
  const vulnerabilities = match.vulnerability ? new Set(list(match.vulnerability).map((id) => id.toUpperCase())) : undefined;
  const cwes = match.cwe ? new Set(normalizeCwes(list(match.cwe))) : undefined;
  const categories = match.category ? new Set(list(match.category)) : undefined;
  const kinds = match.kind ? new Set(list(match.kind)) : undefined;
  const scopes = match.scope ? new Set(list(match.scope)) : undefined;
  const relations = match.relation ? new Set(list(match.relation)) : undefined;
  const versionSources = match.versionSource ? new Set(list(match.versionSource)) : undefined;
  const advisories = match.advisory ? new Set(list(match.advisory)) : undefined;
  const exploited = match.knownExploited;

  const exactPurls: string[] = [];
  const exactVersioned: string[] = [];
  const purlTests: Array<(facts: FindingFacts) => boolean> = [];
  for (const pattern of list(match.package)) {
    const split = splitPurl(pattern)!;
    const globbed = isGlob(split.base) || (split.version !== undefined && isGlob(split.version));
    if (!globbed) {
      if (split.version === undefined) exactPurls.push(split.base);
      else exactVersioned.push(`${split.base}@${split.version}`);
      continue;
    }
    const test = globTest(split.version === undefined ? split.base : `${split.base}@${split.version}`);
    purlTests.push((facts) => (split.version === undefined ? facts.purlNoVersion !== undefined && test(facts.purlNoVersion) : facts.purl !== undefined && test(facts.purl)));
  }
  const exactPurlSet = new Set(exactPurls);
  const exactVersionedSet = new Set(exactVersioned);
  const hasPackage = match.package !== undefined;

  const conditions = rule.when ? conditionsTest(rule.when) : undefined;
  const key =
    rule.id ??
    `rule-${createHash('sha256')
      .update(`${targetKey ?? ''}\0${rule.action}\0${canonical(match)}\0${rule.severity ?? ''}\0${canonical(rule.when ?? {})}`)
      .digest('hex')
      .slice(0, 12)}`;
  const end = rule.until !== undefined ? untilEnd(rule.until) : undefined;

  const index: CompiledRule['index'] = {};
  // Index under the most selective exact key, when every value of that key is exact.
  if (vulnerabilities) index.vulnerability = [...vulnerabilities];
  else if (hasPackage && purlTests.length === 0) {
    index.purl = exactPurls;
    index.purlVersioned = exactVersioned;
  } else if (ruleGlobs.length && !ruleGlobs.some(isGlob)) index.rule = ruleGlobs;
  else {
    const heads = list(match.path).map((glob) => glob.split('/')[0]!);
    if (heads.length && heads.every((head) => head.length > 0 && !isGlob(head) && !head.startsWith('.'))) index.pathHead = [...new Set(heads)];
  }

  return {
    order,
    key,
    label: rule.id ?? `${origin.file} ${origin.path}`,
    origin,
    action: rule.action,
    reason: rule.reason,
    until: rule.until,
    untilEnd: end,
    severity: rule.severity,
    targetKey,
    index,
    appliesToTarget: (name, targetKeyValue) => (targetKey === undefined || targetKey === targetKeyValue) && (!targetTest || targetTest(name) || targetTest(targetKeyValue)),
    matches: (facts) =>
      (!kinds || kinds.has(facts.kind)) &&
      (!vulnerabilities || anyIn(facts.vulnerabilityIds, vulnerabilities)) &&
      (!hasPackage ||
        (facts.purlNoVersion !== undefined && exactPurlSet.has(facts.purlNoVersion)) ||
        (facts.purl !== undefined && exactVersionedSet.has(facts.purl)) ||
        anyTest(purlTests, facts)) &&
      (!ecosystems || (facts.ecosystem !== undefined && ecosystems.has(facts.ecosystem.toLowerCase()))) &&
      (!ruleTest || (facts.ruleId !== undefined && ruleTest(facts.ruleId))) &&
      (!tools || tools.has(facts.tool.toLowerCase())) &&
      (!cwes || anyIn(facts.cwes, cwes)) &&
      (!categories || anyIn(facts.categories, categories)) &&
      (!scopes || (facts.scope !== undefined && scopes.has(facts.scope))) &&
      (!relations || (facts.relation !== undefined && relations.has(facts.relation))) &&
      (!versionSources || (facts.versionSource !== undefined && versionSources.has(facts.versionSource))) &&
      (!advisories || (facts.advisory !== undefined && advisories.has(facts.advisory))) &&
      (exploited === undefined || facts.knownExploited === exploited) &&
      (!pathTest || pathTest(facts.path)),
    allows: (facts) => (conditions ? conditions.test(facts) : true),
    describeConditions: () => conditions?.text ?? '',
  };
}

// Findings repeat the same CWE lists and purls many times: parse each once (bounded caches).
const CACHE_LIMIT = 50_000;
const cweCache = new Map<string, { cwes: string[]; categories: string[] }>();
/** Per purl: without the version, and with it (both without qualifiers, decoded); null when unreadable. */
const purlCache = new Map<string, { base: string; full: string } | null>();

function cweFacts(raw: readonly string[]): { cwes: string[]; categories: string[] } {
  const key = raw.length === 1 ? raw[0]! : raw.join('\0');
  let facts = cweCache.get(key);
  if (!facts) {
    const cwes = normalizeCwes(raw);
    facts = { cwes, categories: categoriesFor(cwes) };
    if (cweCache.size >= CACHE_LIMIT) cweCache.clear();
    cweCache.set(key, facts);
  }
  return facts;
}

function cachedPurl(purl: string): { base: string; full: string } | null {
  let parts = purlCache.get(purl);
  if (parts === undefined) {
    const split = splitPurl(purl);
    parts = split ? { base: split.base, full: split.version !== undefined ? `${split.base}@${split.version}` : split.base } : null;
    if (purlCache.size >= CACHE_LIMIT) purlCache.clear();
    purlCache.set(purl, parts);
  }
  return parts;
}

type FactsSource = {
  kind: string;
  source: string;
  severity: Severity;
  location: { path: string };
  cwes: string[];
  vulnerability?: { id: string; aliases: string[]; informational?: string };
  package?: { ecosystem: string; purl: string; direct: boolean; scope: string; declaredRange?: string };
  rule?: { id: string; tool: string };
  knownExploited?: unknown;
};

const NO_IDS: string[] = [];

/** `toUpperCase` without its copy when nothing would change: no code unit below `a` (97) has an upper case. */
function upper(text: string): string {
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) >= 97) return text.toUpperCase();
  return text;
}

/** A facts object for `fillFacts` to reuse across a target's findings. */
export function emptyFacts(target: { name: string; key: string }): FindingFacts {
  return {
    target: target.name,
    targetKey: target.key,
    kind: '',
    path: '',
    ecosystem: undefined,
    purlNoVersion: undefined,
    purl: undefined,
    vulnerabilityIds: [],
    ruleId: undefined,
    tool: '',
    cwes: NO_IDS,
    categories: NO_IDS,
    scope: undefined,
    relation: undefined,
    versionSource: undefined,
    advisory: undefined,
    severity: 'unknown',
    knownExploited: false,
  };
}

/**
 * Overwrites `facts` with one finding's facts. Its vulnerability ids go into `ids` (scratch the
 * caller reuses); a finding without a vulnerability gets a shared empty list.
 */
export function fillFacts(facts: FindingFacts, finding: FactsSource, ids: string[]): FindingFacts {
  const { cwes, categories } = cweFacts(finding.cwes ?? NO_IDS);
  const pkg = finding.package;
  const parts = pkg ? cachedPurl(pkg.purl) : undefined;
  const vulnerability = finding.vulnerability;
  if (vulnerability) {
    // Overwrite in place (writing at the end appends): shrinking an array is a slow path.
    const aliases = vulnerability.aliases;
    if (ids.length > aliases.length + 1) ids.length = aliases.length + 1;
    ids[0] = upper(vulnerability.id);
    for (let i = 0; i < aliases.length; i += 1) ids[i + 1] = upper(aliases[i]!);
    facts.vulnerabilityIds = ids;
  } else facts.vulnerabilityIds = NO_IDS;
  facts.kind = finding.kind;
  facts.path = finding.location.path;
  facts.ecosystem = pkg?.ecosystem;
  facts.purlNoVersion = parts ? parts.base : undefined;
  facts.purl = parts ? parts.full : undefined;
  facts.ruleId = finding.rule?.id;
  facts.tool = finding.rule?.tool ?? finding.source;
  facts.cwes = cwes;
  facts.categories = categories;
  facts.scope = pkg?.scope;
  facts.relation = pkg ? (pkg.direct ? 'direct' : 'transitive') : undefined;
  facts.versionSource = pkg ? (pkg.declaredRange !== undefined ? 'declared-range' : 'resolved') : undefined;
  facts.advisory = vulnerability ? (vulnerability.informational !== undefined ? 'informational' : 'vulnerability') : undefined;
  facts.severity = finding.severity;
  facts.knownExploited = finding.knownExploited !== undefined;
  return facts;
}

/** Facts of one finding, for matching; categories come from its CWEs. */
export function findingFacts(finding: FactsSource, target: { name: string; key: string }): FindingFacts {
  const facts = fillFacts(emptyFacts(target), finding, []);
  if (facts.vulnerabilityIds === NO_IDS) facts.vulnerabilityIds = [];
  return facts;
}
