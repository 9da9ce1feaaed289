import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, UsageError } from '../../model/errors.js';
import type { KevCatalogInfo } from '../../model/records.js';
import type { CommandContext } from '../context.js';
import type { RegisterCommand } from './types.js';

/** CISA's KEV catalog into the store, replacing the one there. */
async function importKev(context: CommandContext, file: string): Promise<void> {
  const [{ Store }, { importKevFile }] = await Promise.all([import('../../store/store.js'), import('../../pipeline/known-exploited.js')]);
  const store = Store.open(join(context.home, 'sieve.db'));
  try {
    const result = importKevFile(store, file, context.now().toISOString());
    context.io.stdout.write(`known exploited (KEV)\t${result.entries} CVEs\t${result.skipped.length} skipped\tcatalog ${result.catalogVersion}\n`);
    for (const problem of result.skipped.slice(0, 20)) context.logger.warn(problem, { file });
  } finally {
    store.close();
  }
}

async function knownExploitedStatus(home: string): Promise<KevCatalogInfo | undefined> {
  const storeFile = join(home, 'sieve.db');
  if (!existsSync(storeFile)) return undefined;
  const { Store } = await import('../../store/store.js');
  const store = Store.open(storeFile);
  try {
    return store.knownExploitedInfo();
  } finally {
    store.close();
  }
}

/** The ecosystems the targets use (from the store's latest inventories) and those already imported. */
async function ecosystemsInUse(home: string, osvDir: string): Promise<string[]> {
  const [{ ecosystemOfPurlType }, { inventoryPurlTypes }, { Store }, { osvStatus }] = await Promise.all([
    import('../../model/purl.js'),
    import('../../store/runs.js'),
    import('../../store/store.js'),
    import('../../osv/db.js'),
  ]);
  const found = new Set(osvStatus(osvDir).map((row) => row.ecosystem));
  const storeFile = join(home, 'sieve.db');
  if (existsSync(storeFile)) {
    const store = Store.open(storeFile);
    try {
      for (const type of inventoryPurlTypes(store.db)) {
        const ecosystem = ecosystemOfPurlType(type);
        if (ecosystem) found.add(ecosystem);
      }
    } finally {
      store.close();
    }
  }
  return [...found].sort();
}

/** osv.dev's public bucket of per-ecosystem all.zip files. */
export const DEFAULT_OSV_DB_URL = 'https://osv-vulnerabilities.storage.googleapis.com';

export const registerDb: RegisterCommand = (program, wrap) => {
  const db = program.command('db').description('the offline OSV database');

  db.command('import')
    .description("add or update OSV records: osv.dev's <Ecosystem>/all.zip layout, a ZIP, or a folder of JSON records")
    .argument('<sources...>', 'folders or ZIP files')
    .option('--replace', "replace each ecosystem's data with what the sources hold for it (default: add to it and update records by id)")
    .action(
      wrap(async (context, given: string[], options: { replace?: boolean }) => {
        // CISA's KEV catalog may be given with the OSV data: it goes to the store.
        const { looksLikeKevFile } = await import('../../pipeline/known-exploited.js');
        const paths = given.map(context.path);
        const kevFiles = paths.filter(looksLikeKevFile);
        const sources = paths.filter((path) => !kevFiles.includes(path));
        for (const file of kevFiles) await importKev(context, file);
        if (sources.length === 0) return ExitCode.ok;
        const { importOsv } = await import('../../osv/db.js');
        const report = await importOsv(join(context.home, 'osv'), sources, { replace: options.replace === true });
        let failed = false;
        for (const [ecosystem, result] of Object.entries(report).sort(([a], [b]) => a.localeCompare(b))) {
          const change = result.added !== undefined ? `\t${result.added} added\t${result.updated ?? 0} updated` : '';
          context.io.stdout.write(`${ecosystem}\t${result.records} records${change}\t${result.skipped} skipped\n`);
          for (const error of result.errors.slice(0, 20)) context.logger.warn(error, { ecosystem });
          if (result.records === 0) failed = true;
        }
        if (Object.keys(report).length === 0) throw new UsageError(`no OSV records found in ${sources.join(', ')}`);
        return failed ? ExitCode.incomplete : ExitCode.ok;
      }),
    );

  db.command('import-kev')
    .description("import CISA's Known Exploited Vulnerabilities catalog (known_exploited_vulnerabilities.json)")
    .argument('<file>', 'the catalog file')
    .action(
      wrap(async (context, file: string) => {
        await importKev(context, context.path(file));
        return ExitCode.ok;
      }),
    );

  db.command('status')
    .description('per-ecosystem record counts and how fresh the data is')
    .action(
      wrap(async (context) => {
        const { osvStatus } = await import('../../osv/db.js');
        const rows = osvStatus(join(context.home, 'osv'));
        const kev = await knownExploitedStatus(context.home);
        if (context.json) {
          // The KEV catalog is one more row of the same shape, so readers of the list keep working.
          const kevRow = kev ? [{ ecosystem: 'KEV', records: kev.count, lastModified: kev.dateReleased, importedAt: kev.importedAt, source: `${kev.source} (catalog ${kev.catalogVersion})` }] : [];
          context.io.stdout.write(`${JSON.stringify([...rows, ...kevRow], null, 2)}\n`);
          return ExitCode.ok;
        }
        if (kev) context.io.stdout.write(`known exploited (KEV)\t${kev.count} CVEs\tcatalog ${kev.catalogVersion}\timported ${kev.importedAt}\n`);
        if (rows.length === 0) {
          context.io.stdout.write('no OSV data imported: run "sieve db update" or "sieve db import DIR|ZIP"\n');
          return ExitCode.ok;
        }
        context.io.stdout.write('ecosystem\trecords\tlast modified\timported at\tsource\n');
        for (const row of rows) {
          context.io.stdout.write(`${row.ecosystem}\t${row.records}\t${row.lastModified ?? '-'}\t${row.importedAt ?? '-'}\t${row.source ?? '-'}\n`);
        }
        return ExitCode.ok;
      }),
    );

  db.command('update')
    .description("download osv.dev's per-ecosystem all.zip for the ecosystems in use (only when changed)")
    .option('--ecosystems <names...>', 'ecosystems to update (default: those already imported, or all Sieve reads)')
    .option('--targets <file>', 'the scan-targets file (for its osv.dbUrl)', 'scan-targets.json')
    .option('--db-url <url>', 'base URL of the <Ecosystem>/all.zip files')
    .action(
      wrap(async (context, options: { ecosystems?: string[]; targets: string; dbUrl?: string }) => {
        const [{ loadConfig }, { updateOsv }] = await Promise.all([import('../../config/load.js'), import('../../osv/update.js')]);
        const osvDir = join(context.home, 'osv');
        const loaded = loadConfig(context.path(options.targets));
        const baseUrl = options.dbUrl ?? loaded.config?.osv.dbUrl ?? DEFAULT_OSV_DB_URL;
        const ecosystems = options.ecosystems ?? (await ecosystemsInUse(context.home, osvDir));
        if (ecosystems.length === 0) {
          throw new UsageError('--ecosystems: name the ecosystems to download (no scan has recorded any yet, and none are imported)');
        }
        const results = await updateOsv(osvDir, ecosystems, baseUrl);
        let failed = false;
        for (const result of results) {
          context.io.stdout.write(`${result.ecosystem}\t${result.status}${result.records !== undefined ? `\t${result.records} records` : ''}${result.error ? `\t${result.error}` : ''}\n`);
          if (result.status === 'failed') failed = true;
        }
        return failed ? ExitCode.incomplete : ExitCode.ok;
      }),
    );
};
