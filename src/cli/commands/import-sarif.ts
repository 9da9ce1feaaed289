import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, ExitCode, InputTooLargeError, UsageError } from '../../model/errors.js';
import type { RegisterCommand } from './types.js';

export const registerImportSarif: RegisterCommand = (program, wrap) => {
  program
    .command('import-sarif')
    .description('ingest SARIF produced elsewhere (CI artifacts) for a target at a commit')
    .requiredOption('--target <name>', 'the target the results belong to')
    .requiredOption('--commit <sha>', 'the commit the results are of')
    .option('--checkout <dir>', 'a checkout of that commit, for location fingerprints from the source text')
    .option('--targets <file>', "the scan-targets file: rules/ beside it and the target's own rules apply", 'scan-targets.json')
    .option('--rules <dir>', 'policy rules folder (default: rules/ beside the targets file, when there is one)')
    .argument('<files...>', 'SARIF 2.1.0 files')
    .action(
      wrap(async (context, files: string[], options: { target: string; commit: string; checkout?: string; targets: string; rules?: string }) => {
        if (!/^[0-9a-f]{7,64}$/i.test(options.commit)) throw new UsageError(`--commit: expected a commit hash, got "${options.commit}"`);
        if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(options.target)) throw new UsageError(`--target: "${options.target}" is not a target name`);
        const [{ importSarifRun }, { DEFAULT_MAX_SARIF_BYTES }, { loadConfig }, { withHomeLock }, { loadPolicy, rulesFolder }] = await Promise.all([
          import('../../pipeline/import-sarif.js'),
          import('../../sarif/import.js'),
          import('../../config/load.js'),
          import('../home-lock.js'),
          import('../policy.js'),
        ]);
        const inputs = files.map((file) => {
          const path = context.path(file);
          const size = statSync(path).size;
          if (size > DEFAULT_MAX_SARIF_BYTES) throw new InputTooLargeError(path, size, DEFAULT_MAX_SARIF_BYTES);
          return { name: file, text: readFileSync(path, 'utf8') };
        });
        // The same policy a scan of this target applies: rules/ beside the targets file, and the target's own rules.
        const file = context.path(options.targets);
        const loaded = existsSync(file) ? loadConfig(file) : undefined;
        if (loaded && !loaded.config) throw new ConfigError(file, loaded.errors);
        const config = loaded?.config;
        const rulesDir = rulesFolder(options.rules, config ? dirname(file) : undefined, context);
        const policy = loadPolicy({ rulesDir, configFile: config?.file, targets: config?.targets.filter((target) => target.key === options.target || target.name === options.target) }, context);
        // One writer of the store at a time, as for scan and merge.
        const result = await withHomeLock(context.home, async () => importSarifRun({
          home: context.home,
          target: options.target,
          commit: options.commit,
          files: inputs,
          checkoutDir: options.checkout ? context.path(options.checkout) : undefined,
          now: context.now,
          logger: context.logger,
          policy,
        }));
        const c = result.scan.counts;
        context.io.stdout.write(`${options.target}\t${result.scan.status}\tnew ${c.new} reopened ${c.reopened} fixed ${c.fixed} open ${c.open}\n`);
        for (const error of result.scan.errors) context.logger.error(error.message, { target: options.target });
        context.io.stdout.write(`${result.newFindings.length} new finding(s); results in ${result.runDir}\n`);
        return result.scan.status === 'ok' ? ExitCode.ok : ExitCode.incomplete;
      }),
    );
};
