/**
 * Which analyzers exist: one preset file each under presets/, registered in this one map.
 */
import { SieveError } from '../model/errors.js';
import { bandit } from './presets/bandit.js';
import { codeql } from './presets/codeql.js';
import { custom } from './presets/custom.js';
import { eslint } from './presets/eslint.js';
import { flawfinder } from './presets/flawfinder.js';
import { gitleaks } from './presets/gitleaks.js';
import { gosec } from './presets/gosec.js';
import { semgrep } from './presets/semgrep.js';
import { trivy } from './presets/trivy.js';
import type { AnalyzerConfig, AnalyzerPreset, ResolvedAnalyzer } from './types.js';

export type { AnalyzerConfig, AnalyzerEntry, AnalyzerRun, ResolvedAnalyzer } from './types.js';
// run.ts imports `presets` from here; this re-export only forwards a binding, so the cycle is safe.
export { runAnalyzer } from './run.js';

export const presets = {
  eslint,
  flawfinder,
  semgrep,
  bandit,
  gosec,
  trivy,
  gitleaks,
  codeql,
  custom,
} as const satisfies Record<string, AnalyzerPreset>;

export type PresetName = keyof typeof presets;
export const PRESET_NAMES = Object.keys(presets) as PresetName[];

export function isPresetName(name: string): name is PresetName {
  return Object.prototype.hasOwnProperty.call(presets, name);
}

/** An analyzer entry that cannot be used; a configuration error (exit 2). */
export class AnalyzerConfigError extends SieveError {
  constructor(message: string) {
    super('SIEVE_CONFIG', message);
    this.name = 'AnalyzerConfigError';
  }
}

export const DEFAULT_TIMEOUT_SECONDS = 600;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A preset name or config object → what runAnalyzer needs. Throws AnalyzerConfigError for an unusable entry. */
export function resolveAnalyzer(entry: string | AnalyzerConfig): ResolvedAnalyzer {
  const config: AnalyzerConfig = typeof entry === 'string' ? { name: entry } : entry;
  const name = config.name;
  if (typeof name !== 'string' || name.trim() === '') throw new AnalyzerConfigError('analyzer: "name" must be a non-empty string');
  const presetName = config.preset ?? (config.command ? 'custom' : name);
  if (!isPresetName(presetName)) {
    throw new AnalyzerConfigError(
      `analyzer "${name}": unknown preset "${presetName}" (known: ${PRESET_NAMES.join(', ')}; or give a "command")`,
    );
  }
  const preset: AnalyzerPreset = presets[presetName];

  const command = config.command;
  if (command !== undefined) {
    if (!Array.isArray(command) || command.length === 0 || command.some((part) => typeof part !== 'string')) {
      throw new AnalyzerConfigError(`analyzer "${name}": "command" must be a non-empty array of strings`);
    }
    const program = command[0] as string;
    // Relative program paths would resolve inside the untrusted checkout (the child's cwd).
    if (program.includes('/') && !program.startsWith('/')) {
      throw new AnalyzerConfigError(
        `analyzer "${name}": command "${program}" is a relative path; use a program on PATH or an absolute path`,
      );
    }
  } else if (presetName === 'custom') {
    throw new AnalyzerConfigError(`analyzer "${name}": a custom analyzer needs a "command"`);
  }

  const timeoutSeconds = config.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (typeof timeoutSeconds !== 'number' || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new AnalyzerConfigError(`analyzer "${name}": "timeoutSeconds" must be a positive number`);
  }
  const env = config.env ?? [];
  const badEnv = env.find((variable) => typeof variable !== 'string' || !ENV_NAME.test(variable));
  if (badEnv !== undefined) throw new AnalyzerConfigError(`analyzer "${name}": "${String(badEnv)}" is not an environment variable name`);
  const args = config.args ?? [];
  if (!Array.isArray(args) || args.some((arg) => typeof arg !== 'string')) {
    throw new AnalyzerConfigError(`analyzer "${name}": "args" must be an array of strings`);
  }
  if (config.output !== undefined && (typeof config.output !== 'string' || config.output === '')) {
    throw new AnalyzerConfigError(`analyzer "${name}": "output" must be "stdout" or a file path`);
  }

  const resolved: ResolvedAnalyzer = {
    name,
    preset: presetName,
    sources: preset.sources.length > 0 ? [...preset.sources] : [name.toLowerCase()],
    args: [...args],
    timeoutMs: Math.round(timeoutSeconds * 1000),
    env: [...env],
    importOnly: command === undefined && preset.build === undefined,
  };
  if (command !== undefined) resolved.command = [...command];
  if (config.output !== undefined) resolved.output = config.output;
  return resolved;
}
