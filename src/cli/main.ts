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
    const message = error instanceof SieveError ? error.message : `unexpected error: ${errorMessage(error)}`;
    io.stderr.write(`sieve: ${message}\n`);
    if (!(error instanceof SieveError) && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return exitCodeFor(error);
  }
}
