import { existsSync, readFileSync, statSync } from 'node:fs';
import { InputTooLargeError, UsageError } from '../../model/errors.js';
import { importSarifRun } from '../../pipeline/import-sarif.js';
import { DEFAULT_MAX_SARIF_BYTES } from '../../sarif/import.js';
import { withHomeLock } from '../home-lock.js';
import { loadPolicy } from '../policy.js';
import type { RegisterCommand } from './types.js';

export const registerImportSarif: RegisterCommand = (program, wrap) => {
  program
    .command('import-sarif')
    .description('ingest SARIF produced elsewhere (CI artifacts) for a target at a commit')
    .requiredOption('--target <name>', 'the target the results belong to')
    .requiredOption('--commit <sha>', 'the commit the results are of')
    .option('--checkout <dir>', 'a checkout of that commit, for location fingerprints from the source text')
    .option('--rules <dir>', 'policy rules folder', 'rules')
    .argument('<files...>', 'SARIF 2.1.0 files')
    .action(
      wrap(async (context, files: string[], options: { target: string; commit: string; checkout?: string; rules: string }) => {
        if (!/^[0-9a-f]{7,64}$/i.test(options.commit)) throw new UsageError(`--commit: expected a commit hash, got "${options.commit}"`);
        if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(options.target)) throw new UsageError(`--target: "${options.target}" is not a target name`);
        const inputs = files.map((file) => {
          const path = context.path(file);
          const size = statSync(path).size;
          if (size > DEFAULT_MAX_SARIF_BYTES) throw new InputTooLargeError(path, size, DEFAULT_MAX_SARIF_BYTES);
          return { name: file, text: readFileSync(path, 'utf8') };
        });
        const rulesDir = context.path(options.rules);
        const policy = loadPolicy({ rulesDir: existsSync(rulesDir) ? rulesDir : undefined }, context);
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
        return result.scan.status === 'ok' ? 0 : 3;
      }),
    );
};
