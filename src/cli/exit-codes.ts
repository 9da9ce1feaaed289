import { ExitCode, SieveError } from '../model/errors.js';

export { ExitCode };

/** The one place an error becomes an exit code: typed errors carry theirs, anything else is 3. */
export function exitCodeFor(error: unknown): ExitCode {
  return error instanceof SieveError ? error.exitCode : ExitCode.incomplete;
}

/**
 * A scan's or merge's exit code from what its summary.json says. A run that both failed a target
 * and crossed `--fail-on` returns 1: the new finding is certain whatever else failed, and a CI
 * gate must not pass it; summary.json says both (`failOn.crossed`, `failedTargets`).
 */
export function runExitCode(summary: { failedTargets: number; failOn?: { crossed: boolean }; errors?: string[]; interrupted?: { signal: string } }): ExitCode {
  // A stopped run says so first: cron and supervisors read 130/143 as "stopped by a signal".
  if (summary.interrupted) return summary.interrupted.signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated;
  if (summary.failOn?.crossed) return ExitCode.policyFailed;
  // Run-level errors (an organisation that could not be listed) leave targets unscanned too.
  return summary.failedTargets > 0 || (summary.errors?.length ?? 0) > 0 ? ExitCode.incomplete : ExitCode.ok;
}
