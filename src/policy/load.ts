/**
 * Reads the rules/ folder (YAML or JSON files) and the targets' own rules into one PolicyEngine.
 * Every problem names its file, JSON path and line; any problem fails the whole load, so a bad
 * rule never lets a scan run with half a policy.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, SieveError, errorMessage } from '../model/errors.js';
import { PolicyEngine } from './evaluate.js';
import { compileRule, conflictIssues, pathText, validateRule, validateRulesDocument, type CompiledRule, type RawRule, type RuleIssue } from './rules.js';

/**
 * Rules are written by hand (about 300 bytes a rule, so some 200 a file; rules/ holds any number
 * of files). The YAML document parser that gives every issue its line costs 10-20 µs a character
 * on hostile text, so this bound keeps one file near a second at worst.
 */
export const MAX_RULES_FILE_BYTES = 64 * 1024;
/** YAML aliases a rules file may expand: rules have no use for more, and a billion laughs needs many. */
const MAX_RULES_ALIAS_COUNT = 100;
const RULE_FILE = /\.(ya?ml|json)$/i;

/** A target's rules as the config loader hands them over. */
export interface TargetRules {
  name: string;
  key: string;
  rules: Record<string, unknown>[];
}

export interface LoadPolicyInput {
  /** The rules folder, when there is one. */
  rulesDir?: string;
  /** scan-targets.json, for locating per-target rules. */
  configFile?: string;
  targets?: TargetRules[];
  now: () => Date;
}

interface ParsedFile {
  document: unknown;
  /** Line (1-based) of the node at a JSON path, or of its nearest parent that exists. */
  lineOf(at: Array<string | number>): number | undefined;
}

