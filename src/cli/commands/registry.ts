import { registerDb } from './db.js';
import { registerExport } from './export.js';
import { registerFindings } from './findings.js';
import { registerImportSarif } from './import-sarif.js';
import { registerMerge } from './merge.js';
import { registerReport } from './report.js';
import { registerSbom } from './sbom.js';
import { registerScan } from './scan.js';
import { registerTriage } from './triage.js';
import type { RegisterCommand } from './types.js';
import { registerUpload } from './upload.js';
import { registerVex } from './vex.js';

/** Every command, one file each, in the order `sieve --help` lists them. */
export const commands: RegisterCommand[] = [
  registerScan,
  registerSbom,
  registerDb,
  registerImportSarif,
  registerFindings,
  registerTriage,
  registerVex,
  registerExport,
  registerReport,
  registerUpload,
  registerMerge,
];
