import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { purlFor } from '../../src/model/purl.js';
import type { Ecosystem, Package } from '../../src/model/types.js';
import type { OsvRecord } from '../../src/osv/types.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixturesDir = path.join(repoRoot, 'fixtures/osv');
export const sharedOsvDb = path.resolve(repoRoot, '../shared/osv-db');

export function fixtureRecords(): OsvRecord[] {
  const dir = path.join(fixturesDir, 'records');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as OsvRecord);
}

export function pkg(ecosystem: string, name: string, version: string, line = 1): Package {
  const known = ecosystem as Ecosystem;
  let purl = `pkg:generic/${name}@${version}`;
  try {
    purl = purlFor(known, name, version);
  } catch {
    // an ecosystem purlFor does not know (tests of unknown ecosystems)
  }
  return { ecosystem: known, name, version, purl, direct: true, scope: 'runtime', location: { path: 'package-lock.json', line } };
}
