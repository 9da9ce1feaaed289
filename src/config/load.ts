import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveAnalyzer } from '../analyzers/registry.js';
import picomatch from 'picomatch';
import { errorMessage } from '../model/errors.js';

/** A target's analyzer entry, as the schema allows it (analyzers/registry.ts resolves it). */
export type AnalyzerEntry =
  | string
  | { name: string; preset?: string; command?: string[]; output?: string; timeoutSeconds?: number; env?: string[]; args?: string[] };

export interface WebhookConfig {
  url: string;
  format?: 'json' | 'slack';
  minSeverity?: string;
}
export interface NotifyConfig {
  webhooks?: WebhookConfig[];
  githubIssues?: { repo: string; mode?: 'per-finding' | 'digest'; minSeverity?: string; apiUrl?: string };
}

interface Settings {
  analyzers?: AnalyzerEntry[];
  sarif?: string[];
  paths?: string[];
  exclude?: string[];
  skipEcosystems?: string[];
  includeTestFixtures?: boolean;
  rules?: Record<string, unknown>[];
  notify?: NotifyConfig;
}

interface RawTarget extends Settings {
  name: string;
  id?: string;
  repo?: string;
  ref?: string;
  path?: string;
  sbom?: string;
}

interface RawOrg extends Omit<Settings, 'exclude'> {
  org: string;
  include?: string[];
  exclude?: string[];
  includeArchived?: boolean;
  includeForks?: boolean;
}

interface RawConfig {
  defaults?: Settings;
  osv?: { source?: 'offline' | 'api' | 'osv-scanner'; apiUrl?: string; dbUrl?: string };
  notify?: NotifyConfig;
  housekeeping?: { keepRunsDays?: number };
  targets: Array<RawTarget | RawOrg>;
}

function isOrg(entry: RawTarget | RawOrg): entry is RawOrg {
  return 'org' in entry;
}

export type TargetKind = 'repo' | 'directory' | 'sbom';

/** One target with defaults applied and local paths made absolute. */
export interface TargetConfig {
  name: string;
  /** The store key: `id` when given, else `name`. */
  key: string;
  kind: TargetKind;
  /** A git URL, or an absolute local path (a git repository or a plain directory). */
  repo?: string;
  ref?: string;
  /** Absolute path of a plain directory or an SBOM file. */
  path?: string;
  analyzers: AnalyzerEntry[];
  sarif: string[];
  paths: string[];
  exclude: string[];
  skipEcosystems: string[];
  includeTestFixtures: boolean;
  rules: Record<string, unknown>[];
  notify?: NotifyConfig;
}

/** The settings every repository of an organisation gets; src/discover fills in name, repo and ref. */
export type TargetTemplate = Omit<TargetConfig, 'name' | 'key' | 'kind' | 'repo' | 'ref' | 'path'>;

/** `{ "org": … }`: a GitHub organisation whose repositories become targets when listed. */
export interface OrgConfig {
  org: string;
  /** Repository-name globs; empty means every repository. */
  include: string[];
  exclude: string[];
  includeArchived: boolean;
  includeForks: boolean;
  template: TargetTemplate;
}

export interface Config {
  file: string;
  /** Targets named in the file; an organisation's repositories are added by src/discover. */
  targets: TargetConfig[];
  orgs: OrgConfig[];
  osv: { source: 'offline' | 'api' | 'osv-scanner'; apiUrl?: string; dbUrl?: string };
  notify?: NotifyConfig;
  /** Run folders older than this many days are removed after a scan (default 90). */
  housekeeping?: { keepRunsDays: number };
}

export interface LoadResult {
  config?: Config;
  warnings: string[];
  /** Each names the JSON path and what was expected; the file is named by the caller's error. */
  errors: string[];
}

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

const schemaPath = resolve(dirname(fileURLToPath(import.meta.url)), '../../scan-targets.schema.json');
let validator: ReturnType<Ajv['compile']> | undefined;

function validate(): ReturnType<Ajv['compile']> {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    // ajv-formats is CommonJS; its default export is the plugin function.
    const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
    (addFormats as unknown as (ajv: Ajv) => void)(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
  }
  return validator;
}

