/**
 * A configured `sarif` glob that matches nothing is a failed read of the tools it imports: their
 * findings stay open and the target is partial with the reason (absence of evidence is not a fix).
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../src/config/load.js';
import { analyzeTarget } from '../../src/pipeline/analyze-target.js';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function target(sarif: string[]): TargetConfig {
  return { name: 't', key: 't', kind: 'directory', path: '/x', analyzers: [], sarif, paths: [], exclude: [], skipEcosystems: [], includeTestFixtures: false, rules: [] };
}

describe('analyzeTarget: sarif globs', () => {
  it('reports each glob that matched no file as a failure that keeps code findings open, and imports the rest', async () => {
    const dir = tempDir();
    temps.push(dir);
    mkdirSync(join(dir, 'ci'));
    copyFileSync(join(repoRoot, 'fixtures/sarif/eslint/app.sarif'), join(dir, 'ci', 'eslint.sarif'));
    const analysis = await analyzeTarget(target(['ci/*.sarif', 'artifacts/codeql-*.sarif']), { dir, commit: '' } as never, join(dir, '.tmp'));
    expect(analysis.failures).toEqual([
      { stage: 'sarif', scope: { kind: 'code' }, message: '"artifacts/codeql-*.sarif" (sarif) matched no file in the checkout; code findings stay as they were' },
    ]);
    expect(analysis.tools).toEqual(['eslint']);
  });

  it('a target whose only glob matches nothing is not a clean run', async () => {
    const dir = tempDir();
    temps.push(dir);
    const analysis = await analyzeTarget(target(['ci/*.sarif']), { dir, commit: '' } as never, join(dir, '.tmp'));
    expect(analysis.failures).toHaveLength(1);
    expect(analysis.findings).toEqual([]);
  });

  it('names the log once in each warning about a dropped result', async () => {
    const dir = tempDir();
    temps.push(dir);
    mkdirSync(join(dir, 'ci'));
    copyFileSync(join(repoRoot, 'fixtures/sarif/unsafe/base-climbs-out.sarif'), join(dir, 'ci', 'evil.sarif'));
    const analysis = await analyzeTarget(target(['ci/*.sarif']), { dir, commit: '' } as never, join(dir, '.tmp'));
    expect(analysis.warnings.length).toBeGreaterThan(0);
    for (const warning of analysis.warnings) {
      expect(warning.startsWith('ci/evil.sarif: ')).toBe(true);
      expect(warning).not.toContain('ci/evil.sarif: ci/evil.sarif');
    }
  });
});
