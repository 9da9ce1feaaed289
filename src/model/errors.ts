/** Typed errors with stable codes; cli/exit-codes.ts maps them to exit codes in one place. */

export type ErrorCode =
  | 'SIEVE_USAGE'
  | 'SIEVE_CONFIG'
  | 'SIEVE_PARSE'
  | 'SIEVE_INPUT_TOO_LARGE'
  | 'SIEVE_CHECKOUT'
  | 'SIEVE_UNSAFE_INPUT'
  | 'SIEVE_EXEC'
  | 'SIEVE_VERSION'
  | 'SIEVE_OSV'
  | 'SIEVE_STORE'
  | 'SIEVE_NOT_FOUND'
  | 'SIEVE_NETWORK';

export class SieveError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SieveError';
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

/** A file could not be parsed. Carries the path so the message names it. */
export class ParseError extends SieveError {
  constructor(
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('SIEVE_PARSE', `${path}: ${reason}`, options);
    this.name = 'ParseError';
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
