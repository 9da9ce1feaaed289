import { Option } from 'commander';
import { join } from 'node:path';
import { ExitCode, UsageError } from '../../model/errors.js';
import { diffFormats, parseSince, type DiffFormat } from '../../report/export.js';
import type { RegisterCommand } from './types.js';

function parseTime(value: string, option: string, now: Date): Date {
  try {
    return parseSince(value, now);
  } catch {
    throw new UsageError(`${option}: expected an ISO date or a span such as 7d, 2w or 24h, got "${value}"`);
  }
}

export const registerExport: RegisterCommand = (program, wrap) => {
  program
    .command('export')
    .description('the weekly diff: findings introduced, fixed and reopened in a window, and what is still open')
    .requiredOption('--since <date>', 'start of the window: an ISO date or a span back from now (7d, 2w, 24h)')
    .option('--until <date>', 'end of the window (default: now)')
    .addOption(new Option('--format <format>', 'output format').choices(Object.keys(diffFormats)).default('md'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(
      wrap(async (context, options: { since: string; until?: string; format: DiffFormat; output?: string }) => {
        const now = context.now();
        const since = parseTime(options.since, '--since', now);
        const until = options.until ? parseTime(options.until, '--until', now) : now;
        if (since >= until) throw new UsageError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`);
        const [{ Store }, { writeOutputFile }, { weeklyDiff }] = await Promise.all([import('../../store/store.js'), import('../output.js'), import('../../pipeline/views.js')]);
        const store = Store.open(join(context.home, 'sieve.db'));
        try {
          const window = { since: since.toISOString(), until: until.toISOString() };
          const model = weeklyDiff(store, window);
          const text = diffFormats[options.format](model);
          if (options.output) writeOutputFile(context.path(options.output), text);
          else context.io.stdout.write(text);
          return ExitCode.ok;
        } finally {
          store.close();
        }
      }),
    );
};
