import path from 'node:path';
import { SieveError } from '../model/errors.js';
import { baseEcosystem } from '../model/package-name.js';
import { purlFor } from '../model/purl.js';
import type { OsvProvenance } from '../model/records.js';
import { isEcosystem, type Finding, type Package } from '../model/types.js';
import { run, type RunResult } from '../exec/run.js';
import { recordProblem } from './db.js';
import { findingsForMatch } from './match.js';
import { trustedMatch, type VulnerabilitySource } from './source.js';
import type { OsvRecord } from './types.js';

/** osv-scanner's JSON output (`--format json`), as much of it as Sieve reads. */
interface ScannerOutput {
  results?: Array<{
    source?: { path?: string; type?: string };
    packages?: Array<{
      package?: { name?: string; version?: string; ecosystem?: string };
      vulnerabilities?: unknown[];
      groups?: Array<{ ids?: string[] }>;
    }>;
  }>;
}

/** Exit codes osv-scanner documents: 0 nothing found, 1 vulnerabilities found, 128 no packages. */
const OK_EXIT_CODES = new Set([0, 1, 128]);

/** Turns osv-scanner's JSON into findings; paths become relative to the checkout. Pure. */
export function parseOsvScannerOutput(
  text: string,
  checkoutDir: string,
): { findings: Finding[]; problems: string[]; provenance: OsvProvenance } {
  let output: ScannerOutput;
  try {
    output = JSON.parse(text) as ScannerOutput;
  } catch (error) {
    throw new SieveError('SIEVE_OSV', `osv-scanner printed output that is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const findings: Finding[] = [];
  const problems: string[] = [];
  const perEcosystem = new Map<string, Set<string>>();
  for (const result of output.results ?? []) {
    const source = result.source?.path ?? '';
    const relative = path.isAbsolute(source) ? path.relative(checkoutDir, source) : source;
    const location = relative.split(path.sep).join('/');
    for (const entry of result.packages ?? []) {
      const { name, version, ecosystem } = entry.package ?? {};
      if (!name || version === undefined || !ecosystem) continue;
      const base = baseEcosystem(ecosystem);
      if (!isEcosystem(base)) {
        problems.push(`osv-scanner reported ${ecosystem} ${name}@${version}, an ecosystem Sieve does not know`);
        continue;
      }
      const records: OsvRecord[] = [];
      for (const value of entry.vulnerabilities ?? []) {
        const problem = recordProblem(value);
        if (problem) problems.push(`osv-scanner: an advisory of ${name}@${version} is not an OSV record (${problem})`);
        else records.push(value as OsvRecord);
      }
      if (records.length === 0) continue;
      const ids = perEcosystem.get(base) ?? new Set<string>();
      perEcosystem.set(base, ids);
      for (const record of records) ids.add(record.id);
      const pkg: Package = {
        ecosystem: base,
        name,
        version,
        purl: purlFor(base, name, version),
        direct: true,
        scope: 'runtime',
        location: { path: location, line: 1 },
      };
      findings.push(...findingsForMatch(trustedMatch(pkg, records)));
    }
  }
  const provenance: OsvProvenance = { source: 'osv-scanner', ecosystems: {} };
  for (const [ecosystem, ids] of perEcosystem) provenance.ecosystems[ecosystem] = { records: ids.size };
  return { findings, problems, provenance };
}

export interface OsvScannerOptions {
  /** Program to run; `osv-scanner` found on PATH by default. */
  binary?: string;
  timeoutMs?: number;
}

/** Runs `osv-scanner scan source --format json -r <checkoutDir>` and reads its findings. */
export function osvScannerSource(options: OsvScannerOptions = {}): VulnerabilitySource {
  const binary = options.binary ?? 'osv-scanner';
  return {
    kind: 'osv-scanner',
    async lookup(_packages, context) {
      if (!context.checkoutDir) throw new SieveError('SIEVE_OSV', 'osv-scanner needs a checkout directory');
      const result: RunResult = await run(binary, ['scan', 'source', '--format', 'json', '-r', context.checkoutDir], {
        timeoutMs: options.timeoutMs ?? 10 * 60_000,
      });
      if (result.failedToStart) throw new SieveError('SIEVE_EXEC', `${binary} not found on PATH (or could not be started)`);
      if (result.timedOut) throw new SieveError('SIEVE_EXEC', `${binary} timed out`);
      if (result.exitCode === undefined || !OK_EXIT_CODES.has(result.exitCode)) {
        const stderr = result.stderr.trim().split('\n').slice(-5).join('\n');
        throw new SieveError('SIEVE_EXEC', `${binary} exited with code ${result.exitCode}${stderr ? `: ${stderr}` : ''}`);
      }
      if (result.exitCode === 128 && result.stdout.trim() === '') {
        return { findings: [], problems: [], provenance: { source: 'osv-scanner', ecosystems: {} } };
      }
      return parseOsvScannerOutput(result.stdout, context.checkoutDir);
    },
  };
}
