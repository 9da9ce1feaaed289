import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ExitCode, UsageError } from '../../model/errors.js';
import type { RegisterCommand } from './types.js';

function positiveNumber(value: string, option: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`${option}: expected a number above 0, got "${value}"`);
  return number;
}

export const registerReport: RegisterCommand = (program, wrap) => {
  program
    .command('report')
    .description('write the static HTML dashboard')
    .option('-o, --output <dir>', 'where to write it (default <home>/site): a new or empty folder, or one Sieve wrote before')
    .option('--since <date>', 'what changed since: an ISO date or a span back from now (7d, 2w, 24h)', '7d')
    .option('--stale-after <hours>', 'a target not scanned for longer than this is stale', '36')
    .option('--osv-max-age <days>', 'warn when the newest OSV record of an ecosystem is older than this', '14')
    .action(
      wrap(async (context, options: { output?: string; since: string; staleAfter: string; osvMaxAge: string }) => {
        const [{ renderSite, targetSlugs }, { Store }, { replaceSiteFolder }, { siteModel }, { parseSince }] = await Promise.all([
          import('../../report/site/index.js'),
          import('../../store/store.js'),
          import('../output.js'),
          import('../../pipeline/views.js'),
          import('../../report/export.js'),
        ]);
        const out = options.output ? context.path(options.output) : join(context.home, 'site');
        const now = context.now();
        const since = parseSince(options.since, now);
        const staleAfterHours = positiveNumber(options.staleAfter, '--stale-after');
        const osvMaxAgeDays = positiveNumber(options.osvMaxAge, '--osv-max-age');
        if (!options.output) mkdirSync(context.home, { recursive: true });
        const store = Store.open(join(context.home, 'sieve.db'));
        try {
          const slugs = targetSlugs(store.targetScans().map((scan) => scan.target));
          const copies: Array<[string, string]> = [];
          const model = siteModel(store, {
            now,
            since,
            staleAfterHours,
            osvMaxAgeDays,
            // The SBOM of the latest scan that got as far as writing one; copied into the new site below.
            sbomFile: (name, lastGood) => {
              const sbom = lastGood ? join(context.home, 'runs', lastGood.runId, 'targets', name, 'sbom.cdx.json') : undefined;
              if (!sbom || !existsSync(sbom)) return undefined;
              const file = `sbom/${slugs.get(name)}.cdx.json`;
              copies.push([sbom, file]);
              return file;
            },
          });
          const pages = renderSite(model);
          // Written beside `out` and swapped in: a folder Sieve did not write is never replaced.
          const marker = `${JSON.stringify({ generator: 'sieve', version: context.version, generatedAt: model.generatedAt })}\n`;
          replaceSiteFolder(out, context.io.cwd, marker, (dir) => {
            for (const [from, to] of copies) {
              mkdirSync(dirname(join(dir, to)), { recursive: true });
              copyFileSync(from, join(dir, to));
            }
            for (const [path, content] of pages) {
              const file = join(dir, path);
              mkdirSync(dirname(file), { recursive: true });
              writeFileSync(file, content);
            }
          });
          context.io.stdout.write(`${join(out, 'index.html')}\n`);
          return ExitCode.ok;
        } finally {
          store.close();
        }
      }),
    );
};
