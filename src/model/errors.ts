/** Typed errors with stable codes; each carries the exit code the CLI ends with (cli/bin.ts sets it). */

/** Every exit code Sieve documents (README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  /** `--fail-on` was given and a new finding at or above it appeared. */
  policyFailed: 1,
  /** Bad command-line use, configuration or output path: nothing was done. */
  usage: 2,
  /** A target, stage, tool, download or delivery failed; what could be done was done and stored. */
  incomplete: 3,
  /** Another Sieve run holds the home's lock: nothing was done, try again later. */
  busy: 4,
  /** Stopped by SIGINT / SIGTERM (128 + the signal's number), after finishing the targets in hand. */
  interrupted: 130,
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'SIEVE_USAGE'
  | 'SIEVE_CONFIG'
  | 'SIEVE_OUTPUT'
  /** An output could not be written after the work was done and stored (a full disk): exit 3. */
  | 'SIEVE_WRITE'
  | 'SIEVE_BUSY'
  | 'SIEVE_PARSE'
  | 'SIEVE_INPUT_TOO_LARGE'
  | 'SIEVE_CHECKOUT'
  | 'SIEVE_UNSAFE_INPUT'
  | 'SIEVE_EXEC'
  | 'SIEVE_VERSION'
  | 'SIEVE_OSV'
  | 'SIEVE_STORE'
  | 'SIEVE_NOT_FOUND'
  | 'SIEVE_NETWORK'
  | 'SIEVE_NOT_LOADED';

export class SieveError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SieveError';
  }

  /** The exit code a command that ends with this error returns. */
  get exitCode(): ExitCode {
    return exitCodeOf(this.code);
  }
}

function exitCodeOf(code: ErrorCode): ExitCode {
  switch (code) {
    case 'SIEVE_USAGE':
    case 'SIEVE_CONFIG':
    case 'SIEVE_OUTPUT':
      return ExitCode.usage;
    case 'SIEVE_BUSY':
      return ExitCode.busy;
    default:
      return ExitCode.incomplete;
  }
}

/** Bad command-line use: exit 2, nothing scanned. */
export class UsageError extends SieveError {
  constructor(message: string) {
    super('SIEVE_USAGE', message);
    this.name = 'UsageError';
  }
}

/** A configuration or rules file is invalid: exit 2, nothing scanned. Each issue names file and JSON path. */
export class ConfigError extends SieveError {
  constructor(
    readonly file: string,
    readonly issues: string[],
  ) {
    super('SIEVE_CONFIG', `${file}: invalid configuration\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** An output path (`-o`) that cannot be written, or that Sieve will not overwrite: exit 2. */
export class OutputError extends SieveError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super('SIEVE_OUTPUT', `${path}: ${reason}`);
    this.name = 'OutputError';
  }
}

/** Another Sieve run holds the home's lock: exit 4, so cron can tell "still running" from a failure. */
export class HomeBusyError extends SieveError {
  constructor(message: string) {
    super('SIEVE_BUSY', message);
    this.name = 'HomeBusyError';
  }
}

/** A file could not be parsed. Carries the path so the message names it. */
export class ParseError extends SieveError {
  constructor(
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown; code?: ErrorCode },
  ) {
    super(options?.code ?? 'SIEVE_PARSE', `${path}: ${reason}`, options);
    this.name = 'ParseError';
  }
}

/**
 * A file is over one of the named input limits (inventory/limits.ts, documented in
 * docs/operations.md): refused as a whole, never half-read, so what it covers stays open.
 */
export class InputLimitError extends ParseError {
  constructor(
    path: string,
    /** The limit's name, as docs/operations.md lists it (e.g. `maxNestingDepth`). */
    readonly limit: string,
    readonly bound: number,
    /** What was found, e.g. `line 12 is 70000 characters long`. */
    found: string,
  ) {
    super(path, `${found}: over the ${limit} limit of ${bound}`, { code: 'SIEVE_INPUT_TOO_LARGE' });
    this.name = 'InputLimitError';
  }
}

/** An input is over its size bound; refused before parsing. */
export class InputTooLargeError extends SieveError {
  constructor(
    readonly path: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super('SIEVE_INPUT_TOO_LARGE', `${path}: ${size} bytes is over the ${limit}-byte limit for this input`);
    this.name = 'InputTooLargeError';
  }
}

/** Input from a scanned repository tried to leave its checkout or run something. */
export class UnsafeInputError extends SieveError {
  constructor(message: string) {
    super('SIEVE_UNSAFE_INPUT', message);
    this.name = 'UnsafeInputError';
  }
}

/** A version string that its ecosystem's scheme cannot read. Never read as "not affected". */
export class InvalidVersionError extends SieveError {
  constructor(
    readonly ecosystem: string,
    readonly version: string,
  ) {
    super('SIEVE_VERSION', `${ecosystem}: cannot parse version "${version}"`);
    this.name = 'InvalidVersionError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
