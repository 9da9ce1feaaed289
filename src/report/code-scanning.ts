/**
 * SARIF 2.1.0 for GitHub code scanning: every open finding of one target (code scanning closes the
 * alerts whose results are missing from an upload), one run per tool, each with a stable category.
 */
import type { Log, ReportingDescriptor, Result, Run } from 'sarif';
import { IN_SOURCE_RULE } from '../model/judgement.js';
import type { StoredFinding } from '../model/records.js';
import { severityRank } from '../model/types.js';
import { escapeMarkdown as md, safeHttpUrl } from './escape.js';
import { compareBySeverity, compareText, securitySeverity } from './severity.js';

/**
 * Code scanning's documented limits ("SARIF results exceed limit"): at most 20 runs per file and
 * 25,000 results per run; of a run's results only the top 5,000 by severity are kept. We cut
 * ourselves, by severity, so the cut is deterministic and reported rather than silent. The 25,000
 * cap is also applied to the whole upload, as the upload endpoint documents it for one file.
 */
export const CODE_SCANNING_LIMITS = {
  runsPerFile: 20,
  resultsPerRunStored: 5_000,
  resultsPerRun: 25_000,
  resultsPerUpload: 25_000,
  rulesPerRun: 25_000,
  /** 20 tags per rule are accepted, only 10 shown. */
  tagsPerRule: 10,
} as const;

export const OSV_DRIVER_NAME = 'Sieve (OSV)';

export interface CodeScanningInput {
  target: string;
  commit?: string;
  /** The repository's URL, recorded as version-control provenance when it is an http(s) URL. */
  repoUri?: string;
  /** Open findings of the target (others are ignored). */
  findings: StoredFinding[];
  /** Tool name → version, for the run drivers. `osv` names the OSV data or matcher version. */
  tools: Record<string, string | undefined>;
  /** Categories uploaded before that now have no run (tool removed, lockfile deleted). */
  retiredCategories: string[];
  /** Default: code scanning's stored-results limit, 5,000. */
  maxResultsPerRun?: number;
}

export interface CodeScanningOutput {
  log: Log;
  cut: Array<{ category: string; dropped: number }>;
}

interface RunGroup {
  category: string;
  tool: string;
  dependency: boolean;
  findings: StoredFinding[];
}

/** Category for a code tool's run: stable across versions and checkouts. */
export function codeCategory(tool: string): string {
  return `sieve/${categorySegment(tool)}/`;
}

/** Category for one lockfile's dependency findings, so deleting the lockfile closes its alerts. */
export function dependencyCategory(lockfilePath: string): string {
  return `sieve/osv/${normalizePath(lockfilePath)}/`;
}

export function codeScanningSarif(input: CodeScanningInput): CodeScanningOutput {
  const perRun = Math.max(
    0,
    Math.min(Math.floor(input.maxResultsPerRun ?? CODE_SCANNING_LIMITS.resultsPerRunStored), CODE_SCANNING_LIMITS.resultsPerRun),
  );
  const groups = groupFindings(input.findings.filter((finding) => finding.state === 'open'));
  const cutCounts = new Map<string, number>();
  const addCut = (category: string, dropped: number): void => {
    if (dropped > 0) cutCounts.set(category, (cutCounts.get(category) ?? 0) + dropped);
  };

  // Per run: keep the most severe.
  for (const group of groups) {
    group.findings.sort(compareBySeverity);
    if (group.findings.length > perRun) {
      addCut(group.category, group.findings.length - perRun);
      group.findings = group.findings.slice(0, perRun);
    }
  }

  // Retired categories get an empty run so their alerts close; a category that is live again wins.
  const live = new Set(groups.map((group) => group.category));
  const retired = [...new Set(input.retiredCategories)].filter((category) => !live.has(category)).sort(compareText);

  // Runs per file: keep the runs with the most severe content; empty retired runs go last.
  groups.sort(
    (a, b) =>
      topRank(b) - topRank(a) || b.findings.length - a.findings.length || compareText(a.category, b.category),
  );
  const keptGroups = groups.slice(0, CODE_SCANNING_LIMITS.runsPerFile);
  for (const dropped of groups.slice(CODE_SCANNING_LIMITS.runsPerFile)) addCut(dropped.category, dropped.findings.length);
  const keptRetired = retired.slice(0, Math.max(0, CODE_SCANNING_LIMITS.runsPerFile - keptGroups.length));
  for (const category of retired.slice(keptRetired.length)) cutCounts.set(category, cutCounts.get(category) ?? 0);

  // Per upload: the least severe results across all runs go first.
  const all = keptGroups.flatMap((group) => group.findings.map((finding) => ({ group, finding })));
  if (all.length > CODE_SCANNING_LIMITS.resultsPerUpload) {
    all.sort((a, b) => compareBySeverity(a.finding, b.finding) || compareText(a.group.category, b.group.category));
    const keep = new Set(all.slice(0, CODE_SCANNING_LIMITS.resultsPerUpload).map((entry) => entry.finding));
    for (const group of keptGroups) {
      const before = group.findings.length;
      group.findings = group.findings.filter((finding) => keep.has(finding));
      addCut(group.category, before - group.findings.length);
    }
  }

  const provenance = versionControl(input.repoUri, input.commit);
  const runs: Run[] = [];
  for (const group of [...keptGroups].sort((a, b) => compareText(a.category, b.category))) {
    runs.push(group.dependency ? dependencyRun(group, input.tools, provenance) : codeRun(group, input.tools, provenance));
  }
  for (const category of keptRetired) runs.push(retiredRun(category, input.tools));

  const cut = [...cutCounts.entries()]
    .map(([category, dropped]) => ({ category, dropped }))
    .sort((a, b) => compareText(a.category, b.category));
  return {
    log: {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs,
    },
    cut,
  };
}

