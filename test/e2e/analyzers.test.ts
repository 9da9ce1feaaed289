import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, sieve, sharedDir } from '../helpers/cli.js';
import { TestRepo, tempDir } from '../helpers/git.js';
import { requireTool } from '../helpers/tools.js';

// CI installs flawfinder (scripts/install-test-tools.sh); only a developer machine without it may skip.
const realAnalyzers = requireTool('flawfinder') !== undefined ? describe : describe.skip;

const appJs = (prefix = '', indent = '  ', input = 'input') => `${prefix}export function run(${input}) {
${indent}const value = eval(${input});
${indent}return value;
}
`;

const copyC = (prefix = '') => `${prefix}#include <string.h>

int main(int argc, char **argv) {
  char buffer[16];
  strcpy(buffer, argv[1]);
  return argc;
}
`;

interface NewItem {
  id: string;
  kind: string;
  rule?: { id: string; tool: string };
  location?: { path: string; startLine?: number };
}

realAnalyzers('real analyzers in a scan: ESLint and flawfinder', () => {
  const root = tempDir('sieve-analyzers-');
  const home = join(root, 'home');
  const config = join(root, 'scan-targets.json');
  const repo = new TestRepo(root, 'code');
  const slowFlag = join(root, 'slow');
  const slowTool = join(repoRoot, 'fixtures/bin/sarif-or-hang.mjs');

  function scan(day: number, extra: string[] = []) {
    const result = sieve(['scan', '--targets', config, '--home', home, '--osv-db', join(sharedDir, 'osv-db'), '--json', ...extra], {
      cwd: root,
      env: { SIEVE_NOW: `2026-11-${String(day).padStart(2, '0')}T03:00:00Z` },
    });
    const finished = result.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; runDir?: string })
      .find((entry) => entry.msg === 'scan finished');
    const runDir = finished?.runDir ?? '';
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as {
      targets: Array<{ status: string; errors: string[]; counts: Record<string, number> }>;
    };
    const newFindings = JSON.parse(readFileSync(join(runDir, 'new.json'), 'utf8')) as NewItem[];
    return { ...result, runDir, summary, target: summary.targets[0]!, newFindings };
  }
  const describeFindings = (items: NewItem[]) => items.map((item) => `${item.rule?.tool}:${item.rule?.id}@${item.location?.path}:${item.location?.startLine}`).sort();

  beforeAll(() => {
    repo.write({ 'src/app.js': appJs(), 'src/copy.c': copyC() });
    repo.commit('code with findings');
    writeFileSync(
      config,
      JSON.stringify({
        targets: [
          {
            name: 'code',
            repo: repo.url,
            analyzers: ['eslint', 'flawfinder', { name: 'slowpoke', command: [process.execPath, slowTool, slowFlag], output: 'stdout', timeoutSeconds: 2 }],
          },
        ],
      }),
    );
  });

  it('stores the real tools\' findings on the first scan', () => {
    const result = scan(1);
    expect(result.target.errors).toEqual([]);
    expect(result.target.status).toBe('ok');
    const found = describeFindings(result.newFindings);
    expect(found).toContain('eslint:no-eval@src/app.js:2');
    expect(found).toContain('slowpoke:SLOW1@src/copy.c:5');
    expect(found.some((entry) => /^flawfinder:FF\d+@src\/copy\.c:5$/.test(entry))).toBe(true);
    const sarif = JSON.parse(readFileSync(join(result.runDir, 'targets/code/code-scanning.sarif'), 'utf8')) as {
      runs: Array<{ automationDetails: { id: string }; results: Array<{ baselineState: string }> }>;
    };
    expect(sarif.runs.map((run) => run.automationDetails.id).sort()).toEqual(['sieve/eslint/', 'sieve/flawfinder/', 'sieve/slowpoke/']);
    expect(sarif.runs.flatMap((run) => run.results.map((item) => item.baselineState))).not.toContain('unchanged');
  });

  it('reports nothing new after lines are inserted above the findings and whitespace is reformatted', () => {
    repo.write({ 'src/app.js': appJs('// a header comment\n\nimport "./setup.js";\n\n', '\t'), 'src/copy.c': copyC('/* licence\n * header */\n#include <stdio.h>\n') });
    repo.commit('insert lines above, reindent');
    const result = scan(2);
    expect(result.newFindings).toEqual([]);
    expect(result.target.counts).toMatchObject({ new: 0, fixed: 0 });
    expect(result.target.counts.unchanged).toBeGreaterThanOrEqual(3);
  });

  it('a change to the flagged line itself is a new finding and fixes the old one', () => {
    repo.write({ 'src/app.js': appJs('// a header comment\n\nimport "./setup.js";\n\n', '\t', 'payload'), 'src/copy.c': copyC('/* licence\n * header */\n#include <stdio.h>\n') });
    repo.commit('change the eval line');
    const result = scan(3);
    expect(describeFindings(result.newFindings)).toEqual(['eslint:no-eval@src/app.js:6']);
    expect(result.target.counts).toMatchObject({ new: 1, fixed: 1 });
  });

  it('an analyzer that hangs is killed at its timeout, its stage fails and its findings stay open', () => {
    writeFileSync(slowFlag, '');
    const started = Date.now();
    // The commit and the analyzer's program are unchanged (only a flag file makes it hang), so an
    // incremental night would skip the target: force the scan.
    const result = scan(4, ['--force']);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(result.code).toBe(3);
    expect(result.target.status).toBe('partial');
    expect(result.target.errors.join('\n')).toMatch(/slowpoke/);
    expect(result.target.errors.join('\n')).toMatch(/timed out|timeout/i);
    expect(result.target.counts).toMatchObject({ new: 0, fixed: 0 });
    const open = JSON.parse(sieve(['findings', '--home', home, '--state', 'open', '--format', 'json'], { cwd: root }).stdout) as Array<{ rule?: { id: string } }>;
    expect(open.map((finding) => finding.rule?.id)).toContain('SLOW1');
  });

  it('the code-scanning SARIF passes the SARIF Multitool validator', () => {
    const runDir = scan(5).runDir;
    const file = join(runDir, 'targets/code/code-scanning.sarif');
    const out = join(root, 'validation.sarif');
    const multitool = join(repoRoot, 'node_modules/.bin/sarif-multitool');
    const validation = sieveMultitool(multitool, ['validate', file, '--output', out]);
    expect(validation, 'multitool ran').toBeDefined();
    const log = JSON.parse(readFileSync(out, 'utf8')) as { runs: Array<{ results?: Array<{ level?: string; message: { text?: string }; ruleId?: string }> }> };
    const errors = log.runs.flatMap((run) => run.results ?? []).filter((item) => item.level === 'error');
    expect(errors.map((item) => `${item.ruleId}: ${item.message.text}`)).toEqual([]);
  });
});

function sieveMultitool(bin: string, args: string[]): string {
  try {
    return execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
  } catch (error) {
    // The validator exits non-zero when it found problems; the output file says which.
    return String((error as { stdout?: string }).stdout ?? '');
  }
}
