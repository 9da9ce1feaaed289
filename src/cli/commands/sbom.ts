import { Option } from 'commander';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { ExitCode, UsageError } from '../../model/errors.js';
import type { RegisterCommand } from './types.js';

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export const registerSbom: RegisterCommand = (program, wrap) => {
  program
    .command('sbom')
    .description('write the CycloneDX SBOM of a local directory (no store involved)')
    .argument('<path>', 'the directory')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'xml']).default('json'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(
      wrap(async (context, path: string, options: { format: 'json' | 'xml'; output?: string }) => {
        // A plain folder is read in place: no git, so checkout/ (and its process runner) is not loaded.
        const dir = context.path(path);
        if (!isFolder(dir)) throw new UsageError(`${dir}: not a folder`);
        const [{ inventoryDirectory }, { buildBom }, { serializeBom }, { writeOutputFile }] = await Promise.all([
          import('../../inventory/walk.js'),
          import('../../sbom/build.js'),
          import('../../sbom/serialize.js'),
          import('../output.js'),
        ]);
        const inventory = inventoryDirectory(dir);
        for (const error of inventory.errors) context.logger.error(`${error.path}: ${error.message}`, { extractor: error.extractor });
        for (const warning of inventory.warnings) context.logger.warn(warning);
        const bom = buildBom({ target: { name: basename(dir), repo: dir }, packages: inventory.packages, timestamp: context.now(), toolVersion: context.version });
        const text = serializeBom(bom, options.format);
        if (options.output) writeOutputFile(context.path(options.output), text);
        else context.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
        context.logger.info('sbom written', { packages: inventory.packages.length, files: inventory.files.length });
        return inventory.errors.length ? ExitCode.incomplete : ExitCode.ok;
      }),
    );
};