function topRank(group: RunGroup): number {
  const first = group.findings[0];
  return first ? severityRank(first.severity) : -1;
}

function groupFindings(findings: StoredFinding[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const finding of findings) {
    const dependency = finding.kind === 'dependency';
    const tool = dependency ? 'osv' : finding.rule?.tool || finding.source || 'unknown';
    const category = dependency ? dependencyCategory(finding.location.path) : codeCategory(tool);
    let group = groups.get(category);
    if (!group) {
      group = { category, tool, dependency, findings: [] };
      groups.set(category, group);
    }
    group.findings.push(finding);
  }
  return [...groups.values()];
}

function codeRun(group: RunGroup, tools: Record<string, string | undefined>, provenance: Run['versionControlProvenance']): Run {
  const rules = new Map<string, ReportingDescriptor>();
  const ruleIndexes = new Map<string, number>();
  const results: Result[] = [];
  for (const finding of sortForOutput(group.findings)) {
    const ruleId = finding.rule?.id || finding.title || 'sieve-finding';
    let rule = rules.get(ruleId);
    if (!rule) {
      const description = finding.rule?.description || finding.rule?.name || finding.title || ruleId;
      rule = {
        id: ruleId,
        ...(finding.rule?.name ? { name: finding.rule.name } : {}),
        shortDescription: { text: oneLine(description, 1024) },
        fullDescription: { text: oneLine(description, 4096) },
        ...(safeHelpUri(finding.rule?.helpUri) ? { helpUri: safeHelpUri(finding.rule?.helpUri) } : {}),
        help: { text: oneLine(description, 4096), markdown: oneLine(description, 4096) },
        properties: { tags: tagsFor(finding.cwes, false) },
      };
      ruleIndexes.set(ruleId, rules.size);
      rules.set(ruleId, rule);
    }
    raiseRuleSeverity(rule, finding);
    results.push(resultFor(finding, ruleId, ruleIndexes.get(ruleId) ?? 0));
  }
  const version = tools[group.tool];
  return {
    tool: {
      driver: {
        name: group.tool,
        ...(version ? { version } : {}),
        rules: [...rules.values()],
      },
    },
    automationDetails: { id: group.category },
    ...(provenance ? { versionControlProvenance: provenance } : {}),
    originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The root of the scanned repository.' } } },
    columnKind: 'utf16CodeUnits',
    results,
  };
}

function dependencyRun(group: RunGroup, tools: Record<string, string | undefined>, provenance: Run['versionControlProvenance']): Run {
  const byRule = new Map<string, StoredFinding[]>();
  const ordered = sortForOutput(group.findings);
  for (const finding of ordered) {
    const id = finding.vulnerability?.id || finding.title;
    byRule.set(id, [...(byRule.get(id) ?? []), finding]);
  }
  const ruleIds = [...byRule.keys()];
  const ruleIndexes = new Map(ruleIds.map((id, index) => [id, index]));
  const rules: ReportingDescriptor[] = ruleIds.map((id) => {
    const findings = byRule.get(id) ?? [];
    const rule = dependencyRule(id, findings);
    for (const finding of findings) raiseRuleSeverity(rule, finding);
    return rule;
  });
  const results = ordered.map((finding) => {
    const id = finding.vulnerability?.id || finding.title;
    return resultFor(finding, id, ruleIndexes.get(id) ?? 0);
  });
  const version = tools.osv;
  return {
    tool: {
      driver: {
        name: OSV_DRIVER_NAME,
        ...(version ? { version } : {}),
        informationUri: 'https://osv.dev/',
        rules,
      },
    },
    automationDetails: { id: group.category },
    ...(provenance ? { versionControlProvenance: provenance } : {}),
    originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The root of the scanned repository.' } } },
    columnKind: 'utf16CodeUnits',
    results,
  };
}

