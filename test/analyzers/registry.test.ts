import { describe, expect, it } from 'vitest';
import { AnalyzerConfigError, PRESET_NAMES, presets, resolveAnalyzer } from '../../src/analyzers/registry.js';

describe('resolveAnalyzer', () => {
  it('resolves a preset name with defaults', () => {
    expect(resolveAnalyzer('eslint')).toEqual({
      name: 'eslint',
      preset: 'eslint',
      sources: ['eslint'],
      args: [],
      timeoutMs: 600_000,
      env: [],
      importOnly: false,
    });
  });

  it('registers every preset named in the docs', () => {
    expect(PRESET_NAMES).toEqual(['eslint', 'flawfinder', 'semgrep', 'bandit', 'gosec', 'trivy', 'gitleaks', 'codeql', 'custom']);
    for (const name of PRESET_NAMES) expect(presets[name].id).toBe(name);
  });

  it('resolves an object with a preset, args, timeout and env allow-list', () => {
    expect(
      resolveAnalyzer({ name: 'semgrep-local', preset: 'semgrep', args: ['--config', '/rules'], timeoutSeconds: 30, env: ['SEMGREP_APP_TOKEN'] }),
    ).toEqual({
      name: 'semgrep-local',
      preset: 'semgrep',
      sources: ['semgrep', 'semgrep oss', 'semgrep pro'],
      args: ['--config', '/rules'],
      timeoutMs: 30_000,
      env: ['SEMGREP_APP_TOKEN'],
      importOnly: false,
    });
  });

  it('marks codeql import-only and makes a command entry custom', () => {
    expect(resolveAnalyzer('codeql').importOnly).toBe(true);
    expect(resolveAnalyzer({ name: 'Mine', command: ['mytool', '--out', '{output}'] })).toMatchObject({
      preset: 'custom',
      sources: ['mine'],
      command: ['mytool', '--out', '{output}'],
      importOnly: false,
    });
  });

  it('rejects unknown presets and unusable entries with a message naming the analyzer', () => {
    expect(() => resolveAnalyzer('pylint')).toThrow(AnalyzerConfigError);
    expect(() => resolveAnalyzer('pylint')).toThrow(
      'analyzer "pylint": unknown preset "pylint" (known: eslint, flawfinder, semgrep, bandit, gosec, trivy, gitleaks, codeql, custom; or give a "command")',
    );
    expect(() => resolveAnalyzer({ name: 'x', preset: 'custom' })).toThrow('analyzer "x": a custom analyzer needs a "command"');
    expect(() => resolveAnalyzer({ name: 'x', command: [] })).toThrow('"command" must be a non-empty array of strings');
    expect(() => resolveAnalyzer({ name: 'x', command: ['./scan.sh'] })).toThrow(
      'analyzer "x": command "./scan.sh" is a relative path; use a program on PATH or an absolute path',
    );
    expect(() => resolveAnalyzer({ name: 'eslint', timeoutSeconds: 0 })).toThrow('"timeoutSeconds" must be a positive number');
    expect(() => resolveAnalyzer({ name: 'eslint', env: ['BAD-NAME'] })).toThrow('"BAD-NAME" is not an environment variable name');
    expect(() => resolveAnalyzer({ name: '' })).toThrow('analyzer: "name" must be a non-empty string');
  });
});
