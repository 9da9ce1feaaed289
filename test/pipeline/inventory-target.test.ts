import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../src/config/load.js';
import type { Finding } from '../../src/model/types.js';
import type { TargetCheckout } from '../../src/pipeline/checkout-target.js';
import { inventoryTarget } from '../../src/pipeline/inventory-target.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/git.js';

const target = (dir: string): TargetConfig => ({
  name: 'app',
  key: 'app',
  kind: 'directory' as TargetConfig['kind'],
  path: dir,
  analyzers: [],
  sarif: [],
  paths: [],
  exclude: [],
  skipEcosystems: [],
  includeTestFixtures: false,
  rules: [],
});

/** The OSV finding a scan would make for jinja2 2.4.1 in requirements.txt. */
function jinjaFinding(): Finding {
  return {
    kind: 'dependency',
    source: 'osv',
    severity: 'medium',
    title: 'PYSEC-2014-8 in jinja2@2.4.1',
    location: { path: 'requirements.txt', startLine: 1 },
    cwes: [],
    package: { ecosystem: 'PyPI', name: 'jinja2', version: '2.4.1', purl: 'pkg:pypi/jinja2@2.4.1', direct: true, scope: 'runtime' },
    vulnerability: { id: 'PYSEC-2014-8', aliases: [], fixedVersions: ['2.7.2'] },
  };
}

describe('inventoryTarget: a file Sieve could not read keeps its findings open', () => {
  let store: Store;
  let dir: string;
  let run = 0;
  beforeEach(() => {
    dir = tempDir();
    store = Store.open(join(tempDir(), 'sieve.db'));
  });
  afterEach(() => store.close());

  /** Inventories the directory and records one run, with the finding when jinja2 2.4.1 was read. */
  async function scan(requirements: string) {
    writeFileSync(join(dir, 'requirements.txt'), requirements);
    // Async since git targets read their blobs from the object store; a directory reads in place.
    const inventory = await inventoryTarget(target(dir), { dir, commit: 'none' } as TargetCheckout);
    const findings = inventory.packages.some((pkg) => pkg.purl === 'pkg:pypi/jinja2@2.4.1') ? [{ finding: jinjaFinding() }] : [];
    run += 1;
    const runId = `run-${run}`;
    const at = `2026-11-${String(run).padStart(2, '0')}T00:00:00.000Z`;
    store.beginRun(runId, at);
    const { touched } = store.recordTarget(
      { runId, target: { name: 'app', key: 'app' }, at, startedAt: at, findings, failures: inventory.failures, inventory: inventory.snapshot },
      undefined,
    );
    return { inventory, transitions: touched.map((finding) => finding.lastTransition) };
  }
  const openCount = () => store.findings({ target: 'app', state: 'open' }).length;

  it.each([
    ['an empty file', ''],
    ['a whitespace-only file', '  \n\n'],
    ['a Git LFS pointer', 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 42\n'],
    ['a line over maxLineLength', `jinja2==2.4.1 ${' '.repeat(70_000)}# pinned\n`],
  ])('%s: the target says why, and the finding is not fixed', async (_label, content) => {
    expect((await scan('jinja2==2.4.1\n')).transitions).toEqual(['new']);
    const { inventory, transitions } = await scan(content);
    expect(inventory.failures).toHaveLength(1);
    expect(inventory.failures[0]).toMatchObject({ stage: 'inventory', scope: { kind: 'dependencies', lockfile: 'requirements.txt' } });
    expect(inventory.failures[0]?.message).toMatch(/^requirements\.txt: (the file is empty|the file is a Git LFS pointer|line 1 is \d+ characters long)/);
    expect(transitions).toEqual([]);
    expect(openCount()).toBe(1);
  });

  it('a file read whole that no longer lists the package is evidence: the finding is fixed', async () => {
    await scan('jinja2==2.4.1\n');
    const { inventory, transitions } = await scan('# no dependencies any more\n');
    expect(inventory.failures).toEqual([]);
    expect(transitions).toEqual(['fixed']);
    expect(openCount()).toBe(0);
  });
});
