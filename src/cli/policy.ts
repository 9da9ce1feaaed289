import type { Config } from '../config/load.js';
import type { PolicySet } from '../pipeline/policy-step.js';
import type { CommandContext } from './context.js';

/** Loads rules/ and the targets' own rules into the policy the scan applies. */
export function loadPolicy(_rulesDir: string | undefined, _config: Config, _context: CommandContext): PolicySet | undefined {
  return undefined;
}
