
import { registerFindings } from './findings.js';
import { registerSbom } from './sbom.js';
import { registerScan } from './scan.js';
import type { RegisterCommand } from './types.js';

/** Every command, one file each, in the order `sieve --help` lists them. */
export const commands: RegisterCommand[] = [registerScan, registerSbom, registerFindings];
