import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, UsageError } from '../../model/errors.js';
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
        const bundles = paths.map((path) => readBundle(context.path(path)));
        const targets = bundles.flatMap((bundle) => bundle.targets);
        const keys = targets.map((evidence) => evidence.target.key);
        const duplicate = keys.find((key, index) => keys.indexOf(key) !== index);
        if (duplicate) throw new UsageError(`target "${duplicate}" is in more than one bundle: merge each run once`);

        // Notification settings never travel in bundles: they come from the configuration here.
        const file = context.path(options.targets);
        const loaded = existsSync(file) ? loadConfig(file) : undefined;
        if (loaded && !loaded.config) throw new ConfigError(file, loaded.errors);
        const config = loaded?.config;
        if (!config) context.logger.warn(`${file} not found: no notifications are sent for this merge (alerts are in new.json)`);
        const configured = new Map(config?.targets.map((target) => [target.key, target]));
        for (const evidence of targets) {
          const notify = configured.get(evidence.target.key)?.notify;
          if (notify) evidence.target = { ...evidence.target, notify };
        }

        const startedAt = bundles.map((bundle) => bundle.startedAt).sort()[0] ?? context.now().toISOString();
        const runId = newRunId(context.now());
        const rulesDir = rulesFolder(options.rules, config ? dirname(file) : undefined, context);
        // The targets' own rules travel in their bundles; the rules folder is this machine's.
        const policy = loadPolicy({ rulesDir, targets: targets.map((evidence) => evidence.target) }, context);
        const result = await withHomeLock(context.home, () => recordRun(
          { format: 'sieve-bundle/1', runId, startedAt, finishedAt: context.now().toISOString(), notify: config?.notify, targets },
          {
            home: context.home,
            runDir: join(context.home, 'runs', runId),
            now: context.now,
            logger: context.logger,
            toolVersion: context.version,
            policy,
            githubToken: context.io.env.GITHUB_TOKEN,
          },
        ));
        context.io.stdout.write(`${targets.length} target(s) from ${bundles.length} bundle(s); ${result.newFindings.length} new finding(s); results in ${result.runDir}\n`);
        return runExitCode(result.summary);
      }),
    );
};
