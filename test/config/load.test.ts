import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonPath, loadConfig } from '../../src/config/load.js';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';

function load(content: unknown) {
  const file = join(tempDir(), 'scan-targets.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return { file, ...loadConfig(file) };
}

describe('loadConfig', () => {
  it('accepts the project\'s own example file', () => {
    const result = loadConfig(join(repoRoot, 'scan-targets.json'));
    expect(result.errors).toEqual([]);
    expect(result.config?.targets.map((target) => `${target.name}:${target.kind}`)).toEqual(['sieve:repo', 'example-app:directory', 'notebook-image:sbom']);
  });

  it('applies defaults and resolves local paths against the file', () => {
    const { file, config } = load({
      defaults: { analyzers: ['eslint'], exclude: ['docs/**'], sarif: ['ci/*.sarif'] },
      targets: [
        { name: 'a', repo: 'https://example.invalid/a.git', ref: 'main', exclude: ['x/**'] },
        { name: 'b', path: 'sub/dir', analyzers: [] },
        { name: 'renamed', id: 'old-name', sbom: 'image.cdx.json' },
      ],
    });
    const [a, b, c] = config?.targets ?? [];
    expect(a).toMatchObject({ kind: 'repo', repo: 'https://example.invalid/a.git', ref: 'main', analyzers: ['eslint'], exclude: ['docs/**', 'x/**'], sarif: ['ci/*.sarif'] });
    expect(b).toMatchObject({ kind: 'directory', path: join(file, '..', 'sub/dir'), analyzers: [] });
    expect(c).toMatchObject({ kind: 'sbom', key: 'old-name', name: 'renamed' });
  });

  it.each([
    [{ targets: [{ name: 'a' }] }, 'targets[0]: expected exactly one of "repo", "path" or "sbom"'],
    [{ targets: [{ name: 'a', repo: 'x', sbom: 'y' }] }, 'targets[0]: expected exactly one of "repo", "path" or "sbom" (found repo, sbom)'],
    [{ targets: [{ name: 'a', repo: 'x', colour: 'red' }] }, 'targets[0]: unknown key "colour"'],
    [{ targets: [{ name: 'bad name', repo: 'x' }] }, 'targets[0].name: must match pattern'],
    [{ targets: [{ name: 'a', repo: 'x', analyzers: [{ command: ['x'] }] }] }, 'targets[0].analyzers[0]'],
    [{ targets: [{ name: 'a', repo: 'x' }, { name: 'a', path: 'y' }] }, 'targets[1].name: "a" is already used by targets[0]'],
    [{ targets: [{ name: 'a', repo: 'x', analyzers: ['eslintt'] }] }, 'targets[0].analyzers[0]: analyzer "eslintt": unknown preset "eslintt"'],
    [{ targets: [{ name: 'a', repo: 'x', analyzers: [{ name: 'mine', command: ['./scan.sh'] }] }] }, 'targets[0].analyzers[0]: analyzer "mine": command "./scan.sh" is a relative path'],
    [{ osv: { source: 'cloud' }, targets: [] }, 'osv.source: expected one of "offline", "api", "osv-scanner"'],
    [{}, '(root): missing required key "targets"'],
    [{ targets: [{ org: 'jupyterhub', name: 'x' }] }, 'targets[0]: unknown key "name"'],
    [{ targets: [{ org: 'has/slash' }] }, 'targets[0].org: must match pattern'],
    [{ targets: [{ org: 'jupyterhub' }, { org: 'JupyterHub' }] }, 'targets[1].org: "JupyterHub" is listed twice'],
    [{ targets: [{ org: 'jupyterhub', includeForks: 'yes' }] }, 'targets[0].includeForks: must be boolean'],
    ['{ "targets": [', '(root): not valid JSON'],
  ])('rejects %j with a JSON path', (content, expected) => {
    const result = load(content);
    expect(result.config).toBeUndefined();
    expect(result.errors.join('\n')).toContain(expected);
  });

  it('keeps organisations apart from targets, with name globs and the defaults their repositories get', () => {
    const { config, errors } = load({
      defaults: { exclude: ['docs/**'], analyzers: ['eslint'] },
      targets: [
        { name: 'a', repo: 'https://example.invalid/a.git' },
        { org: 'jupyterhub', include: ['jupyterhub*'], exclude: ['*-archive'], includeForks: true, skipEcosystems: ['Maven'] },
      ],
    });
    expect(errors).toEqual([]);
    expect(config?.targets.map((target) => target.name)).toEqual(['a']);
    expect(config?.orgs).toEqual([
      {
        org: 'jupyterhub',
        include: ['jupyterhub*'],
        exclude: ['*-archive'],
        includeArchived: false,
        includeForks: true,
        template: expect.objectContaining({ exclude: ['docs/**'], analyzers: ['eslint'], skipEcosystems: ['Maven'] }) as unknown,
      },
    ]);
  });

  it('turns JSON pointers into the paths users read', () => {
    expect(jsonPath('/targets/3/analyzers/0/name')).toBe('targets[3].analyzers[0].name');
    expect(jsonPath('')).toBe('(root)');
  });
});

describe('loadConfig: path globs', () => {
  it('rejects an exclude, paths or sarif glob that cannot work, naming it and its JSON path', () => {
    const { errors, config } = load({
      defaults: { exclude: ['docs/**', 'vendor/['] },
      targets: [{ name: 'a', path: '.', exclude: ['{a,b', 'ok/**'], paths: ['src/(x'], sarif: ['[z-a]'] }],
    });
    expect(config).toBeUndefined();
    expect(errors).toEqual([
      expect.stringMatching(/^defaults\.exclude\[1\]: "vendor\/\[" is not a valid glob: Missing closing: "\]"/),
      expect.stringMatching(/^targets\[0\]\.exclude\[0\]: "\{a,b" is not a valid glob: Missing closing: "\}"/),
      expect.stringMatching(/^targets\[0\]\.paths\[0\]: "src\/\(x" is not a valid glob: Missing closing: "\)"/),
      'targets[0].sarif[0]: "[z-a]" is not a valid glob: it can match no path',
    ]);
  });

  it('keeps ordinary globs', () => {
    const { errors } = load({ targets: [{ name: 'a', path: '.', exclude: ['docs/**', '**/*.min.js', '!keep/**', '[abc]/x', '{a,b}/**'] }] });
    expect(errors).toEqual([]);
  });
});

describe('loadConfig: organisation globs', () => {
  it('rejects an organisation include or exclude glob that cannot work', () => {
    const { errors } = load({ targets: [{ org: 'example', include: ['app-['], exclude: ['ok-*'] }] });
    expect(errors).toEqual([expect.stringMatching(/^targets\[0\]\.include\[0\]: "app-\[" is not a valid glob: Missing closing/)]);
  });
});
