import { Option } from 'commander';
import { dirname, join } from 'node:path';
import { ConfigError, ExitCode, UsageError } from '../../model/errors.js';
import { SEVERITIES } from '../../model/types.js';
import type { FailOn, StopRequest } from '../../pipeline/scan.js';
import type { RegisterCommand } from './types.js';

interface ScanOptions {
  targets: string;
  only?: string[];
  concurrency: string;
  shard?: string;
  osvDb?: string;
  failOn?: FailOn;
  offline?: boolean;
  rules?: string;
  force?: boolean;
  keepRunsDays?: string;
}

export function parseShard(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new UsageError(`--shard: expected I/N with 1 <= I <= N, got "${value}"`);
  return { index, count };
}

export const registerScan: RegisterCommand = (program, wrap) => {
  program
    .command('scan')
    .description('scan every target, store the results, and write what is new')
    .option('--targets <file>', 'the scan-targets file', 'scan-targets.json')
    .option('--only <name...>', 'scan only these targets')
    .option('--concurrency <n>', 'targets scanned at once', '4')
    .option('--shard <i/n>', 'scan only the i-th of n shares of the targets')
    .option('--osv-db <dir>', 'offline OSV data: an imported index, or osv.dev\'s <Ecosystem>/all.zip layout (default <home>/osv)')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a new finding is at least this severe, or known exploited (kev: only known-exploited ones)').choices([...SEVERITIES, 'kev']),
    )
    .option('--offline', 'never use the network: cached git mirrors as they are, the offline OSV index only')
    .option('--rules <dir>', 'policy rules folder (default: rules/ beside the targets file, when there is one)')
    .option('--force', 'scan every target, even those unchanged since their last complete scan')
    .option('--keep-runs-days <n>', 'remove run folders older than this many days (default: housekeeping.keepRunsDays, else 90)')
    .action(
      wrap(async (context, options: ScanOptions) => {
        const concurrency = Number(options.concurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency: expected a whole number >= 1, got "${options.concurrency}"`);
        const shard = options.shard ? parseShard(options.shard) : undefined;
        const keepRunsDays = options.keepRunsDays === undefined ? undefined : Number(options.keepRunsDays);
        if (keepRunsDays !== undefined && (!Number.isInteger(keepRunsDays) || keepRunsDays < 1)) {
          throw new UsageError(`--keep-runs-days: expected a whole number >= 1, got "${options.keepRunsDays}"`);
        }
        const file = context.path(options.targets);
        const [{ loadConfig }, { discoverTargets }, { runScan }, { withHomeLock }, { loadPolicy, rulesFolder, rulesDigest }, { vulnerabilitySource }, { runExitCode }] = await Promise.all([
          import('../../config/load.js'),
          import('../../discover/orgs.js'),
          import('../../pipeline/scan.js'),
          import('../home-lock.js'),
          import('../policy.js'),
          import('../vulnerability-source.js'),
          import('../exit-codes.js'),
        ]);
        const loaded = loadConfig(file);
        for (const warning of loaded.warnings) context.logger.warn(warning, { file });
        if (!loaded.config) throw new ConfigError(file, loaded.errors);
        // Organisations become targets before --only and --shard see them.
        const discovery = await discoverTargets(loaded.config, {
          home: context.home,
          apiUrl: context.io.env.GITHUB_API_URL,
          token: context.io.env.GITHUB_TOKEN,
          offline: options.offline === true,
          now: context.now,
          logger: context.logger,
        });
        for (const warning of discovery.warnings) context.logger.warn(warning);
        for (const error of discovery.errors) context.logger.error(error);
        const config = { ...loaded.config, targets: discovery.targets };
        if (options.only) {
          const unknown = options.only.filter((name) => !config.targets.some((target) => target.name === name || target.key === name));
          if (unknown.length) throw new UsageError(`--only: no target named ${unknown.map((name) => `"${name}"`).join(', ')} in ${file}`);
        }
        const rulesDir = rulesFolder(options.rules, dirname(file), context);
        const policy = loadPolicy({ rulesDir, configFile: config.file, targets: config.targets }, context);
        const vulnerabilities = await vulnerabilitySource(context, config, {
          osvDb: options.osvDb ? context.path(options.osvDb) : join(context.home, 'osv'),
          offline: options.offline === true,
        });
        // SIGINT/SIGTERM: finish the targets in hand, record the run as interrupted, exit 130/143.
        // A second signal stops at once (the lock is then stale, and the next run takes it over).
        const stop: StopRequest = {};
        const onSignal = (signal: 'SIGINT' | 'SIGTERM') => () => {
          if (stop.signal) process.exit(signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated);
          stop.signal = signal;
          context.logger.warn(`${signal}: finishing the targets in hand, then stopping`);
        };
        const handlers = { SIGINT: onSignal('SIGINT'), SIGTERM: onSignal('SIGTERM') };
        process.on('SIGINT', handlers.SIGINT);
        process.on('SIGTERM', handlers.SIGTERM);
        const result = await withHomeLock(context.home, () => runScan({
          config,
          home: context.home,
          only: options.only,
          concurrency,
          shard,
          vulnerabilities,
          failOn: options.failOn,
          now: context.now,
          logger: context.logger,
          toolVersion: context.version,
          policy,
          githubToken: context.io.env.GITHUB_TOKEN,
          offline: options.offline === true,
          runWarnings: discovery.warnings,
          runErrors: discovery.errors,
          force: options.force === true,
          keepRunsDays,
          rulesDigest: rulesDigest(rulesDir),
          stop,
        })).finally(() => {
          process.off('SIGINT', handlers.SIGINT);
          process.off('SIGTERM', handlers.SIGTERM);
        });
        if (!context.json) {
          for (const target of result.summary.targets) {
            const c = target.counts;
            // "alerting" is the one definition of new (new or reopened, not suppressed): the lines add up to the total below.
            const alerting = result.newFindings.filter((finding) => finding.target === target.key).length;
            context.io.stdout.write(
              `${target.name}\t${target.status}\t${target.commit?.slice(0, 12) ?? '-'}\tnew ${c.new} reopened ${c.reopened} fixed ${c.fixed} open ${c.open} suppressed ${c.suppressed} alerting ${alerting}\n`,
            );
            for (const error of target.errors) context.io.stdout.write(`  error: ${error}\n`);
            if (target.reason) context.io.stdout.write(`  ${target.reason}\n`);
          }
          const osv = result.summary.osv;
          if (osv) {
            const data = Object.entries(osv.ecosystems)
              .map(([ecosystem, info]) => `${ecosystem} ${info.records} records${info.lastModified ? `, newest ${info.lastModified.slice(0, 10)}` : ''}`)
              .join('; ');
            context.io.stdout.write(`OSV data (${osv.source}): ${data || 'none needed'}\n`);
          }
          for (const warning of result.summary.warnings ?? []) context.io.stdout.write(`warning: ${warning}\n`);
          for (const error of result.summary.errors ?? []) context.io.stdout.write(`error: ${error}\n`);
          if (result.summary.interrupted) {
            context.io.stdout.write(`interrupted by ${result.summary.interrupted.signal}: ${result.summary.interrupted.notScanned.length} target(s) not scanned\n`);
          }
          context.io.stdout.write(`${result.newFindings.length} alerting finding(s) (new or reopened, not suppressed); results in ${result.runDir}\n`);
        }
        return runExitCode(result.summary);
      }),
    );
};