function dependencyRule(id: string, findings: StoredFinding[]): ReportingDescriptor {
  const first = findings[0];
  const vuln = first?.vulnerability;
  const packages = [...new Set(findings.map((finding) => packageLabel(finding)))].sort(compareText);
  const summary = vuln?.summary || first?.title || id;
  const aliases = [...new Set(vuln?.aliases ?? [])].filter((alias) => alias !== id).sort(compareText);
  const ranges = vuln?.affectedRanges ?? [];
  const fixed = [...new Set(findings.flatMap((finding) => finding.vulnerability?.fixedVersions ?? []))];
  const references = (vuln?.references ?? []).map((ref) => safeHelpUri(ref)).filter((ref): ref is string => Boolean(ref));
  const fixedText = fixed.length ? fixed.join(', ') : 'no fixed version known';

  const text = [
    `${id}: ${oneLine(summary, 512)}`,
    `Package: ${packages.join(', ')}`,
    `Affected: ${ranges.length ? ranges.join('; ') : 'see the advisory'}`,
    `Fixed in: ${fixedText}`,
    ...(aliases.length ? [`Aliases: ${aliases.join(', ')}`] : []),
    ...(references.length ? ['References:', ...references.slice(0, 20).map((ref) => `- ${ref}`)] : []),
  ].join('\n');
  const markdown = [
    `**${md(id)}**: ${md(oneLine(summary, 512))}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Package | ${packages.map(md).join(', ')} |`,
    `| Affected | ${ranges.length ? ranges.map(md).join('; ') : 'see the advisory'} |`,
    `| Fixed in | ${md(fixedText)} |`,
    ...(aliases.length ? [`| Aliases | ${aliases.map(md).join(', ')} |`] : []),
    ...(references.length ? ['', '**References**', '', ...references.slice(0, 20).map((ref) => `- <${ref}>`)] : []),
  ].join('\n');

  return {
    id,
    name: ruleName(id),
    shortDescription: { text: oneLine(`${id}: ${summary}`, 1024) },
    fullDescription: { text: oneLine(vuln?.details || summary, 4096) },
    ...(references[0] ? { helpUri: references[0] } : {}),
    help: { text, markdown },
    properties: { tags: tagsFor(findings.flatMap((finding) => finding.cwes), true) },
  };
}

function retiredRun(category: string, tools: Record<string, string | undefined>): Run {
  const dependency = category.startsWith('sieve/osv/');
  const name = dependency ? OSV_DRIVER_NAME : category.replace(/^sieve\//, '').replace(/\/.*$/, '') || 'sieve';
  const version = dependency ? tools.osv : tools[name];
  return {
    tool: { driver: { name, ...(version ? { version } : {}), rules: [] } },
    automationDetails: { id: category },
    results: [],
  };
}

function resultFor(finding: StoredFinding, ruleId: string, ruleIndex: number): Result {
  const score = securitySeverity(finding);
  const partialFingerprints: Record<string, string> = {};
  if (finding.kind === 'code') {
    for (const [key, value] of Object.entries(finding.fingerprints ?? {})) {
      if (typeof value === 'string' && value) partialFingerprints[key] = value;
    }
  }
  partialFingerprints['sieve/v1'] = finding.id;

  const region: NonNullable<NonNullable<Result['locations']>[number]['physicalLocation']>['region'] = {};
  const start = positive(finding.location.startLine);
  if (start) {
    region.startLine = start;
    const end = positive(finding.location.endLine);
    if (end && end >= start) region.endLine = end;
    const startColumn = positive(finding.location.startColumn);
    if (startColumn) region.startColumn = startColumn;
    const endColumn = positive(finding.location.endColumn);
    if (endColumn && (region.endLine !== undefined && region.endLine > start ? true : !startColumn || endColumn > startColumn)) {
      region.endColumn = endColumn;
    }
  }
  // The store's judgement: an ignore rule, triage in force, or the code's own suppression.
  const suppressed = finding.suppression !== undefined;
  const result: Result = {
    ruleId,
    ruleIndex,
    level: levelFor(finding),
    message: { text: messageFor(finding) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodePath(finding.location.path), uriBaseId: '%SRCROOT%' },
          ...(start ? { region } : {}),
        },
      },
    ],
    partialFingerprints,
    baselineState: finding.lastTransition === 'unchanged' ? 'unchanged' : 'new',
    properties: {
      ...(score !== undefined ? { 'security-severity': score.toFixed(1) } : {}),
      'sieve/id': finding.id,
      'sieve/severity': finding.severity,
      'sieve/firstSeen': finding.firstSeen,
    },
  };
  if (suppressed) {
    result.suppressions = [
      {
        kind: finding.suppression?.rule === IN_SOURCE_RULE ? 'inSource' : 'external',
        status: 'accepted',
        justification: oneLine(finding.suppression?.reason || 'suppressed', 1024),
      },
    ];
  }
  return result;
}

