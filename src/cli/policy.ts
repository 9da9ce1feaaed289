import type { Config } from '../config/load.js';
import type { PolicySet } from '../pipeline/policy-step.js';
import { loadPolicyRules } from '../policy/load.js';
import type { CommandContext } from './context.js';

/**
 * Loads rules/ and the targets' own rules into the policy the scan applies. A bad rule throws
 * ConfigError (exit 2) before anything is scanned. Always returns a policy, so summary.json
 * always says which rules were in force.
 */
export function loadPolicy(rulesDir: string | undefined, config: Config, context: CommandContext): PolicySet | undefined {
  const engine = loadPolicyRules({
    rulesDir,
    configFile: config.file,
    targets: config.targets.map((target) => ({ name: target.name, key: target.key, rules: target.rules })),
    now: context.now,
  });
  context.logger.debug('policy loaded', { rules: engine.rules.length, rulesDir });
  return engine;
}
