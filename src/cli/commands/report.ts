import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TargetScanRecord } from '../../model/records.js';
import { renderSite, targetSlugs, type SiteModel } from '../../report/site/index.js';
import { Store } from '../../store/store.js';
import type { RegisterCommand } from './types.js';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** Open findings across the fleet after each run: each target counts with its latest scan so far. */
export function openTrend(scans: TargetScanRecord[]): Array<{ at: string; open: number }> {
  const openByTarget = new Map<string, number>();
  const trend: Array<{ at: string; open: number }> = [];
  const byRun = new Map<string, TargetScanRecord[]>();
  for (const scan of scans) byRun.set(scan.runId, [...(byRun.get(scan.runId) ?? []), scan]);
  for (const runScans of byRun.values()) {
    for (const scan of runScans) openByTarget.set(scan.target, scan.counts.open);
    const at = runScans.map((scan) => scan.finishedAt).sort().at(-1) as string;
    trend.push({ at, open: [...openByTarget.values()].reduce((sum, open) => sum + open, 0) });
  }
  return trend.sort((a, b) => a.at.localeCompare(b.at));
}

export const registerReport: RegisterCommand = (program, wrap) => {
  program
    .command('report')
    .description('write the static HTML dashboard')
    .option('-o, --output <dir>', 'where to write it (default <home>/site)')
    .action(
      wrap(async (context, options: { output?: string }) => {
        const out = options.output ? context.path(options.output) : join(context.home, 'site');
        const store = Store.open(join(context.home, 'sieve.db'));
        try {
          const now = context.now();
          const scans = store.targetScans();
          const names = [...new Set(scans.map((scan) => scan.target))].sort();
          const slugs = targetSlugs(names);
          const weekAgo = new Date(now.getTime() - WEEK_MS).toISOString();
          const recent = store.events(weekAgo, new Date(now.getTime() + 1).toISOString());
          rmSync(out, { recursive: true, force: true });
          mkdirSync(out, { recursive: true });
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
                mkdirSync(join(out, 'sbom'), { recursive: true });
                copyFileSync(sbom, join(out, sbomFile));
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
          for (const [path, content] of renderSite(model)) {
            const file = join(out, path);
            mkdirSync(dirname(file), { recursive: true });
            writeFileSync(file, content);
          }
          context.io.stdout.write(`${join(out, 'index.html')}\n`);
          return 0;
        } finally {
          store.close();
        }
      }),
    );
};
