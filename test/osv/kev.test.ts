import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachKnownExploited, kevFor } from '../../src/model/known-exploited.js';
import { ParseError } from '../../src/model/errors.js';
import { isKevCatalog, parseKevCatalog } from '../../src/osv/kev.js';
import { importKevFile, looksLikeKevFile } from '../../src/pipeline/known-exploited.js';
import { Store } from '../../src/store/store.js';
import type { Finding } from '../../src/model/types.js';
import { PolicyEngine } from '../../src/policy/evaluate.js';
import { compileRule } from '../../src/policy/rules.js';
import { sharedDir } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';

const CATALOG = join(sharedDir, 'kev/known_exploited_vulnerabilities.json');

describe('KEV catalog', () => {
  it("reads CISA's published catalog whole", () => {
    const catalog = parseKevCatalog(readFileSync(CATALOG, 'utf8'), CATALOG);
    expect(catalog.catalogVersion).toBe('2025.08.25');
    expect(catalog.entries).toHaveLength(1404);
    expect(catalog.skipped).toEqual([]);
    const git = catalog.entries.find((entry) => entry.cve === 'CVE-2025-48384');
    expect(git).toMatchObject({ cve: 'CVE-2025-48384', dateAdded: '2025-08-25', dueDate: '2025-09-15', name: 'Git Link Following Vulnerability' });
  });

  it('keeps the good entries when one is bad, and names the bad one', () => {
    const text = JSON.stringify({
      catalogVersion: 'x',
      dateReleased: '2025-01-01T00:00:00Z',
      count: 3,
      vulnerabilities: [
        { cveID: 'CVE-2024-0001', dateAdded: '2024-02-01', knownRansomwareCampaignUse: 'Known' },
        { cveID: 'not-a-cve', dateAdded: '2024-02-01' },
        { cveID: 'CVE-2024-0002', dateAdded: 'yesterday' },
        null,
      ],
    });
    const catalog = parseKevCatalog(text, 'kev.json');
    expect(catalog.entries).toEqual([{ cve: 'CVE-2024-0001', dateAdded: '2024-02-01', ransomware: true }]);
    expect(catalog.skipped).toHaveLength(3);
    expect(catalog.skipped[0]).toContain('vulnerabilities[1]');
  });

  it('refuses what is not a catalog, naming the file', () => {
    expect(() => parseKevCatalog('{"id":"GHSA-1"}', 'GHSA-1.json')).toThrow(ParseError);
    expect(() => parseKevCatalog('{', 'broken.json')).toThrow(/broken\.json/);
    expect(isKevCatalog({ id: 'GHSA-1', affected: [] })).toBe(false);
  });

  it('finds a finding by its id or any alias, case-insensitively', () => {
    const catalog = new Map([['CVE-2025-1', { cve: 'CVE-2025-1', dateAdded: '2025-03-01' }]]);
    expect(kevFor(['GHSA-x', 'cve-2025-1'], catalog)?.dateAdded).toBe('2025-03-01');
    expect(kevFor(['GHSA-x'], catalog)).toBeUndefined();
    const [found, other] = attachKnownExploited(
      [
        { vulnerability: { id: 'GHSA-x', aliases: ['CVE-2025-1'] } },
        { vulnerability: { id: 'GHSA-y', aliases: [] }, knownExploited: { cve: 'CVE-2020-9', dateAdded: '2020-01-01' } },
      ],
      catalog,
    );
    expect(found?.knownExploited?.cve).toBe('CVE-2025-1');
    // Dropped from the catalog: no longer known exploited.
    expect(other?.knownExploited).toBeUndefined();
  });
});

describe('KEV in the store', () => {
  let store: Store;
  beforeEach(() => {
    store = Store.open(join(tempDir(), 'sieve.db'));
  });
  afterEach(() => store.close());

  it('imports the catalog file and replaces it on the next import', () => {
    expect(looksLikeKevFile(CATALOG)).toBe(true);
    const result = importKevFile(store, CATALOG, '2026-12-01T00:00:00.000Z');
    expect(result).toMatchObject({ catalogVersion: '2025.08.25', entries: 1404 });
    expect(store.knownExploited().get('CVE-2025-48384')?.dateAdded).toBe('2025-08-25');
    expect(store.knownExploitedInfo()).toMatchObject({ catalogVersion: '2025.08.25', count: 1404, source: 'known_exploited_vulnerabilities.json' });
    store.importKnownExploited([{ cve: 'CVE-2000-0001', dateAdded: '2000-01-01' }], {
      catalogVersion: 'tiny',
      dateReleased: '',
      count: 1,
      importedAt: '2026-12-02T00:00:00.000Z',
      source: 'tiny.json',
    });
    expect([...store.knownExploited().keys()]).toEqual(['CVE-2000-0001']);
  });

  it('the record path judges rules on known exploited, and the judged view carries it', () => {
    importKevFile(store, CATALOG, '2026-12-01T00:00:00.000Z');
    const rule = compileRule({ id: 'kev-critical', action: 'set-severity', severity: 'critical', match: { knownExploited: true } }, { file: 'rules/kev.yaml', path: 'rules[0]' }, 0);
    const policy = new PolicyEngine([rule]);
    const finding = (id: string, aliases: string[]): Finding => ({
      kind: 'dependency',
      source: 'osv',
      severity: 'low',
      title: id,
      location: { path: 'requirements.txt', startLine: 1 },
      cwes: [],
      package: { ecosystem: 'PyPI', name: 'salt', version: '3000.1', purl: 'pkg:pypi/salt@3000.1', direct: true, scope: 'runtime' },
      vulnerability: { id, aliases, fixedVersions: ['3000.2'] },
    });
    const at = '2026-12-01T02:00:00.000Z';
    store.beginRun('r1', at);
    const recorded = store.recordTarget(
      { runId: 'r1', target: { name: 'app', key: 'app' }, at, startedAt: at, findings: [{ finding: finding('PYSEC-2020-102', ['CVE-2020-11651']) }, { finding: finding('PYSEC-2099-1', []) }], failures: [] },
      policy,
    );
    expect(recorded.alerts.map((alert) => [alert.vulnerability?.id, alert.severity, alert.knownExploited?.cve])).toEqual([
      ['PYSEC-2020-102', 'critical', 'CVE-2020-11651'],
      ['PYSEC-2099-1', 'low', undefined],
    ]);
    expect(store.judged({}, at).map((judged) => [judged.severity, judged.knownExploited?.dateAdded])).toEqual([
      ['critical', '2021-11-03'],
      ['low', undefined],
    ]);
  });
});
