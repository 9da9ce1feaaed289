/**
 * `npm run fuzz`: 10,000 cases per parser (SIEVE_FUZZ_RUNS to change, SIEVE_FUZZ_SEED to replay),
 * then the table: parser, cases, typed errors, untyped errors, known-open, slowest case.
 * `npm run fuzz -- npm/ sarif` runs only the targets whose names start with those words;
 * SIEVE_FUZZ_SCALE=ci uses the smaller inputs of `npm test`.
 * Exits 1 when any case threw an untyped error or went over the time bound.
 */
import { CASE_TIME_BOUND_MS, formatTable, fuzzRuns, fuzzTarget, type FuzzStats } from './run.js';
import { CI_SCALE, FULL_SCALE } from './mutate.js';
import { allTargets } from './targets.js';

const runs = fuzzRuns(10_000);
const wanted = process.argv.slice(2);
const rows: FuzzStats[] = [];
let failed = false;
for (const target of allTargets().filter((candidate) => wanted.length === 0 || wanted.some((word) => candidate.name.startsWith(word)))) {
  const started = performance.now();
  const stats = await fuzzTarget(target, runs, process.env.SIEVE_FUZZ_SCALE === 'ci' ? CI_SCALE : FULL_SCALE);
  rows.push(stats);
  const bad = stats.untyped > 0 || stats.slowestMs > CASE_TIME_BOUND_MS;
  failed ||= bad;
  console.error(`${target.name}: ${stats.cases} cases in ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${stats.seed})${bad ? ' FAILED' : ''}`);
  for (const failure of stats.failures) console.error(`  ${failure}`);
  if (stats.slowestMs > 250) console.error(`  slowest: ${stats.slowest}`);
}
console.log(formatTable(rows));
if (failed) process.exitCode = 1;
