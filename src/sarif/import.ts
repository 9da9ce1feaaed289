/**
 * SARIF 2.1.0 → code findings. Pure: the text comes in, findings go out; the one window to the
 * file system is the caller's optional `readFile`, used to compute line hashes.
 *
 * A result that cannot be placed inside the checkout (no location, a path that climbs out of it,
 * another URI scheme) is dropped and recorded in `errors`: one bad result never sinks the log.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ParseError, errorMessage } from '../model/errors.js';
import type { CodeLocation, Finding, RuleRef, Severity } from '../model/types.js';
import { primaryLocationLineHashes } from './line-hash.js';
import {
  validateSarifSubset,
  type SarifArtifactLocation,
  type SarifDescriptorReference,
  type SarifLevel,
  type SarifLog,
  type SarifMessage,
  type SarifReportingDescriptor,
  type SarifResult,
  type SarifRun,
  type SarifToolComponent,
} from './schema.js';

export interface SarifImportOptions {
  /** Names the log in errors (a file path or "eslint output"). */
  sourceName: string;
  /** Absolute path of the checkout; absolute `file://` URIs are made relative to it. */
  checkoutDir?: string;
  /** Reads a repo-relative file for line hashing; undefined when it cannot. */
  readFile?: (repoRelativePath: string) => string | undefined;
  /** Refused before parsing when larger; default 50 MiB. */
  maxBytes?: number;
}

export interface SarifImport {
  findings: Finding[];
  /** One entry per distinct tool (driver name lowercased, as in Finding.source) and version. */
  tools: Array<{ name: string; version?: string }>;
  /** Results that were dropped and why, each naming the log (`evil.sarif: …`); the rest of the log was still imported. */
  errors: string[];
}

export const DEFAULT_MAX_SARIF_BYTES = 50 * 1024 * 1024;
const MAX_ERRORS = 200;
const MAX_URI_BASE_DEPTH = 16;
const MAX_TITLE_MESSAGE = 200;

