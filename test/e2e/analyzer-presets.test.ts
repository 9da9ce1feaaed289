import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { finishedRunDir, sharedDir, sieve } from '../helpers/cli.js';
import { TestRepo, tempDir } from '../helpers/git.js';
import { requireTool } from '../helpers/tools.js';

const tools = ['bandit', 'semgrep', 'gosec', 'gitleaks'].map((name) => [name, requireTool(name)] as const);
const allThere = tools.every(([, found]) => found !== undefined);
const withTools = allThere ? describe : describe.skip;

// A token of GitHub's shape that was never issued: gitleaks must find it, Sieve must not store it.
const FAKE_TOKEN = ['ghp', 'R8kZ2qX7vN4mT1wL9pB3cF6hJ0sD5gY8aK2e'].join('_');

const planted = {
  // bandit B602: a shell command built from input.
  'py/app.py': 'import subprocess\n\n\ndef run(command):\n    return subprocess.call(command, shell=True)\n',
  // semgrep: the rule the test writes below.
  'web/util.js': 'export function danger(input) {\n  return document.write(input);\n}\n',
  // gosec G401: a weak hash.
  'go.mod': 'module example.com/planted\n\ngo 1.21\n',
  'cmd/main.go': 'package main\n\nimport (\n\t"crypto/md5"\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tsum := md5.Sum([]byte(os.Args[1]))\n\tfmt.Println(sum)\n}\n',
  // gitleaks: a credential in a file.
  'web/config.js': `export const settings = {\n  githubToken: "${FAKE_TOKEN}",\n};\n`,
  // ESLint: eval, and a disable comment naming a plugin rule Sieve does not load (not a finding).
  'web/app.js': '// eslint-disable-next-line react/prop-types\nexport function run(input) {\n  return eval(input);\n}\n',
};

interface NewItem {
  rule?: { id: string; tool: string };
  location?: { path: string; startLine?: number };
  message?: string;
}

withTools('every analyzer preset, run for real on planted problems', () => {
  const root = tempDir('sieve-presets-');
  const home = join(root, 'home');
  const config = join(root, 'scan-targets.json');
  const rulesFile = join(root, 'semgrep-rules.yml');
  const repo = new TestRepo(root, 'planted');
  const path = [...new Set(tools.map(([, found]) => join(found ?? '', '..')))].join(':');

  function scan(day: number) {
    const result = sieve(['scan', '--targets', config, '--home', home, '--osv-db', join(sharedDir, 'osv-db'), '--json'], {
      cwd: root,
      env: { PATH: `${path}:${process.env.PATH ?? ''}`, SIEVE_NOW: `2026-11-${String(day).padStart(2, '0')}T03:00:00Z` },
    });
    const runDir = finishedRunDir(result.stderr);
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as {
      targets: Array<{ status: string; errors: string[]; counts: Record<string, number> }>;
    };
    const newText = readFileSync(join(runDir, 'new.json'), 'utf8');
    return { result, runDir, target: summary.targets[0]!, newText, newFindings: JSON.parse(newText) as NewItem[] };
  }
  const code = (items: NewItem[]) =>
    items.filter((item) => item.rule).map((item) => `${item.rule?.tool}:${item.rule?.id}@${item.location?.path}:${item.location?.startLine}`).sort();

  beforeAll(() => {
    repo.write(planted);
    repo.commit('one planted problem per analyzer');
    writeFileSync(
      rulesFile,
      'rules:\n  - id: no-document-write\n    languages: [javascript]\n    severity: ERROR\n    message: document.write with dynamic content\n    pattern: document.write($X)\n',
    );
    writeFileSync(
      config,
      JSON.stringify({
        targets: [
          {
            name: 'planted',
            repo: repo.url,
            analyzers: ['bandit', { name: 'semgrep', args: ['--config', rulesFile] }, 'gosec', 'gitleaks', 'eslint'],
          },
        ],
      }),
    );
  });

  it('stores each tool\'s planted finding, and nothing about ESLint\'s own configuration', () => {
    const first = scan(1);
    expect(first.target.errors).toEqual([]);
    expect(first.target.status).toBe('ok');
    const found = code(first.newFindings);
    expect(found).toContain('bandit:B602@py/app.py:5');
    // The rule id as written in the rules file, not prefixed with the file's folder.
    expect(found.filter((entry) => entry.startsWith('semgrep'))).toEqual([expect.stringMatching(/^semgrep[^:]*:no-document-write@web\/util\.js:2$/)]);
    expect(found).toContain('gosec:G401@cmd/main.go:10');
    expect(found).toContain('gitleaks:github-pat@web/config.js:2');
    expect(found.filter((entry) => entry.startsWith('eslint'))).toEqual(['eslint:no-eval@web/app.js:3']);
    // --redact: the secret itself is never stored or reported.
    expect(first.newText).not.toContain(FAKE_TOKEN);
    const stored = sieve(['findings', '--home', home, '--format', 'json'], { cwd: root });
    expect(stored.stdout).not.toContain(FAKE_TOKEN);
    const leak = (JSON.parse(stored.stdout) as Array<{ rule?: { id: string }; cwes?: string[] }>).find((finding) => finding.rule?.id === 'github-pat');
    expect(leak?.cwes).toContain('CWE-798');
  });

  it('a second night over the same commit finds nothing new and fixes nothing', () => {
    const second = scan(2);
    expect(second.target.errors).toEqual([]);
    expect(second.newFindings).toEqual([]);
    expect(second.target.counts).toMatchObject({ new: 0, fixed: 0 });
  });

  it('removing the planted problems fixes exactly those findings', () => {
    repo.write({ 'py/app.py': 'def run(command):\n    return command\n', 'web/config.js': 'export const settings = {};\n' });
    repo.commit('fix two');
    const third = scan(3);
    expect(third.target.errors).toEqual([]);
    expect(third.target.counts.fixed).toBeGreaterThanOrEqual(2);
    const open = JSON.parse(sieve(['findings', '--home', home, '--state', 'open', '--format', 'json'], { cwd: root }).stdout) as Array<{ rule?: { id: string } }>;
    const openRules = open.map((finding) => finding.rule?.id);
    expect(openRules).not.toContain('B602');
    expect(openRules).not.toContain('github-pat');
    expect(openRules).toContain('G401');
    expect(openRules).toContain('no-document-write');
  });
});
