import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, ParseError } from '../../model/errors.js';
import { triageInForce } from '../../model/judgement.js';
import type { RegisterCommand } from './types.js';

export const registerVex: RegisterCommand = (program, wrap) => {
  const vex = program.command('vex').description('exchange triage decisions as VEX documents');

  vex
    .command('export')
    .description('write triage decisions on dependency findings as a CycloneDX VEX document')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--target <name>', 'only this target')
    .action(
      wrap(async (context, options: { output?: string; target?: string }) => {
        const [{ buildVex }, { Store }, { writeOutputFile }] = await Promise.all([import('../../policy/vex.js'), import('../../store/store.js'), import('../output.js')]);
        const store = Store.open(join(context.home, 'sieve.db'));
        try {
          const at = context.now().toISOString();
          // Decisions in force now: an expired one no longer speaks for the finding.
          const entries = store
            .judged({ target: options.target, state: 'open' }, at)
            .flatMap((finding) => (finding.kind === 'dependency' && triageInForce(finding.triage, at) ? [{ finding, triage: finding.triage }] : []));
          const text = buildVex(entries, { timestamp: context.now(), toolVersion: context.version });
          if (options.output) writeOutputFile(context.path(options.output), text);
          else context.io.stdout.write(text);
          context.logger.info('vex written', { decisions: entries.length });
          return ExitCode.ok;
        } finally {
          store.close();
        }
      }),
    );

  vex
    .command('import')
    .description('record the statements of a CycloneDX VEX or OpenVEX document as fleet triage decisions')
    .argument('<file>', 'the VEX document (JSON)')
    .option('--by <name>', 'who is recording them (default: env SIEVE_USER, then USER)')
    .option('--target <name>', 'apply the decisions to this target only')
    .action(
      wrap(async (context, file: string, options: { by?: string; target?: string }) => {
        const path = context.path(file);
        let text: string;
        try {
          text = readFileSync(path, 'utf8');
        } catch (error) {
          throw new ParseError(path, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
        }
        const [{ parseVex }, { Store }, { packageFromPurl }] = await Promise.all([import('../../policy/vex.js'), import('../../store/store.js'), import('../package-url.js')]);
        const statements = parseVex(text, path);
        const by = options.by ?? context.io.env.SIEVE_USER ?? context.io.env.USER ?? 'unknown';
        const at = context.now().toISOString();
        const store = Store.open(join(context.home, 'sieve.db'));
        let recorded = 0;
        try {
          for (const statement of statements) {
            let pkg;
            try {
              pkg = packageFromPurl(statement.purl);
            } catch (error) {
              context.logger.warn(`skipped a statement: ${(error as Error).message}`, { vulnerability: statement.vulnerabilityIds[0] });
              continue;
            }
            const id = store.fleetTriage(
              {
                vulnerabilityIds: statement.vulnerabilityIds,
                ecosystem: pkg.ecosystem,
                name: pkg.name,
                ...(pkg.version ? { version: pkg.version } : {}),
                ...(options.target ? { target: options.target } : {}),
                status: statement.status,
                reason: statement.reason,
                by,
                at,
                ...(statement.justification ? { justification: statement.justification } : {}),
              },
              `vex:${path}`,
            );
            context.io.stdout.write(`${id}\t${statement.vulnerabilityIds[0]}\t${statement.purl}\t${statement.status}\n`);
            recorded += 1;
          }
        } finally {
          store.close();
        }
        context.logger.info('vex imported', { statements: statements.length, recorded });
        return ExitCode.ok;
      }),
    );
};
