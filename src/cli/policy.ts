import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetConfig } from '../config/load.js';
import { UsageError } from '../model/errors.js';
import type { Policy } from '../model/judgement.js';
import { loadPolicyRules } from '../policy/load.js';
import type { CommandContext } from './context.js';

/** Where a policy's rules come from: the rules folder, and the targets' own rules with the file that holds them. */
export interface PolicySources {
  rulesDir?: string;
  /** The file the targets' own rules were read from (scan-targets.json, or the bundles merged). */
  configFile?: string;
  targets?: ReadonlyArray<Pick<TargetConfig, 'name' | 'key' | 'rules'>>;
}

/**
 * Loads rules/ and the targets' own rules into the policy the store applies. A bad rule throws
 * ConfigError (exit 2) before anything is recorded. Always returns a policy, so summary.json
 * always says which rules were in force.
 */
export function loadPolicy(sources: PolicySources, context: CommandContext): Policy {
  const engine = loadPolicyRules({
    rulesDir: sources.rulesDir,
    configFile: sources.configFile,
    targets: (sources.targets ?? []).map((target) => ({ name: target.name, key: target.key, rules: target.rules })),
    now: context.now,
  });
  context.logger.debug('policy loaded', { rules: engine.rules.length, rulesDir: sources.rulesDir });
  return engine;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The rules folder in force. A `--rules` folder that is not there is an error, never "no rules":
 * a typo must not switch every ignore and severity override off. Without `--rules`, `rules/`
 * beside the configuration file (scan-targets.json) is used when it exists, wherever Sieve is
 * started from (cron starts it in the home directory).
 */
export function rulesFolder(option: string | undefined, configDir: string | undefined, context: Pick<CommandContext, 'path'>): string | undefined {
  if (option !== undefined) {
    const dir = context.path(option);
    if (!isFolder(dir)) throw new UsageError(`--rules: ${dir} is not a folder`);
    return dir;
  }
  if (configDir === undefined) return undefined;
  const dir = join(configDir, 'rules');
  return isFolder(dir) ? dir : undefined;
}

/** A digest of the rules folder's files (names and contents): a change makes every target scan again. */
export function rulesDigest(rulesDir: string | undefined): string {
  const hash = createHash('sha256');
  const visit = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && depth < 8) visit(path, depth + 1);
      else if (entry.isFile()) hash.update(`${path}\0`).update(readFileSync(path)).update('\0');
    }
  };
  if (rulesDir) visit(rulesDir, 0);
  return hash.digest('hex').slice(0, 32);
}