/** Parses YAML or JSON text and keeps the positions of its nodes, for errors with lines. */
export function parseRulesText(text: string, file: string): ParsedFile {
  const lineCounter = new LineCounter();
  // prettyErrors would copy the offending line into every error: quadratic on one long bad line.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems = doc.errors;
  if (problems.length) {
    const first = problems[0]!;
    const line = lineCounter.linePos(first.pos[0]).line;
    throw new ConfigError(file, [`${line ? `line ${line}: ` : ''}not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`]);
  }
  let document: unknown;
  if (/\.json$/i.test(file)) {
    try {
      document = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (error) {
      throw new ConfigError(file, [`not valid JSON: ${(error as Error).message}`]);
    }
  } else {
    try {
      document = doc.toJS({ maxAliasCount: MAX_RULES_ALIAS_COUNT });
    } catch (error) {
      // An alias bomb (or any document the YAML library refuses to build) is a bad rules file.
      throw new ConfigError(file, [`not valid YAML: ${errorMessage(error).split('\n')[0]} (aliases may expand at most ${MAX_RULES_ALIAS_COUNT} times)`]);
    }
  }
  return {
    document,
    lineOf(at) {
      for (let length = at.length; length >= 0; length -= 1) {
        const node = doc.getIn(at.slice(0, length), true) as { range?: [number, number, number] } | undefined;
        if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}

function describeIssue(issue: RuleIssue, lineOf?: (at: Array<string | number>) => number | undefined, pathPrefix = ''): string {
  const line = lineOf?.(issue.at);
  const where = `${pathPrefix}${pathText(issue.at)}` || '(root)';
  return `${where}${line ? ` (line ${line})` : ''}: ${issue.message}`;
}

/** The files of a rules folder, in the order they apply (by name). */
export function ruleFiles(rulesDir: string): string[] {
  return readdirSync(rulesDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && RULE_FILE.test(entry.name))
    .map((entry) => join(rulesDir, entry.name))
    .sort();
}

/** Loads one rules file: checked and compiled, or a ConfigError naming the file. */
export function loadRulesFile(file: string, firstOrder: number): CompiledRule[] {
  try {
    return loadRulesFileUnguarded(file, firstOrder);
  } catch (error) {
    if (error instanceof SieveError) throw error;
    // Whatever else goes wrong (unreadable file, a library's own error) still names the file.
    throw new ConfigError(file, [`(root): cannot read the rules: ${errorMessage(error).split('\n')[0]}`]);
  }
}

function loadRulesFileUnguarded(file: string, firstOrder: number): CompiledRule[] {
  const size = statSync(file).size;
  if (size > MAX_RULES_FILE_BYTES) throw new ConfigError(file, [`(root): the file is ${size} bytes, over the ${MAX_RULES_FILE_BYTES}-byte limit`]);
  const parsed = parseRulesText(readFileSync(file, 'utf8'), file);
  const issues = validateRulesDocument(parsed.document);
  if (issues.length) throw new ConfigError(file, issues.map((issue) => describeIssue(issue, parsed.lineOf)));
  const rules = (parsed.document as { rules: RawRule[] }).rules;
  return rules.map((rule, index) => compileRule(rule, { file, path: `rules[${index}]`, line: parsed.lineOf(['rules', index]) }, firstOrder + index));
}

/** Where a target's n-th merged rule was written: in `defaults.rules` or the target's own `rules`. */
function targetRuleLocations(configFile: string | undefined): { defaults: number; lineOf?: ParsedFile['lineOf'] } {
  if (!configFile) return { defaults: 0 };
  try {
    const parsed = parseRulesText(readFileSync(configFile, 'utf8'), configFile);
    const defaults = (parsed.document as { defaults?: { rules?: unknown[] } })?.defaults?.rules;
    return { defaults: Array.isArray(defaults) ? defaults.length : 0, lineOf: parsed.lineOf };
  } catch {
    return { defaults: 0 };
  }
}

/** Loads rules/ and every target's rules; throws ConfigError before anything is scanned. */
export function loadPolicyRules(input: LoadPolicyInput): PolicyEngine {
  const compiled: CompiledRule[] = [];
  const problems: Array<{ file: string; issues: string[] }> = [];
  if (input.rulesDir) {
    for (const file of ruleFiles(input.rulesDir)) {
      try {
        compiled.push(...loadRulesFile(file, compiled.length));
      } catch (error) {
        if (error instanceof ConfigError) problems.push({ file: error.file, issues: error.issues });
        else throw error;
      }
    }
    // Ids are names in reports: one id, one rule, across every file.
    const seen = new Map<string, CompiledRule>();
    for (const rule of compiled) {
      if (!rule.key.startsWith('rule-') || rule.label !== `${rule.origin.file} ${rule.origin.path}`) {
        const previous = seen.get(rule.key);
        if (previous && previous.origin.file !== rule.origin.file) {
          problems.push({ file: rule.origin.file, issues: [`${rule.origin.path}.id${rule.origin.line ? ` (line ${rule.origin.line})` : ''}: id "${rule.key}" is already used in ${previous.origin.file} ${previous.origin.path}`] });
        } else if (!previous) seen.set(rule.key, rule);
      }
    }
  }

  const configFile = input.configFile ?? '(scan targets)';
  // Lines of the config's own rules: only worth a second parse of the config when it has any.
  const locations = (input.targets ?? []).some((target) => target.rules.length > 0) ? targetRuleLocations(input.configFile) : { defaults: 0 };
  const configIssues: string[] = [];
  (input.targets ?? []).forEach((target, targetIndex) => {
    const located = target.rules.map((rule, index) => {
      const at: Array<string | number> = index < locations.defaults ? ['defaults', 'rules', index] : ['targets', targetIndex, 'rules', index - locations.defaults];
      return { rule, at };
    });
    const issues: RuleIssue[] = [];
    for (const { rule, at } of located) issues.push(...validateRule(rule, at));
    if (issues.length === 0) issues.push(...conflictIssues(located.map(({ rule, at }) => ({ rule: rule as unknown as RawRule, at }))));
    configIssues.push(...issues.map((issue) => describeIssue(issue, locations.lineOf)));
    if (issues.length) return;
    located.forEach(({ rule, at }, index) => {
      compiled.push(compileRule(rule as unknown as RawRule, { file: configFile, path: `${pathText(at)} (target ${target.name})`, line: locations.lineOf?.(at) }, compiled.length + index, target.key));
    });
  });
  if (configIssues.length) problems.push({ file: configFile, issues: [...new Set(configIssues)] });

  if (problems.length) {
    const [first, ...others] = problems;
    throw new ConfigError(first!.file, [...first!.issues, ...others.flatMap((problem) => problem.issues.map((issue) => `${problem.file}: ${issue}`))]);
  }
  compiled.forEach((rule, order) => (rule.order = order));
  return new PolicyEngine(compiled, input.now);
}