function messageFor(finding: StoredFinding): string {
  if (finding.kind === 'dependency') {
    const vuln = finding.vulnerability;
    const fixed = vuln?.fixedVersions.length ? ` Fixed in ${vuln.fixedVersions.join(', ')}.` : ' No fixed version is known.';
    // A declared range's finding says what to raise the floor to (the store's message).
    const advice = finding.package?.declaredRange && finding.message ? ` ${finding.message[0]!.toUpperCase()}${finding.message.slice(1)}.` : fixed;
    const notice = vuln?.informational ? ` (${vuln.informational}, not a vulnerability)` : '';
    return oneLine(`${packageLabel(finding)} is affected by ${vuln?.id ?? finding.title}${notice}: ${vuln?.summary || finding.title}.${advice}`, 4096);
  }
  return oneLine(finding.message || finding.title, 4096);
}

/** code scanning takes the rule's security-severity for the alert: the highest of its results. */
function raiseRuleSeverity(rule: ReportingDescriptor, finding: StoredFinding): void {
  const level = levelFor(finding);
  const currentLevel = rule.defaultConfiguration?.level;
  if (!currentLevel || (LEVEL_RANK[level] ?? 0) > (LEVEL_RANK[currentLevel] ?? 0)) rule.defaultConfiguration = { level };
  const score = securitySeverity(finding);
  if (score === undefined) return;
  const properties = (rule.properties ??= {});
  const current = Number(properties['security-severity'] ?? -1);
  if (score > current) properties['security-severity'] = score.toFixed(1);
}

const LEVEL_RANK: Record<string, number> = { none: 0, note: 1, warning: 2, error: 3 };

function levelFor(finding: StoredFinding): 'error' | 'warning' | 'note' {
  switch (finding.severity) {
    case 'critical':
    case 'high':
      return 'error';
    case 'medium':
    case 'unknown':
      return 'warning';
    default:
      return 'note';
  }
}

function tagsFor(cwes: string[], dependency: boolean): string[] {
  const tags = ['security', ...(dependency ? ['dependency'] : [])];
  const cweTags = [...new Set(cwes.map(cweTag).filter((tag): tag is string => Boolean(tag)))].sort(compareText);
  return [...tags, ...cweTags].slice(0, CODE_SCANNING_LIMITS.tagsPerRule);
}

/** 'CWE-79', 'cwe-079', '79' → 'external/cwe/cwe-79' (the form code scanning links to CWE). */
export function cweTag(cwe: string): string | undefined {
  const match = /^(?:cwe[-_: ]?)?0*(\d{1,5})$/i.exec(cwe.trim());
  return match ? `external/cwe/cwe-${match[1]}` : undefined;
}

function packageLabel(finding: StoredFinding): string {
  const pkg = finding.package;
  if (!pkg) return finding.title;
  if (pkg.declaredRange) return `${pkg.ecosystem}/${pkg.name}${pkg.declaredRange}`;
  return `${pkg.ecosystem}/${pkg.name}${pkg.version ? `@${pkg.version}` : ''}`;
}

/** Repo-relative, forward slashes, each segment percent-encoded: a valid relative URI reference. */
function encodePath(path: string): string {
  return normalizePath(path)
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function normalizePath(path: string): string {
  const parts = path
    .replace(/\\/g, '/')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.');
  return parts.join('/') || '.';
}

function categorySegment(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'tool';
}

function sortForOutput(findings: StoredFinding[]): StoredFinding[] {
  return [...findings].sort(
    (a, b) =>
      compareText(a.location.path, b.location.path) ||
      (a.location.startLine ?? 0) - (b.location.startLine ?? 0) ||
      compareText(a.id, b.id),
  );
}

function versionControl(repoUri: string | undefined, commit: string | undefined): Run['versionControlProvenance'] {
  const uri = safeHelpUri(repoUri);
  if (!uri) return undefined;
  return [{ repositoryUri: uri, ...(commit ? { revisionId: commit } : {}) }];
}

function safeHelpUri(value: string | undefined): string | undefined {
  return safeHttpUrl(value);
}

function positive(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function oneLine(value: string, max: number): string {
  const text = value.replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text || '(no description)';
}

function ruleName(id: string): string {
  // SARIF rule names are identifiers; advisory ids have dashes and dots.
  return id.replace(/[^A-Za-z0-9]+/g, '_');
}