/** `/targets/0/repo` → `targets[0].repo`, the way users read JSON paths. */
export function jsonPath(pointer: string): string {
  if (!pointer) return '(root)';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

/** One ajv error as users read it: the JSON path, then what was expected. */
export function describeSchemaError(error: ErrorObject): string {
  const at = jsonPath(error.instancePath);
  switch (error.keyword) {
    case 'additionalProperties':
      return `${at}: unknown key "${(error.params as { additionalProperty: string }).additionalProperty}"`;
    case 'required':
      return `${at}: missing required key "${(error.params as { missingProperty: string }).missingProperty}"`;
    case 'enum':
      return `${at}: expected one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${at}: ${error.message ?? 'invalid'}`;
  }
}

/** Schema errors, most specific first; drops the noise oneOf/not add around the real cause. */
function schemaErrors(errors: ErrorObject[], raw: unknown): string[] {
  const messages: string[] = [];
  for (const error of errors) {
    if (error.keyword === 'oneOf' || error.keyword === 'not' || error.keyword === 'if') continue;
    // A target missing repo/path/sbom shows as three "required" errors of the oneOf branches.
    if (error.keyword === 'required' && /^\/targets\/\d+$/.test(error.instancePath)) continue;
    messages.push(describeSchemaError(error));
  }
  const targets = (raw as RawConfig | undefined)?.targets;
  if (Array.isArray(targets)) {
    targets.forEach((target, index) => {
      if (target && typeof target === 'object' && !('org' in target)) {
        const kinds = ['repo', 'path', 'sbom'].filter((key) => key in target);
        if (kinds.length !== 1) {
          messages.push(`targets[${index}]: expected exactly one of "repo", "path" or "sbom"${kinds.length ? ` (found ${kinds.join(', ')})` : ''}`);
        }
      }
    });
  }
  return [...new Set(messages)];
}

/** Git URLs Sieve will clone: no `ext::` transports and nothing git could read as an option. */
export function checkRepoUrl(repo: string): string | undefined {
  if (repo.startsWith('-')) return `"${repo}" looks like a command-line option, not a repository`;
  if (/^[a-z][a-z0-9+.-]*::/i.test(repo)) return `"${repo}" uses a git remote helper (such as ext::), which can run commands`;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(repo)?.[1]?.toLowerCase();
  if (scheme && !['https', 'http', 'ssh', 'git', 'file'].includes(scheme)) return `"${repo}" uses an unsupported scheme "${scheme}"`;
  return undefined;
}

/** A URL git fetches over the network, as opposed to a local path. */
export function isRemoteUrl(repo: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[\w.-]+@[\w.-]+:/.test(repo);
}

/**
 * Why a path glob (`exclude`, `paths`, `sarif`) cannot work, or undefined. picomatch accepts
 * nearly anything and quietly makes an unbalanced `[`, `(` or `{` literal, or a glob that matches
 * nothing: an exclude that silently excludes nothing would read what the user meant to skip.
 */
export function globProblem(glob: string): string | undefined {
  if (glob.trim() === '') return 'an empty glob';
  let re: RegExp;
  try {
    re = picomatch.makeRe(glob, { dot: true, strictBrackets: true });
  } catch (error) {
    return `"${glob}" is not a valid glob: ${errorMessage(error)}`;
  }
  if (re.source === '$^') return `"${glob}" is not a valid glob: it can match no path`;
  return undefined;
}

function checkGlobs(globs: readonly string[] | undefined, at: string, errors: string[]): void {
  (globs ?? []).forEach((glob, index) => {
    const problem = globProblem(glob);
    if (problem) errors.push(`${at}[${index}]: ${problem}`);
  });
}

function normalize(raw: RawConfig, file: string, errors: string[], warnings: string[]): Config {
  const base = dirname(file);
  const defaults = raw.defaults ?? {};
  for (const key of ['exclude', 'paths', 'sarif'] as const) checkGlobs(defaults[key], `defaults.${key}`, errors);
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
  const seen = new Map<string, number>();
  const orgs: OrgConfig[] = [];
  const targets: TargetConfig[] = [];
  raw.targets.forEach((entry, index) => {
    if (isOrg(entry)) {
      const twice = orgs.findIndex((org) => org.org.toLowerCase() === entry.org.toLowerCase());
      if (twice >= 0) errors.push(`targets[${index}].org: "${entry.org}" is listed twice`);
      for (const key of ['include', 'exclude', 'paths', 'sarif'] as const) checkGlobs(entry[key], `targets[${index}].${key}`, errors);
      orgs.push(normalizeOrg(entry, defaults, index, errors));
      return;
    }
    targets.push(normalizeTarget(entry, index));
  });
  return { file, targets, orgs, osv: { source: raw.osv?.source ?? 'offline', apiUrl: raw.osv?.apiUrl, dbUrl: raw.osv?.dbUrl }, notify: raw.notify, housekeeping: { keepRunsDays: raw.housekeeping?.keepRunsDays ?? DEFAULT_KEEP_RUNS_DAYS } };

  function normalizeTarget(target: RawTarget, index: number): TargetConfig {
    const key = target.id ?? target.name;
    const previous = seen.get(key);
    if (previous !== undefined) errors.push(`targets[${index}].name: "${key}" is already used by targets[${previous}]`);
    seen.set(key, index);
    let kind: TargetKind = 'repo';
    let repo: string | undefined;
    let path: string | undefined;
    if (target.repo !== undefined) {
      const problem = checkRepoUrl(target.repo);
      if (problem) errors.push(`targets[${index}].repo: ${problem}`);
      repo = isRemoteUrl(target.repo) ? target.repo : absolute(target.repo);
    } else if (target.path !== undefined) {
      kind = 'directory';
      path = absolute(target.path);
    } else if (target.sbom !== undefined) {
      kind = 'sbom';
      path = absolute(target.sbom);
    }
    for (const key of ['exclude', 'paths', 'sarif'] as const) checkGlobs(target[key], `targets[${index}].${key}`, errors);
    const analyzers = target.analyzers ?? defaults.analyzers ?? [];
    analyzers.forEach((entry, position) => {
      try {
        resolveAnalyzer(entry);
      } catch (error) {
        errors.push(`targets[${index}].analyzers[${position}]: ${errorMessage(error)}`);
      }
    });
    if (target.ref !== undefined && kind !== 'repo') warnings.push(`targets[${index}].ref: ignored for a target without "repo"`);
    if (target.ref?.startsWith('-')) errors.push(`targets[${index}].ref: "${target.ref}" looks like a command-line option`);
    return {
      name: target.name,
      key,
      kind,
      repo,
      ref: target.ref,
      path,
      analyzers,
      sarif: [...(defaults.sarif ?? []), ...(target.sarif ?? [])],
      paths: target.paths ?? defaults.paths ?? [],
      exclude: [...(defaults.exclude ?? []), ...(target.exclude ?? [])],
      skipEcosystems: target.skipEcosystems ?? defaults.skipEcosystems ?? [],
      includeTestFixtures: target.includeTestFixtures ?? defaults.includeTestFixtures ?? false,
      rules: [...(defaults.rules ?? []), ...(target.rules ?? [])],
      notify: target.notify ?? defaults.notify,
    };
  }
}

function normalizeOrg(entry: RawOrg, defaults: Settings, index: number, errors: string[]): OrgConfig {
  const analyzers = entry.analyzers ?? defaults.analyzers ?? [];
  analyzers.forEach((analyzer, position) => {
    try {
      resolveAnalyzer(analyzer);
    } catch (error) {
      errors.push(`targets[${index}].analyzers[${position}]: ${errorMessage(error)}`);
    }
  });
  return {
    org: entry.org,
    include: entry.include ?? [],
    exclude: entry.exclude ?? [],
    includeArchived: entry.includeArchived ?? false,
    includeForks: entry.includeForks ?? false,
    template: {
      analyzers,
      sarif: [...(defaults.sarif ?? []), ...(entry.sarif ?? [])],
      paths: entry.paths ?? defaults.paths ?? [],
      // In an org entry `exclude` names repositories; paths are excluded through defaults.
      exclude: [...(defaults.exclude ?? [])],
      skipEcosystems: entry.skipEcosystems ?? defaults.skipEcosystems ?? [],
      includeTestFixtures: entry.includeTestFixtures ?? defaults.includeTestFixtures ?? false,
      rules: [...(defaults.rules ?? []), ...(entry.rules ?? [])],
      notify: entry.notify ?? defaults.notify,
    },
  };
}

export const DEFAULT_KEEP_RUNS_DAYS = 90;

/** Reads and checks a scan-targets file. Never throws: problems come back as errors. */
export function loadConfig(file: string): LoadResult {
  const warnings: string[] = [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { warnings, errors: [`cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`] };
  }
  if (text.length > MAX_CONFIG_BYTES) return { warnings, errors: [`(root): the file is over ${MAX_CONFIG_BYTES} bytes`] };
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { warnings, errors: [`(root): not valid JSON: ${(error as Error).message}`] };
  }
  const check = validate();
  if (!check(raw)) return { warnings, errors: schemaErrors(check.errors ?? [], raw) };
  const errors: string[] = [];
  const config = normalize(raw as RawConfig, resolve(file), errors, warnings);
  return errors.length ? { warnings, errors } : { config, warnings, errors };
}
