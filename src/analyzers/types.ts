/** Types of the analyzer stage: how a configured analyzer is described, resolved and run. */

/**
 * One entry of `analyzers` in scan-targets.json: a preset name ("eslint") or an object.
 * `command` may use `{output}`, replaced by a file path Sieve chooses; `output` is "stdout" or a
 * path (with `{output}`, or relative to the checkout) where the tool writes its SARIF.
 */
export interface AnalyzerObjectConfig {
  name: string;
  preset?: string;
  command?: string[];
  output?: 'stdout' | string;
  /** Default 600. */
  timeoutSeconds?: number;
  /** Names of environment variables passed through; nothing else of Sieve's environment is. */
  env?: string[];
  /** Extra arguments for a preset's command. */
  args?: string[];
}

export type AnalyzerConfig = AnalyzerObjectConfig;
export type AnalyzerEntry = string | AnalyzerConfig;

/** What a preset builds for one run. */
export interface PresetCommand {
  file: string;
  args: string[];
  /** Where the SARIF appears: the child's stdout, or a file. */
  output: { kind: 'stdout' } | { kind: 'file'; path: string; confineTo?: string };
  /** Fixed variables the tool needs (never copied from Sieve's own environment). */
  env?: Record<string, string>;
  /** Turns the tool's own output into SARIF, for tools whose native format Sieve reads instead. */
  convert?: (text: string) => string;
}

export interface PresetContext {
  checkoutDir: string;
  /** A fresh directory for this run only (config files, the output file). */
  workDir: string;
  /** The file the tool should write its SARIF to when it writes a file. */
  outputPath: string;
  args: string[];
}

export interface AnalyzerPreset {
  id: string;
  /** Driver names, lowercased, that this tool's SARIF carries: the Finding.source of its findings. */
  sources: string[];
  /** One line for docs and errors. */
  description: string;
  /** Undefined for import-only tools (codeql): Sieve reads their SARIF files, it never runs them. */
  build?: (context: PresetContext) => Promise<PresetCommand> | PresetCommand;
}

export interface ResolvedAnalyzer {
  /** The entry's name: unique per target, used in errors and temp paths. */
  name: string;
  preset: string;
  /** Finding.source values its findings will carry; a failed run protects these from being marked fixed. */
  sources: string[];
  /** A user command replacing the preset's (required for `custom`). */
  command?: string[];
  /** "stdout", a path template, or undefined (the preset decides). */
  output?: string;
  args: string[];
  timeoutMs: number;
  /** Environment variable names passed through from Sieve's environment. */
  env: string[];
  /** Nothing to run: results come only from the target's `sarif` files. */
  importOnly: boolean;
}

export interface AnalyzerRun {
  tool: string;
  status: 'ok' | 'failed';
  sarifText?: string;
  error?: string;
  durationMs: number;
  exitCode?: number;
  toolVersion?: string;
  /** Finding.source values this run stands for (see ResolvedAnalyzer.sources). */
  sources?: string[];
}
