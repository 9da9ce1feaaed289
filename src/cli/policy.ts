import type { TargetConfig } from '../config/load.js';
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
