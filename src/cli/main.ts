import { Command, CommanderError } from 'commander';
import { errorMessage, SieveError } from '../model/errors.js';
import { commands } from './commands/registry.js';
import { createContext, sieveVersion, type GlobalOptions } from './context.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import type { CliIo } from './logger.js';

/**
 * Parses argv, runs one command, and returns its exit code. Never calls process.exit. Command
 * files import only commander and types at the top; what a command needs (the store, CycloneDX,
 * ajv, execa…) is imported when it runs, so `sieve --version` answers without loading any of it.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = new Command('sieve')
    .description('Dependency and static-analysis scan aggregator that emits only what is new.')
    .version(sieveVersion())
    .option('--home <dir>', 'where the store, OSV data, caches and runs live (env SIEVE_HOME)', undefined)
    .option('--json', 'log one JSON object per line on stderr (for cron)')
    .option('-v, --verbose', 'log more detail')
    .option('--debug', 'print the stack trace of an unexpected error')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  for (const register of commands) {
    register(program, (action) => async (...args: unknown[]) => {
      const context = createContext(io, program.opts<GlobalOptions>());
      exitCode = await action(context, ...args);
    });
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; bad usage with 1, which is our 2.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const debug = program.opts<{ debug?: boolean }>().debug === true || argv.includes('--debug');
    io.stderr.write(`sieve: ${describeError(error, debug)}\n`);
    // A stack trace is for whoever debugs Sieve, never for the person running it.
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return exitCodeFor(error);
  }
}

/** What the operating system or SQLite said, in words, for the errors a nightly run meets. */
const SYSTEM_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'over the disk quota',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  ENOMEM: 'out of memory',
  EIO: 'input/output error',
  SQLITE_FULL: 'the disk holding the store is full',
  SQLITE_READONLY: 'the store is read-only',
  SQLITE_CORRUPT: 'the store is damaged',
  SQLITE_NOTADB: 'the store is not a SQLite database',
  SQLITE_BUSY: 'the store is in use by another process',
};

/** One line for the person running Sieve: typed errors as they are, others named by what happened. */
export function describeError(error: unknown, debug = false): string {
  if (error instanceof SieveError) return error.message;
  const code = (error as { code?: unknown } | undefined)?.code;
  const known = typeof code === 'string' ? SYSTEM_ERRORS[code] : undefined;
  const hint = debug ? '' : ' (run with --debug for the stack trace)';
  if (known) return `${known}: ${errorMessage(error)}`;
  return `unexpected error: ${errorMessage(error)}${hint}`;
}
