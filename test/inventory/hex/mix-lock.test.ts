import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/model/errors.js';
import type { Package } from '../../../src/model/types.js';
import { mixLockExtractor, parseMixLock } from '../../../src/inventory/hex/mix-lock.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.join(repoRoot, 'fixtures/inventory/hex');
const samples = path.resolve(repoRoot, '../shared/lockfile-samples');

const project = (packages: Package[]) =>
  packages.map((p) => ({ name: p.name, version: p.version, direct: p.direct, scope: p.scope, line: p.location.line, dependsOn: p.dependsOn }));

describe('mix.lock fixtures', () => {
  it.each(readdirSync(fixtures))('%s matches expected.json', (name) => {
    const content = readFileSync(path.join(fixtures, name, 'mix.lock'), 'utf8');
    const expected: unknown = JSON.parse(readFileSync(path.join(fixtures, name, 'expected.json'), 'utf8'));
    expect(project(parseMixLock(content, 'mix.lock').packages)).toEqual(expected);
  });

  it('skips git dependencies with a warning and names hex packages by their package name', () => {
    const result = parseMixLock(readFileSync(path.join(fixtures, 'git-and-optional/mix.lock'), 'utf8'), 'mix.lock');
    expect(result.warnings).toEqual(['mix.lock:5: my_fork comes from git; skipped, it is not a Hex package']);
    expect(result.packages.at(-1)?.purl).toBe('pkg:hex/real_package_name@0.3.0');
  });

  it('declares mix.lock', () => {
    expect(mixLockExtractor.id).toBe('hex/mix-lock');
    expect(mixLockExtractor.patterns).toEqual(['mix.lock']);
  });
});

describe('osv-scalibr mix.lock samples', () => {
  const table: Record<string, { count: number; has: [string, string, number][] } | 'throws'> = {
    'erlang/mixlock/empty.lock': { count: 0, has: [] },
    'erlang/mixlock/git.lock': { count: 0, has: [] },
    'erlang/mixlock/many.lock': { count: 21, has: [['backoff', '1.1.6', 2], ['phoenix', '1.4.17', 15], ['telemetry', '0.4.2', 22]] },
    'erlang/mixlock/one-package.lock': { count: 1, has: [['plug', '1.11.1', 2]] },
    'erlang/mixlock/two-packages.lock': { count: 2, has: [['plug', '1.11.1', 2], ['plug_crypto', '1.2.2', 3]] },
    'elixir/mixlock/empty': { count: 0, has: [] },
    'elixir/mixlock/invalid': 'throws',
    'elixir/mixlock/valid': { count: 2, has: [['bunt', '1.0.0', 2], ['certifi', '2.12.0', 3]] },
  };

  it('covers every sample', () => {
    const files = ['erlang/mixlock', 'elixir/mixlock'].flatMap((dir) => readdirSync(path.join(samples, dir)).map((f) => `${dir}/${f}`));
    expect(files.sort()).toEqual(Object.keys(table).sort());
  });

  it.each(Object.entries(table))('%s', (file, expected) => {
    const content = readFileSync(path.join(samples, file), 'utf8');
    if (expected === 'throws') {
      expect(() => parseMixLock(content, file)).toThrow(ParseError);
      return;
    }
    const { packages } = parseMixLock(content, file);
    expect(packages).toHaveLength(expected.count);
    for (const [name, version, line] of expected.has) {
      const found = packages.find((p) => p.name === name && p.version === version);
      expect(found, `${name}@${version}`).toBeDefined();
      expect(found?.location.line).toBe(line);
    }
  });

  it('many.lock edges drop optional dependencies that are not locked', () => {
    const { packages } = parseMixLock(readFileSync(path.join(samples, 'erlang/mixlock/many.lock'), 'utf8'), 'mix.lock');
    // phoenix lists jason and plug_cowboy as optional; neither is locked.
    expect(packages.find((p) => p.name === 'phoenix')?.dependsOn).toEqual(['pkg:hex/phoenix_pubsub@1.1.2', 'pkg:hex/plug@1.11.1', 'pkg:hex/telemetry@0.4.2']);
  });

  it('git.lock names its three git entries in warnings', () => {
    const { warnings } = parseMixLock(readFileSync(path.join(samples, 'erlang/mixlock/git.lock'), 'utf8'), 'mix.lock');
    expect(warnings).toHaveLength(3);
    expect(warnings?.[2]).toBe('mix.lock:4: bar comes from git; skipped, it is not a Hex package');
  });
});

describe('malformed mix.lock', () => {
  it.each([
    ['truncated', '%{\n  "plug": {:hex, :plug, "1.11.1", "abc", [:mix], [{:mime, "~> 1.0"', 'the file ends (truncated?)'],
    ['unterminated string', '%{\n  "plug": {:hex, :plug, "1.11', 'line 2: unterminated string'],
    ['not a map', '[1, 2]', 'not a mix.lock'],
    ['trailing text', '%{} extra', 'unexpected text after the lock map'],
    ['entry not a tuple', '%{"plug": "1.0.0"}', 'plug is not a {:scm, ...} tuple'],
    ['deep nesting', `%{"a": ${'['.repeat(200)}`, 'nesting too deep'],
    ['hex entry without version', '%{\n  "plug": {:hex, :plug}\n}', 'line 2: hex entry plug has no package name and version'],
  ])('%s → ParseError naming the path', (_label, content, message) => {
    expect(() => parseMixLock(content, 'apps/web/mix.lock')).toThrow(ParseError);
    expect(() => parseMixLock(content, 'apps/web/mix.lock')).toThrow(/^apps\/web\/mix\.lock: /);
    expect(() => parseMixLock(content, 'apps/web/mix.lock')).toThrow(message);
  });
});

describe('truncated input', () => {
  // Every prefix of every sample and fixture (every byte for small files) parses or throws ParseError: nothing else.
  const files = [...[path.join(samples, 'erlang/mixlock'), path.join(samples, 'elixir/mixlock')], fixtures].flatMap((dir) =>
    readdirSync(dir, { recursive: true })
      .map(String)
      .filter((file) => !file.endsWith('expected.json'))
      .map((file) => path.join(dir, file))
      .filter((file) => statSync(file).isFile()),
  );

  it.each(files.map((file) => [path.relative(repoRoot, file), file]))('%s', (_label, file) => {
    const content = readFileSync(file, 'utf8');
    const step = Math.max(1, Math.floor(content.length / 400));
    for (let end = 0; end <= content.length; end += step) {
      try {
        parseMixLock(content.slice(0, end), 'cut');
      } catch (error) {
        if (!(error instanceof ParseError)) throw new Error(`prefix of ${end} bytes threw ${String(error)}`, { cause: error });
        expect(error.message.startsWith('cut: ')).toBe(true);
      }
    }
  });
});
