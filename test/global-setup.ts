import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * End-to-end tests run the built CLI (bin/sieve.js → dist/): build it once, first. Type errors are
 * the type check's to report (npm test runs it before the tests); here only a missing build fails.
 */
export default function setup(): void {
  const root = resolve(import.meta.dirname, '..');
  try {
    execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    if (!existsSync(resolve(root, 'dist/cli/bin.js'))) throw error;
  }
}
