/**
 * The fuzz suite (issue 13): every parser of untrusted input ends each mutated case in a result
 * or a typed SieveError, within CASE_TIME_BOUND_MS. `npm test` runs 1,000 cases per parser;
 * `npm run fuzz` runs 10,000 and prints the table (SIEVE_FUZZ_RUNS, SIEVE_FUZZ_SEED override).
 */
import { describe, expect, it } from 'vitest';
import { extractors } from '../../src/inventory/registry.js';
import { CASE_TIME_BOUND_MS, formatTable, fuzzRuns, fuzzTarget, type FuzzStats } from './run.js';
import { allTargets } from './targets.js';

const runs = fuzzRuns(1_000);
const targets = allTargets();
const rows: FuzzStats[] = [];

describe('fuzz: a result or a typed error, within the time bound', () => {
  it('covers every registered extractor, with seeds', () => {
    for (const id of extractors.keys()) {
      const target = targets.find((candidate) => candidate.name === id);
      expect(target, id).toBeDefined();
      expect(target!.seeds.length, `${id} has no seed files`).toBeGreaterThan(0);
    }
  });

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
