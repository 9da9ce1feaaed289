import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ExitCode } from '../../model/errors.js';
import type { TargetScanRecord } from '../../model/records.js';
import type { SiteModel } from '../../report/site/index.js';
import type { RegisterCommand } from './types.js';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Open findings across the fleet after each run, suppressed ones not counted (as everywhere on the
 * dashboard): each target counts with its latest scan so far.
 */
export function openTrend(scans: TargetScanRecord[]): Array<{ at: string; open: number }> {
  const openByTarget = new Map<string, number>();
  const trend: Array<{ at: string; open: number }> = [];
  const byRun = new Map<string, TargetScanRecord[]>();
  for (const scan of scans) byRun.set(scan.runId, [...(byRun.get(scan.runId) ?? []), scan]);
  for (const runScans of byRun.values()) {
    for (const scan of runScans) openByTarget.set(scan.target, scan.counts.open - (scan.counts.suppressed ?? 0));
    const at = runScans.map((scan) => scan.finishedAt).sort().at(-1) as string;
    trend.push({ at, open: [...openByTarget.values()].reduce((sum, open) => sum + open, 0) });
  }
  return trend.sort((a, b) => a.at.localeCompare(b.at));
}

export const registerReport: RegisterCommand = (program, wrap) => {
  program
    .command('report')
    .description('write the static HTML dashboard')
    .option('-o, --output <dir>', 'where to write it (default <home>/site): a new or empty folder, or one Sieve wrote before')
    .action(
      wrap(async (context, options: { output?: string }) => {
        const [{ renderSite, targetSlugs }, { Store }, { replaceSiteFolder }] = await Promise.all([
          import('../../report/site/index.js'),
          import('../../store/store.js'),
          import('../output.js'),
        ]);
        const out = options.output ? context.path(options.output) : join(context.home, 'site');
        if (!options.output) mkdirSync(context.home, { recursive: true });
        const store = Store.open(join(context.home, 'sieve.db'));
        try {
          const now = context.now();
          const scans = store.targetScans();
          const names = [...new Set(scans.map((scan) => scan.target))].sort();
          const slugs = targetSlugs(names);
          const weekAgo = new Date(now.getTime() - WEEK_MS).toISOString();
          const recent = store.events(weekAgo, new Date(now.getTime() + 1).toISOString());
          const copies: Array<[string, string]> = [];
          const model: SiteModel = {
            generatedAt: now.toISOString(),
            trend: openTrend(scans),
            targets: names.map((name) => {
              const history = scans.filter((scan) => scan.target === name);
              const latest = history.at(-1);
              const lastGood = [...history].reverse().find((scan) => scan.status !== 'failed');
              // The SBOM of the latest scan that got as far as writing one.
              const sbom = lastGood ? join(context.home, 'runs', lastGood.runId, 'targets', name, 'sbom.cdx.json') : undefined;
              let sbomFile: string | undefined;
              if (sbom && existsSync(sbom)) {
                sbomFile = `sbom/${slugs.get(name)}.cdx.json`;
                copies.push([sbom, sbomFile]);
              }
              return {
                name,
                repo: latest?.repo,
                latest,
                history,
                open: store.judged({ target: name, state: 'open' }, now.toISOString()),
                newThisWeek: recent.filter((event) => event.target === name && (event.transition === 'new' || event.transition === 'reopened') && !event.finding.suppression).length,
                sbomFile,
              };
            }),
          };
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
