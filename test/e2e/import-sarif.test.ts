import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sieve } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';

function log(tool: string, results: Array<{ rule: string; path: string; line: number; hash: string }>): string {
  return JSON.stringify({
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: tool, version: '1.0.0', rules: [...new Set(results.map((result) => result.rule))].map((id) => ({ id })) } },
        results: results.map((result) => ({
          ruleId: result.rule,
          level: 'error',
          message: { text: `${result.rule} at ${result.path}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: result.path }, region: { startLine: result.line } } }],
          partialFingerprints: { primaryLocationLineHash: result.hash },
        })),
      },
    ],
  });
}

describe('sieve import-sarif', () => {
  it('folds CI results into the store, speaking only for the tools in the files', () => {
    const dir = tempDir();
    const home = join(dir, 'home');
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const commit = 'a'.repeat(40);
    const run = (...files: string[]) => sieve(['import-sarif', '--target', 'web', '--commit', commit, '--home', home, ...files], { cwd: dir });
    const list = () =>
      (JSON.parse(sieve(['findings', '--target', 'web', '--format', 'json', '--home', home], { cwd: dir }).stdout) as Array<{ source: string; rule: { id: string }; state: string }>)
        .map((finding) => `${finding.source}:${finding.rule.id}:${finding.state}`)
        .sort();

    const codeql = file('codeql.sarif', log('CodeQL', [{ rule: 'js/xss', path: 'src/a.js', line: 3, hash: 'aaa:1' }, { rule: 'js/sql', path: 'src/b.js', line: 9, hash: 'bbb:1' }]));
    const semgrep = file('semgrep.sarif', log('Semgrep', [{ rule: 'eval', path: 'src/c.js', line: 1, hash: 'ccc:1' }]));
    const first = run(codeql, semgrep);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('new 3');

    // A later CodeQL upload without js/sql fixes it; Semgrep's finding is not its business.
    const codeqlLater = file('codeql-2.sarif', log('CodeQL', [{ rule: 'js/xss', path: 'src/a.js', line: 7, hash: 'aaa:1' }]));
    const second = run(codeqlLater);
    expect(second.code, second.stderr).toBe(0);
    expect(list()).toEqual(['codeql:js/sql:fixed', 'codeql:js/xss:open', 'semgrep:eval:open']);

    // A broken file fails the import and fixes nothing.
    const broken = file('broken.sarif', '{ "version": "2.1.0", "runs": [');
    const third = run(broken);
    expect(third.code).toBe(3);
    expect(third.stderr).toContain('broken.sarif');
    expect(list()).toEqual(['codeql:js/sql:fixed', 'codeql:js/xss:open', 'semgrep:eval:open']);

    expect(run(codeql).code).toBe(0);
    expect(list()).toEqual(['codeql:js/sql:open', 'codeql:js/xss:open', 'semgrep:eval:open']);
    expect(sieve(['import-sarif', '--target', 'web', '--commit', 'not-a-sha', '--home', home, codeql], { cwd: dir }).code).toBe(2);
  });
});
