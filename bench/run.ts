/**
 * `npm run bench`: runs every bench/<area>.ts (each exports `bench()`), or only those named on the
 * command line (`npm run bench -- osv sbom`). Figures are printed, never asserted.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .filter((file) => wanted.length === 0 || wanted.includes(file.replace(/\.ts$/, '')))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n## ${file.replace(/\.ts$/, '')}`);
  const started = performance.now();
  try {
    const module = (await import(pathToFileURL(join(here, file)).href)) as { bench?: () => Promise<void> };
    if (typeof module.bench !== 'function') {
      console.log('(no bench() export)');
      continue;
    }
    await module.bench();
  } catch (error) {
    // One broken benchmark must not hide the others' figures.
    failed += 1;
    console.log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
if (failed > 0) process.exitCode = 1;