/** Parses a SARIF 2.1.0 log; throws ParseError for bad JSON, another version, a wrong shape, or too many bytes. */
export function importSarif(text: string, options: SarifImportOptions): SarifImport {
  const { sourceName } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SARIF_BYTES;
  const size = Buffer.byteLength(text, 'utf8');
  if (size > maxBytes) throw new ParseError(sourceName, `SARIF log of ${size} bytes is over the ${maxBytes}-byte limit`);

  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new ParseError(sourceName, `not valid JSON: ${errorMessage(error)}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ParseError(sourceName, 'not a SARIF log: the top level is not a JSON object');
  }
  const version = (parsed as { version?: unknown }).version;
  if (version !== '2.1.0') {
    throw new ParseError(sourceName, `unsupported SARIF version ${JSON.stringify(version ?? null)}: only 2.1.0 is read`);
  }
  const problems = validateSarifSubset(parsed);
  if (problems.length > 0) throw new ParseError(sourceName, `not a valid SARIF 2.1.0 log: ${problems.join('; ')}`);

  const importer = new Importer(options);
  (parsed as SarifLog).runs.forEach((run, runIndex) => importer.importRun(run, runIndex));
  return importer.finish();
}

class Importer {
  private readonly findings: Finding[] = [];
  private readonly tools = new Map<string, { name: string; version?: string }>();
  private readonly errors: string[] = [];
  private droppedErrors = 0;
  private readonly lineHashCache = new Map<string, { hashes: string[]; lines: string[] } | null>();
  private readonly checkoutDir: string | undefined;

  constructor(private readonly options: SarifImportOptions) {
    this.checkoutDir = options.checkoutDir === undefined ? undefined : toPosixDir(options.checkoutDir);
  }

  finish(): SarifImport {
    if (this.droppedErrors > 0) this.errors.push(`${this.options.sourceName}: ${this.droppedErrors} more errors not shown`);
    return { findings: this.findings, tools: [...this.tools.values()], errors: this.errors };
  }

  private error(message: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(`${this.options.sourceName}: ${message}`);
    else this.droppedErrors += 1;
  }

  importRun(run: SarifRun, runIndex: number): void {
    const driver = run.tool.driver;
    const source = driver.name.toLowerCase();
    const toolVersion = driver.semanticVersion ?? driver.version;
    this.tools.set(`${source}\u0000${toolVersion ?? ''}`, toolVersion === undefined ? { name: source } : { name: source, version: toolVersion });

    (run.results ?? []).forEach((result, resultIndex) => {
      const where = `runs[${runIndex}].results[${resultIndex}]`;
      try {
        const finding = this.importResult(run, result, { source, toolVersion, runIndex, where });
        if (finding) this.findings.push(finding);
      } catch (error) {
        // A defensive net: the schema subset should make this unreachable.
        this.error(`${where}: ${errorMessage(error)}`);
      }
    });
  }

  private importResult(
    run: SarifRun,
    result: SarifResult,
    context: { source: string; toolVersion: string | undefined; runIndex: number; where: string },
  ): Finding | undefined {
    // Only failures are findings: pass, review, open, informational and notApplicable are not.
    if ((result.kind ?? 'fail') !== 'fail') return undefined;

    const { descriptor, component } = findRule(run, result);
    const ruleId = result.ruleId ?? result.rule?.id ?? descriptor?.id ?? 'unknown';
    const message = renderMessage(result.message, descriptor) ?? '';

    const located = this.resolveLocation(run, result);
    if ('error' in located) {
      this.error(`${context.where} (${ruleId}): ${located.error}; result dropped`);
      return undefined;
    }
    const location = located.location;

    const level: SarifLevel = result.level ?? descriptor?.defaultConfiguration?.level ?? 'warning';
    const precision = stringProperty(result.properties, 'precision') ?? stringProperty(descriptor?.properties, 'precision');
    const score =
      securitySeverity(result.properties) ?? securitySeverity(descriptor?.properties);
    const severity = severityFrom(score, level, precision);
    const tags = [...tagsOf(descriptor?.properties), ...tagsOf(result.properties)];
    const cwes = collectCwes(run, result, descriptor, tags);

    const fingerprints: Record<string, string> = { ...(result.partialFingerprints ?? {}) };
    let computed = false;
    if (fingerprints.primaryLocationLineHash === undefined && location.startLine !== undefined) {
      const hash = this.lineHashAt(location.path, location.startLine);
      if (hash !== undefined) {
        fingerprints.primaryLocationLineHash = hash;
        computed = true;
      }
    }

    const lineText = location.startLine !== undefined ? (this.lineTextAt(location.path, location.startLine) ?? snippetText(physicalRegion(result))) : undefined;
    const ownKey = lineText === undefined ? undefined : lineKey(lineText);

    const rule: RuleRef = { id: ruleId, tool: context.source };
    if (context.toolVersion !== undefined) rule.toolVersion = context.toolVersion;
    if (descriptor?.name !== undefined) rule.name = descriptor.name;
    const description = descriptor?.shortDescription?.text ?? descriptor?.fullDescription?.text;
    if (description !== undefined) rule.description = description;
    if (descriptor?.helpUri !== undefined) rule.helpUri = descriptor.helpUri;

    const properties: Record<string, unknown> = { level };
    if (precision !== undefined) properties.precision = precision;
    if (tags.length > 0) properties.tags = [...new Set(tags)];
    if (component !== run.tool.driver && component !== undefined) properties.toolComponent = component.name;
    if (run.automationDetails?.id !== undefined) properties.automationDetailsId = run.automationDetails.id;
    if (result.fingerprints !== undefined) properties.fullFingerprints = result.fingerprints;
    if (computed) properties.computedFingerprints = ['primaryLocationLineHash'];
    const suppression = activeSuppression(result);
    if (suppression) properties.suppression = suppression;

    const finding: Finding = {
      kind: 'code',
      source: context.source,
      severity,
      title: makeTitle(description ?? ruleId, message),
      message,
      location,
      cwes,
      rule,
      suppressedInSource: suppression !== undefined,
      properties,
    };
    if (score !== undefined) finding.score = score;
    if (Object.keys(fingerprints).length > 0) finding.fingerprints = fingerprints;
    if (ownKey !== undefined) finding.lineKey = ownKey;
    return finding;
  }

  private sourceOf(repoPath: string): { hashes: string[]; lines: string[] } | undefined {
    const readFile = this.options.readFile;
    if (!readFile) return undefined;
    let source = this.lineHashCache.get(repoPath);
    if (source === undefined) {
      let text: string | undefined;
      try {
        text = readFile(repoPath);
      } catch {
        text = undefined;
      }
      source = text === undefined ? null : { hashes: primaryLocationLineHashes(text), lines: text.split(/\r\n|\r|\n/) };
      this.lineHashCache.set(repoPath, source);
    }
    return source ?? undefined;
  }

  private lineHashAt(repoPath: string, line: number): string | undefined {
    return this.sourceOf(repoPath)?.hashes[line - 1];
  }

  /** The flagged line's own text, for identity across nearby edits (see lineKey). */
  private lineTextAt(repoPath: string, line: number): string | undefined {
    return this.sourceOf(repoPath)?.lines[line - 1];
  }

  private resolveLocation(run: SarifRun, result: SarifResult): { location: CodeLocation } | { error: string } {
    const physical = result.locations?.[0]?.physicalLocation;
    let artifact = physical?.artifactLocation;
    if (!artifact) return { error: 'no physical location' };
    if (artifact.uri === undefined && artifact.index !== undefined && artifact.index >= 0) {
      const listed = run.artifacts?.[artifact.index]?.location;
      if (!listed) return { error: `artifact index ${artifact.index} is not in run.artifacts` };
      artifact = { ...listed, uriBaseId: artifact.uriBaseId ?? listed.uriBaseId };
    }
    const resolved = this.repoPath(run, artifact);
    if ('error' in resolved) return resolved;

    const location: CodeLocation = { path: resolved.path };
    const region = physical?.region;
    if (region?.startLine !== undefined) location.startLine = region.startLine;
    if (region?.endLine !== undefined) location.endLine = region.endLine;
    if (region?.startColumn !== undefined) location.startColumn = region.startColumn;
    if (region?.endColumn !== undefined) location.endColumn = region.endColumn;
    return { location };
  }

  /**
   * Turns an artifact location into a repo-relative path. Relative parts are joined up the
   * `uriBaseId` chain; an absolute base inside the checkout contributes its sub-path, and an
   * absolute base elsewhere (the CI machine that produced the log) is taken as the source root.
   */
  private repoPath(run: SarifRun, artifact: SarifArtifactLocation): { path: string } | { error: string } {
    const uri = artifact.uri;
    if (uri === undefined || uri === '') return { error: 'location has no URI' };
    if (isAbsoluteUri(uri)) return this.absoluteToRepo(uri);

    let relative = uri;
    let baseId = artifact.uriBaseId;
    let absoluteBase: string | undefined;
    for (let depth = 0; baseId !== undefined; depth++) {
      if (depth >= MAX_URI_BASE_DEPTH) return { error: `uriBaseId chain from "${artifact.uriBaseId}" is too deep or circular` };
      const base: SarifArtifactLocation | undefined = run.originalUriBaseIds?.[baseId];
      // An undefined base (typically %SRCROOT%) means the source root, i.e. the checkout.
      if (base?.uri === undefined) break;
      if (isAbsoluteUri(base.uri)) {
        absoluteBase = base.uri;
        break;
      }
      relative = joinUri(base.uri, relative);
      baseId = base.uriBaseId;
    }

    const decoded = decodeUri(relative);
    if (decoded === undefined) return { error: `URI "${uri}" is not valid percent-encoding` };
    let prefix = '';
    if (absoluteBase !== undefined && this.checkoutDir !== undefined) {
      const basePath = fileUriToPath(absoluteBase);
      if (basePath !== undefined) {
        const inside = insideDir(this.checkoutDir, basePath);
        if (inside !== undefined) prefix = inside;
      }
    }
    return confineRelative(prefix === '' ? decoded : `${prefix}/${decoded}`, uri);
  }

  private absoluteToRepo(uri: string): { path: string } | { error: string } {
    const absolute = fileUriToPath(uri);
    if (absolute === undefined) return { error: `URI "${uri}" is not a local file` };
    if (this.checkoutDir === undefined) return { error: `absolute path "${absolute}" and no checkout directory to resolve it against` };
    const inside = insideDir(this.checkoutDir, absolute);
    if (inside === undefined || inside === '') return { error: `path "${absolute}" is outside the checkout` };
    return { path: inside };
  }
}

function toPosixDir(dir: string): string {
  const normalized = path.posix.normalize(dir.replace(/\\/g, '/'));
  return normalized.length > 1 ? normalized.replace(/\/+$/, '') : normalized;
}

function isAbsoluteUri(uri: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri) || uri.startsWith('/');
}

function joinUri(base: string, relative: string): string {
  return base === '' ? relative : base.endsWith('/') ? base + relative : `${base}/${relative}`;
}

function decodeUri(uri: string): string | undefined {
  try {
    return decodeURIComponent(uri);
  } catch {
    return undefined;
  }
}

/** `file:` URIs and plain absolute paths → an absolute POSIX path; undefined for other schemes. */
function fileUriToPath(uri: string): string | undefined {
  if (uri.startsWith('/')) return decodeUri(uri);
  if (!/^file:/i.test(uri)) return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.hostname !== '' && url.hostname !== 'localhost') return undefined;
  return decodeUri(url.pathname);
}

/** The path of `target` relative to `dir` when it lies inside it ('' for dir itself), else undefined. */
function insideDir(dir: string, target: string): string | undefined {
  const relative = path.posix.relative(dir, path.posix.normalize(target));
  if (relative === '..' || relative.startsWith('../') || path.posix.isAbsolute(relative)) return undefined;
  return relative;
}

function confineRelative(candidate: string, uri: string): { path: string } | { error: string } {
  if (candidate.includes('\u0000')) return { error: `URI "${uri}" contains a NUL character` };
  const normalized = path.posix.normalize(candidate.replace(/\\/g, '/'));
  if (normalized === '..' || normalized.startsWith('../') || path.posix.isAbsolute(normalized)) {
    return { error: `path "${candidate}" leaves the checkout` };
  }
  if (normalized === '.' || normalized === '') return { error: `URI "${uri}" names the checkout itself, not a file` };
  return { path: normalized.replace(/^\.\//, '').replace(/\/$/, '') };
}

/** The rule a result reports, looked up by index or id in the driver or the extension it names. */
function findRule(
  run: SarifRun,
  result: SarifResult,
): { descriptor?: SarifReportingDescriptor; component?: SarifToolComponent } {
  const reference = result.rule;
  const components = [run.tool.driver, ...(run.tool.extensions ?? [])];
  let component: SarifToolComponent | undefined = run.tool.driver;
  const componentRef = reference?.toolComponent;
  if (componentRef?.index !== undefined && componentRef.index >= 0) {
    component = run.tool.extensions?.[componentRef.index];
  } else if (componentRef?.name !== undefined) {
    component = components.find((candidate) => candidate.name === componentRef.name);
  }
  const index = reference?.index ?? result.ruleIndex;
  if (component && index !== undefined && index >= 0) {
    const byIndex = component.rules?.[index];
    if (byIndex) return { descriptor: byIndex, component };
  }
  const id = result.ruleId ?? reference?.id;
  if (id === undefined) return { component };
  const searchOrder = component ? [component, ...components.filter((c) => c !== component)] : components;
  for (const candidate of searchOrder) {
    const found = candidate.rules?.find((rule) => rule.id === id);
    if (found) return { descriptor: found, component: candidate };
  }
  // Hierarchical ids ("rule/subrule") fall back to their first component (SARIF §3.27.5).
  const head = id.split('/')[0];
  for (const candidate of searchOrder) {
    const found = candidate.rules?.find((rule) => rule.id === head);
    if (found) return { descriptor: found, component: candidate };
  }
  return { component };
}

function renderMessage(message: SarifMessage, descriptor: SarifReportingDescriptor | undefined): string | undefined {
  if (message.text !== undefined) return message.text;
  if (message.id !== undefined) {
    const template = descriptor?.messageStrings?.[message.id]?.text;
    if (template !== undefined) {
      const args = message.arguments ?? [];
      return template.replace(/\{(\d+)\}/g, (whole, n: string) => args[Number(n)] ?? whole);
    }
  }
  return message.markdown;
}

function makeTitle(head: string, message: string): string {
  const firstLine = (message.split(/\r?\n/, 1)[0] ?? '').trim();
  if (firstLine === '' || firstLine === head) return head;
  const shortLine = firstLine.length > MAX_TITLE_MESSAGE ? `${firstLine.slice(0, MAX_TITLE_MESSAGE - 1)}…` : firstLine;
  // Some tools (flawfinder) repeat the description inside the message: say it once.
  return firstLine.includes(head) ? shortLine : `${head}: ${shortLine}`;
}

function stringProperty(bag: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = bag?.[key];
  return typeof value === 'string' ? value : undefined;
}

function tagsOf(bag: Record<string, unknown> | undefined): string[] {
  const tags = bag?.tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
}

/** `security-severity` is a string in GitHub's convention, but some tools write a number. */
function securitySeverity(bag: Record<string, unknown> | undefined): number | undefined {
  const raw = bag?.['security-severity'];
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  return Number.isFinite(value) && value >= 0 && value <= 10 ? value : undefined;
}

const LEVEL_SEVERITY: Record<SarifLevel, Severity> = { error: 'high', warning: 'medium', note: 'low', none: 'unknown' };
const ONE_STEP_LOWER: Record<Severity, Severity> = { critical: 'high', high: 'medium', medium: 'low', low: 'low', unknown: 'unknown' };

/** GitHub's security-severity bands when a score is given, else the level, lowered for low precision. */
export function severityFrom(score: number | undefined, level: SarifLevel, precision: string | undefined): Severity {
  if (score !== undefined && score > 0) {
    if (score >= 9) return 'critical';
    if (score >= 7) return 'high';
    if (score >= 4) return 'medium';
    return 'low';
  }
  const fromLevel = LEVEL_SEVERITY[level];
  return precision?.toLowerCase() === 'low' ? ONE_STEP_LOWER[fromLevel] : fromLevel;
}

const CWE_PATTERN = /^(?:external\/cwe\/)?cwe[-_:/ ]?0*(\d{1,6})(?![\d])/i;

/** `external/cwe/cwe-79`, `CWE-79`, `cwe-079`, `CWE-79: Improper ...` → `CWE-79`; else undefined. */
export function normaliseCwe(tag: string): string | undefined {
  const match = CWE_PATTERN.exec(tag.trim());
  return match ? `CWE-${match[1]}` : undefined;
}

function collectCwes(
  run: SarifRun,
  result: SarifResult,
  descriptor: SarifReportingDescriptor | undefined,
  tags: string[],
): string[] {
  const found = new Set<string>();
  for (const tag of tags) {
    const cwe = normaliseCwe(tag);
    if (cwe) found.add(cwe);
  }
  const references = [...(result.taxa ?? []), ...(descriptor?.relationships ?? []).map((relation) => relation.target)];
  for (const reference of references) {
    const cwe = cweFromTaxon(run, reference);
    if (cwe) found.add(cwe);
  }
  return [...found].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
}

/** A reference into a taxonomy named CWE, by id or by index into its taxa. */
function cweFromTaxon(run: SarifRun, reference: SarifDescriptorReference): string | undefined {
  const componentRef = reference.toolComponent;
  let taxonomy: SarifToolComponent | undefined;
  if (componentRef?.index !== undefined && componentRef.index >= 0) taxonomy = run.taxonomies?.[componentRef.index];
  else if (componentRef?.name !== undefined) {
    taxonomy = run.taxonomies?.find((candidate) => candidate.name === componentRef.name) ?? { name: componentRef.name };
  }
  if (!taxonomy || taxonomy.name.toUpperCase() !== 'CWE') return undefined;
  const id =
    reference.id ??
    (reference.index !== undefined && reference.index >= 0 ? taxonomy.taxa?.[reference.index]?.id : undefined);
  if (id === undefined) return undefined;
  return /^\d+$/.test(id) ? `CWE-${Number(id)}` : normaliseCwe(id);
}

/** The suppression that hides a result: one accepted (or of no stated status); rejected and under-review ones do not. */
function activeSuppression(result: SarifResult): { kind: string; status?: string; justification?: string } | undefined {
  const active = (result.suppressions ?? []).find((s) => s.status === undefined || s.status === 'accepted');
  if (!active) return undefined;
  const out: { kind: string; status?: string; justification?: string } = { kind: active.kind };
  if (active.status !== undefined) out.status = active.status;
  if (active.justification !== undefined) out.justification = active.justification;
  return out;
}

function physicalRegion(result: SarifResult): unknown {
  return result.locations?.[0]?.physicalLocation?.region;
}

/** The first line of a region's `snippet.text`, when the log carries one and the file cannot be read. */
function snippetText(region: unknown): string | undefined {
  const snippet = (region as { snippet?: { text?: unknown } } | undefined)?.snippet;
  return typeof snippet?.text === 'string' ? snippet.text.split(/\r\n|\r|\n/)[0] : undefined;
}

/**
 * A hash of a line's own text with every whitespace character removed; undefined for a blank
 * line, which says nothing about which problem it is.
 */
export function lineKey(text: string): string | undefined {
  const compact = text.slice(0, 10_000).replace(/\s+/g, '');
  return compact === '' ? undefined : createHash('sha256').update(compact).digest('hex').slice(0, 16);
}
