import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_WORKFLOW_BYTES, parseWorkflow, workflowExtractor } from '../../../src/inventory/github-actions/workflow.js';
import { InputTooLargeError, ParseError } from '../../../src/model/errors.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = (name: string): string =>
  readFileSync(path.join(repoRoot, 'fixtures/inventory/github-actions', name), 'utf8');

describe('github-actions/workflow extractor', () => {
  it('declares workflow and action patterns', () => {
    expect(workflowExtractor.id).toBe('github-actions/workflow');
    expect(workflowExtractor.ecosystem).toBe('GitHub Actions');
    expect(workflowExtractor.patterns).toEqual([
      '.github/workflows/*.yml',
      '.github/workflows/*.yaml',
      'action.yml',
      'action.yaml',
    ]);
  });

  it('reads step actions and reusable workflows; skips local, docker and expression uses', () => {
    const result = parseWorkflow(fixture('workflow/ci.yml'), '.github/workflows/ci.yml');
    expect(result.packages).toEqual([
      {
        ecosystem: 'GitHub Actions',
        name: 'actions/checkout',
        version: 'b4ffde65f46336ab88eb53be808477a3936bae11',
        purl: 'pkg:github/actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11',
        direct: true,
        scope: 'runtime',
        location: { path: '.github/workflows/ci.yml', line: 14 },
      },
      {
        ecosystem: 'GitHub Actions',
        name: 'actions/setup-python',
        version: 'v5',
        purl: 'pkg:github/actions/setup-python@v5',
        direct: true,
        scope: 'runtime',
        location: { path: '.github/workflows/ci.yml', line: 16 },
      },
      {
        ecosystem: 'GitHub Actions',
        name: 'github/codeql-action',
        version: 'v3.24.0',
        purl: 'pkg:github/github/codeql-action@v3.24.0',
        direct: true,
        scope: 'runtime',
        location: { path: '.github/workflows/ci.yml', line: 22 },
      },
      {
        ecosystem: 'GitHub Actions',
        name: 'org/shared-workflows',
        version: 'v2.1.0',
        purl: 'pkg:github/org/shared-workflows@v2.1.0',
        direct: true,
        scope: 'runtime',
        location: { path: '.github/workflows/ci.yml', line: 29 },
      },
    ]);
    expect(result.warnings).toEqual([
      '.github/workflows/ci.yml:14: actions/checkout is pinned to commit b4ffde65f46336ab88eb53be808477a3936bae11 (commented v4.1.1); a commit cannot be matched to the tagged ranges of advisories',
      '.github/workflows/ci.yml:25: `uses: ${{ matrix.action }}` is an expression; the action it runs is not known before the run',
      '.github/workflows/ci.yml:26: `uses: not-a-ref` is not owner/repo[/path]@ref; skipped',
    ]);
  });

  it('reads the steps of a composite action', () => {
    const result = parseWorkflow(fixture('composite/action.yml'), 'action.yml');
    expect(result.packages.map((p) => `${p.name}@${p.version} ${p.location.line}`)).toEqual([
      'actions/cache@v4.0.2 9',
      'tj-actions/changed-files@0e58ed8671d6b60d0890c21b07f8835ace038e67 15',
    ]);
    expect(result.warnings).toEqual([
      'action.yml:15: tj-actions/changed-files is pinned to commit 0e58ed8671d6b60d0890c21b07f8835ace038e67; a commit cannot be matched to the tagged ranges of advisories',
    ]);
  });

  it('finds nothing in a docker action', () => {
    expect(parseWorkflow(fixture('docker-action/action.yml'), 'action.yml')).toEqual({ packages: [], warnings: [] });
  });

  it.each([
    ['', 'w.yml: not a GitHub Actions workflow or action: the document is not a mapping'],
    ['- a\n- b\n', 'w.yml: not a GitHub Actions workflow or action: the document is not a mapping'],
    ['name: x\non: push\n', 'w.yml: not a GitHub Actions workflow or action: it has neither `jobs` nor `runs`'],
    ['jobs: [\n', 'w.yml: not valid YAML at line 2: Flow sequence'],
  ])('throws ParseError for %j', (content, message) => {
    expect(() => parseWorkflow(content, 'w.yml')).toThrow(ParseError);
    expect(() => parseWorkflow(content, 'w.yml')).toThrow(message);
  });

  it('refuses a workflow over MAX_WORKFLOW_BYTES before parsing it, naming the file and the limit', () => {
    const huge = `jobs:\n  a:\n    steps:\n${'      - uses: actions/checkout@v4\n'.repeat(5_000)}`;
    const started = performance.now();
    expect(() => parseWorkflow(huge, '.github/workflows/big.yml')).toThrow(InputTooLargeError);
    expect(() => parseWorkflow(huge, '.github/workflows/big.yml')).toThrow(`.github/workflows/big.yml: ${huge.length} bytes is over the ${MAX_WORKFLOW_BYTES}-byte limit`);
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('workflow: hostile input', () => {
  it('a ref no purl can hold (a lone surrogate) is a ParseError at its line', () => {
    const content = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: "actions/checkout@v4\\ud800"\n';
    const run = () => parseWorkflow(content, '.github/workflows/ci.yml');
    expect(run).toThrow(ParseError);
    expect(run).toThrow(/^\.github\/workflows\/ci\.yml: line 6: "actions\/checkout" "v4\uFFFD" is not a valid package name/);
  });
});
