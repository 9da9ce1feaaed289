import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Package } from '../../../src/model/types.js';
import { repoRoot, sharedSamplesDir } from '../helpers/sample-suite.js';

export { repoRoot };
export const samplesDir = path.join(sharedSamplesDir, 'javascript');

export function readFixture(...parts: string[]): string {
  return readFileSync(path.join(repoRoot, 'fixtures/inventory/npm', ...parts), 'utf8');
}

export function readSample(format: string, name: string): string {
  return readFileSync(path.join(samplesDir, format, name), 'utf8');
}

/** Every sample file of a format, relative to its folder (subfolders included). */
export function listSamples(format: string): string[] {
  const root = path.join(samplesDir, format);
  const out: string[] = [];
  for (const name of readdirSync(root)) {
    const full = path.join(root, name);
    if (statSync(full).isDirectory()) for (const inner of readdirSync(full)) out.push(`${name}/${inner}`);
    else out.push(name);
  }
  return out.sort();
}

/** A compact, exact view of a package for assertions: name@version, direct, scope, line, alias. */
export function brief(pkg: Package): string {
  const alias = pkg.alias === undefined ? '' : ` alias=${pkg.alias}`;
  const source = pkg.source === undefined ? '' : ` ${pkg.source}`;
  return `${pkg.name}@${pkg.version} ${pkg.direct ? 'direct' : 'transitive'} ${pkg.scope} L${pkg.location.line}${alias}${source}`;
}
