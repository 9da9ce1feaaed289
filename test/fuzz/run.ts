/**
 * Runs one fuzz target: N mutated cases, each must end in a result or a typed SieveError within
 * the time bound. Every case runs (no stop at the first failure) so the table counts them all.
 */
import fc from 'fast-check';
import { SieveError } from '../../src/model/errors.js';
import { knownOpen } from './known-open.js';
import { applyRecipe, describeRecipe, recipeArbitrary, CI_SCALE, type MutationKind, type Recipe, type Scale } from './mutate.js';

export interface FuzzTarget {
  /** Shown in the table: an extractor id (`npm/bun-lock`), `sarif/import`, `versioning/npm`… */
  name: string;
  seeds: readonly string[];
  /** Parses one input; a SieveError is an answer, anything else thrown is a bug. */
  run(text: string): unknown;
}

/** Most CPU time a single case may take; the whole point is that no file costs a night. */
export const CASE_TIME_BOUND_MS = 2_000;

export interface FuzzStats {
  name: string;
  cases: number;
  typed: number;
  /** Typed errors that are parse-file.ts's safety net around a parser bug (`… could not read it: …`). */
  netted: number;
  untyped: number;
  /** Cases of a known-open class (see known-open.ts): untyped errors counted but not failing, or inputs not run. */
  knownOpen: number;
  slowestMs: number;
  slowest?: string;
  /** The first few untyped errors and over-time cases, with the recipe to replay them. */
  failures: string[];
  seed: number;
}

export function fuzzRuns(fallback: number): number {
  const runs = Number(process.env.SIEVE_FUZZ_RUNS ?? fallback);
  return Number.isInteger(runs) && runs > 0 ? runs : fallback;
}

export async function fuzzTarget(target: FuzzTarget, runs: number, scale: Scale = CI_SCALE): Promise<FuzzStats> {
  const seed = Number(process.env.SIEVE_FUZZ_SEED ?? Date.now() % 2 ** 31);
  const open = knownOpen.filter((entry) => matchesTarget(entry.target, target.name));
  const skip = new Set<MutationKind>(open.flatMap((entry) => entry.skipMutations ?? []));
  const stats: FuzzStats = { name: target.name, cases: 0, typed: 0, netted: 0, untyped: 0, knownOpen: 0, slowestMs: 0, failures: [], seed };
  const seeds = target.seeds.length ? target.seeds : [''];
  const fail = (recipe: Recipe, what: string) => {
    if (stats.failures.length < 5) stats.failures.push(`${what}\n    replay: SIEVE_FUZZ_SEED=${seed} recipe ${describeRecipe(recipe)}`);
  };
  const details = await fc.check(
    fc.asyncProperty(recipeArbitrary(seeds.length, scale, skip), async (recipe) => {
      const text = applyRecipe(seeds, recipe, scale);
      stats.cases += 1;
      if (open.some((entry) => entry.skipInput?.(text))) {
        stats.knownOpen += 1;
        return true;
      }
      // CPU time of this process, not wall time: seven other test runs share the machine's cores.
      const started = process.cpuUsage();
      let error: unknown;
      try {
        await target.run(text);
      } catch (caught) {
        error = caught;
      }
      const used = process.cpuUsage(started);
      const elapsed = (used.user + used.system) / 1000;
      if (elapsed > stats.slowestMs) {
        stats.slowestMs = elapsed;
        stats.slowest = describeRecipe(recipe);
      }
      if (error instanceof SieveError) {
        stats.typed += 1;
        if (/ could not read it: /.test(error.message)) stats.netted += 1;
      }
      else if (error !== undefined) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        const withStack = `${message}\n${error instanceof Error ? (error.stack ?? '') : ''}`;
        if (open.some((entry) => entry.error?.test(withStack))) stats.knownOpen += 1;
        else {
          stats.untyped += 1;
          fail(recipe, `untyped ${message.slice(0, 300)}${error instanceof Error && error.stack ? `\n${error.stack.split('\n').slice(1, 4).join('\n')}` : ''}`);
        }
      }
      if (elapsed > CASE_TIME_BOUND_MS) {
        fail(recipe, `took ${elapsed.toFixed(0)} ms (bound ${CASE_TIME_BOUND_MS} ms)`);
        if (process.env.SIEVE_FUZZ_VERBOSE) console.error(`${target.name}: ${elapsed.toFixed(0)} ms ${describeRecipe(recipe)}`);
      }
      return true;
    }),
    // Every case runs and counts; a failure is reported by the caller with its recipe, not shrunk.
    { numRuns: runs, seed, endOnFailure: true },
  );
  // Only the harness itself can fail the property (a recipe that cannot be applied): say so.
  if (details.failed) stats.failures.push(`fuzz harness failed: ${String(details.errorInstance)} ${JSON.stringify(details.counterexample)?.slice(0, 300)}`);
  return stats;
}

function matchesTarget(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

export function formatTable(rows: FuzzStats[]): string {
  const header = ['parser', 'cases', 'typed errors', '(of which parser bugs caught)', 'untyped errors', 'known-open', 'slowest case (CPU ms)'];
  const body = rows.map((row) => [row.name, String(row.cases), String(row.typed), String(row.netted), String(row.untyped), String(row.knownOpen), row.slowestMs.toFixed(1)]);
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((width, i) => (i === 0 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`, ...body.map(line)].join('\n');
}
