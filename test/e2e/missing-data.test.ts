import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDir, sieve } from '../helpers/cli.js';
import { TestRepo, tempDir } from '../helpers/git.js';

interface Summary {
  targets: Array<{ name: string; status: string; errors: string[]; counts: { new: number; fixed: number; open: number } }>;
  warnings?: string[];
}

function runDir(stderr: string): string {
  const line = stderr.split('\n').filter((entry) => entry.includes('"scan finished"')).at(-1) ?? '{}';
  return (JSON.parse(line) as { runDir: string }).runDir;
}

const WORKFLOW = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: example-org/setup-thing@v1.2.0\n';
const LOCK = JSON.stringify({ name: 'x', lockfileVersion: 3, packages: { '': { name: 'x', dependencies: { semver: '4.3.0' } }, 'node_modules/semver': { version: '4.3.0' } } });

describe('an ecosystem without OSV data', () => {
  it('is one warning per run naming the fetch command; the targets stay ok, the run exits 0 and its findings stay open', () => {
    const root = tempDir('sieve-missing-data-');
    const repos = ['one', 'two'].map((name) => {
      const repo = new TestRepo(root, name).write({ '.github/workflows/ci.yml': WORKFLOW, 'package-lock.json': LOCK });
      repo.commit('workflow and lockfile');
      return { name, repo: repo.url };
    });
    const config = join(root, 'scan-targets.json');
    writeFileSync(config, JSON.stringify({ targets: repos }));
    const home = join(root, 'home');

    // First night: data for GitHub Actions exists (imported into the home), so the action's advisory is found.
    const records = join(root, 'records');
    mkdirSync(records);
    writeFileSync(
      join(records, 'GHSA-test-actn-0001.json'),
      JSON.stringify({
        id: 'GHSA-test-actn-0001',
        modified: '2026-01-01T00:00:00Z',
        summary: 'setup-thing leaks the token',
        affected: [{ package: { ecosystem: 'GitHub Actions', name: 'example-org/setup-thing' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }],
      }),
    );
    expect(sieve(['db', 'import', records, '--home', home], { cwd: root }).code).toBe(0);
    const first = sieve(['scan', '--targets', config, '--home', home, '--osv-db', join(home, 'osv'), '--json'], { cwd: root });
    const firstSummary = JSON.parse(readFileSync(join(runDir(first.stderr), 'summary.json'), 'utf8')) as Summary;
    expect(firstSummary.targets.map((target) => target.counts.open)).toEqual([1, 1]);

    // Next night the data in use has no GitHub Actions records at all.
    const second = sieve(['scan', '--targets', config, '--home', home, '--osv-db', join(sharedDir, 'osv-db'), '--json'], { cwd: root });
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(runDir(second.stderr), 'summary.json'), 'utf8')) as Summary;
    expect(summary.targets.map((target) => [target.name, target.status, target.errors])).toEqual([
      ['one', 'ok', []],
      ['two', 'ok', []],
    ]);
    expect(summary.warnings?.filter((warning) => warning.includes('GitHub Actions'))).toEqual([
      'no OSV data for GitHub Actions (2 target(s)): its packages were not checked and their findings stay open; fetch it with: sieve db update --ecosystems "GitHub Actions"',
    ]);
    // The action's finding is not fixed by the absence of data; the npm ones are new.
    expect(summary.targets.map((target) => target.counts.fixed)).toEqual([0, 0]);
    const open = JSON.parse(sieve(['findings', '--home', home, '--state', 'open', '--format', 'json'], { cwd: root }).stdout) as Array<{ vulnerability?: { id: string } }>;
    expect(open.filter((finding) => finding.vulnerability?.id === 'GHSA-test-actn-0001')).toHaveLength(2);
    // One warning line in the log for the run, not one per target.
    expect(second.stderr.split('\n').filter((line) => line.includes('no OSV data for GitHub Actions'))).toHaveLength(1);
  });
});
