import { ConfigError, SieveError, UsageError } from '../model/errors.js';

/** `sieve scan`'s documented exit codes; other commands use 0, 2 and 3 the same way. */
export const ExitCode = {
  ok: 0,
  policyFailed: 1,
  usage: 2,
  partial: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The one place an error becomes an exit code. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError || error instanceof ConfigError) return ExitCode.usage;
  if (error instanceof SieveError && (error.code === 'SIEVE_USAGE' || error.code === 'SIEVE_CONFIG')) return ExitCode.usage;
  return ExitCode.partial;
}
