/**
 * One vitest suite over some fuzz targets: every case must end in a result or a typed SieveError
 * within CASE_TIME_BOUND_MS. `npm test` runs 1,000 cases per target (SIEVE_FUZZ_RUNS and
 * SIEVE_FUZZ_SEED override); `npm run fuzz` runs 10,000 and prints the table.
 */
import { describe, expect, it } from 'vitest';
import { CASE_TIME_BOUND_MS, formatTable, fuzzRuns, fuzzTarget, type FuzzStats, type FuzzTarget } from './run.js';

export function fuzzSuite(title: string, targets: FuzzTarget[]): void {
  const runs = fuzzRuns(1_000);
  const rows: FuzzStats[] = [];
  describe(`fuzz ${title}: a result or a typed error, within the time bound`, () => {
    it.each(targets.map((target) => [target.name, target] as const))('%s', async (_name, target) => {
      const stats = await fuzzTarget(target, runs);
      rows.push(stats);
      expect(stats.cases).toBe(runs);
      expect(stats.failures, `seed ${stats.seed}`).toEqual([]);
      expect(stats.untyped).toBe(0);
      expect(stats.slowestMs).toBeLessThanOrEqual(CASE_TIME_BOUND_MS);
    });

    it('prints the table', () => {
      console.log(`\n${formatTable(rows)}\n`);
    });
  });
}
