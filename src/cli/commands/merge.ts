import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, errorMessage, UsageError } from '../../model/errors.js';
import type { ScanBundle } from '../../pipeline/scan.js';
import type { RegisterCommand } from './types.js';

export const registerMerge: RegisterCommand = (program, wrap) => {
  program
    .command('merge')
    .description('fold the results of shard runs (`scan --shard I/N` writes runs/<id>/bundle.json) into this store')
    .argument('<bundles...>', 'bundle.json files or the run folders that hold them')
    .option('--targets <file>', 'the scan-targets file the shards ran with: its notification settings apply (bundles carry none)', 'scan-targets.json')
    .option('--rules <dir>', 'policy rules folder (default: rules/ beside the targets file, when there is one)')
    .action(
      wrap(async (context, paths: string[], options: { targets: string; rules?: string }) => {
        const [{ readBundle }, { newRunId, recordRun }, { loadConfig }, { withHomeLock }, { loadPolicy, rulesFolder }, { runExitCode }] = await Promise.all([
          import('../bundle-file.js'),
          import('../../pipeline/scan.js'),
          import('../../config/load.js'),
          import('../home-lock.js'),
          import('../policy.js'),
          import('../exit-codes.js'),
        ]);
        // A run folder without bundle.json (a run that was not a shard, or one killed before it
        // finished) is passed over, so `runs/*/` works; a damaged bundle costs only its own
        // targets: it is an error of the merge (exit 3), the others still count.
        const bundles: ScanBundle[] = [];
        const warnings: string[] = [];
        const errors: string[] = [];
        for (const path of paths.map((entry) => context.path(entry))) {
          if (!existsSync(path)) throw new UsageError(`${path}: no such bundle or run folder`);
          if (statSync(path).isDirectory() && !existsSync(join(path, 'bundle.json'))) {
            warnings.push(`${path}: no bundle.json (not a finished shard run); passed over`);
            continue;
          }
          try {
            bundles.push(readBundle(path));
          } catch (error) {
            errors.push(errorMessage(error));
          }
        }
        for (const warning of warnings) context.logger.warn(warning);
        for (const error of errors) context.logger.error(error);
        if (bundles.length === 0 && errors.length === 0) throw new UsageError(`no bundle.json in ${paths.join(', ')}: merge the run folders of \`scan --shard\` runs`);
        // Oldest scan first, whatever the order of the arguments: a target scanned in two runs ends
        // with its newer scan, and one the store already holds newer is skipped (newerOnly).
        const targets = bundles
          .flatMap((bundle) => bundle.targets)
          .map((evidence, order) => ({ evidence, order }))
          .sort((a, b) => (a.evidence.startedAt < b.evidence.startedAt ? -1 : a.evidence.startedAt > b.evidence.startedAt ? 1 : a.order - b.order))
          .map(({ evidence }) => evidence);

        // Notification settings never travel in bundles: they come from the configuration here.
        const file = context.path(options.targets);
        const loaded = existsSync(file) ? loadConfig(file) : undefined;
        if (loaded && !loaded.config) throw new ConfigError(file, loaded.errors);
        const config = loaded?.config;
        if (!config) context.logger.warn(`${file} not found: no notifications are sent for this merge (alerts are in new.json)`);
        const configured = new Map(config?.targets.map((target) => [target.key, target]));
        for (const evidence of targets) {
          // An organisation's repositories are not in config.targets: the configuration's own notify applies.
          const notify = configured.get(evidence.target.key)?.notify;
          if (notify) evidence.target = { ...evidence.target, notify };
        }

        const startedAt = bundles.map((bundle) => bundle.startedAt).sort()[0] ?? context.now().toISOString();
        const runId = newRunId(context.now());
        const rulesDir = rulesFolder(options.rules, config ? dirname(file) : undefined, context);
        // The targets' own rules travel in their bundles; the rules folder is this machine's.
        const policy = loadPolicy({ rulesDir, targets: targets.map((evidence) => evidence.target) }, context);
        const result = await withHomeLock(context.home, () => recordRun(
          {
            format: 'sieve-bundle/1',
            runId,
            startedAt,
            finishedAt: context.now().toISOString(),
            notify: config?.notify,
            warnings: [...new Set([...bundles.flatMap((bundle) => bundle.warnings ?? []), ...warnings])],
            errors: [...new Set([...bundles.flatMap((bundle) => bundle.errors ?? []), ...errors])],
            targets,
          },
          {
            home: context.home,
            runDir: join(context.home, 'runs', runId),
            now: context.now,
            logger: context.logger,
            toolVersion: context.version,
            policy,
            githubToken: context.io.env.GITHUB_TOKEN,
            newerOnly: true,
          },
        ));
        const skipped = result.summary.targets.filter((target) => target.status === 'skipped').length;
        context.io.stdout.write(
          `${targets.length} target scan(s) from ${bundles.length} bundle(s)${skipped ? `, ${skipped} already in the store or older than it` : ''}; ${result.newFindings.length} new finding(s); results in ${result.runDir}\n`,
        );
        return runExitCode(result.summary);
      }),
    );
};
