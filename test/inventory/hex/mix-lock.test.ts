import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mixLockExtractor, parseMixLock } from '../../../src/inventory/hex/mix-lock.js';
import { inventoryDirs, malformedTests, project, readFixture, sampleTableTests, truncationTests } from '../helpers/sample-suite.js';

// The mix.lock samples sit in two folders, erlang/mixlock and elixir/mixlock.
const { fixtures, samples } = inventoryDirs('hex', '.');

describe('mix.lock fixtures', () => {
  it.each(readdirSync(fixtures))('%s matches expected.json', (name) => {
    const { content, expected } = readFixture(fixtures, name, 'mix.lock');
    expect(project(parseMixLock(content, 'mix.lock').packages, { dependsOn: true })).toEqual(expected);
  });

  it('lists git dependencies as git, and names hex packages by their package name', () => {
    const result = parseMixLock(readFileSync(path.join(fixtures, 'git-and-optional/mix.lock'), 'utf8'), 'mix.lock');
    expect(result.warnings).toEqual([]);
    expect(result.packages.find((p) => p.name === 'my_fork')).toMatchObject({ version: '', source: 'git' });
    expect(result.packages.at(-1)?.purl).toBe('pkg:hex/real_package_name@0.3.0');
  });

  it('declares mix.lock', () => {
    expect(mixLockExtractor.id).toBe('hex/mix-lock');
    expect(mixLockExtractor.patterns).toEqual(['mix.lock']);
  });
});

describe('osv-scalibr mix.lock samples', () => {
  sampleTableTests<{ count: number; has: [string, string, number][] }>({
    samples,
    parse: parseMixLock,
    listSamples: () => ['erlang/mixlock', 'elixir/mixlock'].flatMap((dir) => readdirSync(path.join(samples, dir)).map((f) => `${dir}/${f}`)),
    table: {
      'erlang/mixlock/empty.lock': { count: 0, has: [] },
      'erlang/mixlock/git.lock': { count: 3, has: [['foe', '', 2], ['foo', '', 3], ['bar', '', 4]] },
      'erlang/mixlock/many.lock': { count: 21, has: [['backoff', '1.1.6', 2], ['phoenix', '1.4.17', 15], ['telemetry', '0.4.2', 22]] },
      'erlang/mixlock/one-package.lock': { count: 1, has: [['plug', '1.11.1', 2]] },
      'erlang/mixlock/two-packages.lock': { count: 2, has: [['plug', '1.11.1', 2], ['plug_crypto', '1.2.2', 3]] },
      'elixir/mixlock/empty': { count: 0, has: [] },
      'elixir/mixlock/invalid': 'throws',
      'elixir/mixlock/valid': { count: 2, has: [['bunt', '1.0.0', 2], ['certifi', '2.12.0', 3]] },
    },
    checkFound: (found, [, , line]) => {
      expect(found?.location.line).toBe(line);
    },
  });

  it('many.lock edges drop optional dependencies that are not locked', () => {
    const { packages } = parseMixLock(readFileSync(path.join(samples, 'erlang/mixlock/many.lock'), 'utf8'), 'mix.lock');
    // phoenix lists jason and plug_cowboy as optional; neither is locked.
    expect(packages.find((p) => p.name === 'phoenix')?.dependsOn).toEqual(['pkg:hex/phoenix_pubsub@1.1.2', 'pkg:hex/plug@1.11.1', 'pkg:hex/telemetry@0.4.2']);
  });

  it('git.lock lists its three git entries with their repository and commit', () => {
    const { packages, warnings } = parseMixLock(readFileSync(path.join(samples, 'erlang/mixlock/git.lock'), 'utf8'), 'mix.lock');
    expect(warnings).toEqual([]);
    expect(packages[2]).toMatchObject({ name: 'bar', source: 'git', sourceRef: 'https://github.com/my-org/bar#bef3ee1d3618017061498b96c75043e8449ef9b5' });
  });
});

describe('malformed mix.lock', () => {
  malformedTests(parseMixLock, 'apps/web/mix.lock', [
    ['truncated', '%{\n  "plug": {:hex, :plug, "1.11.1", "abc", [:mix], [{:mime, "~> 1.0"', 'the file ends (truncated?)'],
    ['unterminated string', '%{\n  "plug": {:hex, :plug, "1.11', 'line 2: unterminated string'],
    ['not a map', '[1, 2]', 'not a mix.lock'],
    ['trailing text', '%{} extra', 'unexpected text after the lock map'],
    ['entry not a tuple', '%{"plug": "1.0.0"}', 'plug is not a {:scm, ...} tuple'],
    ['deep nesting', `%{"a": ${'['.repeat(1200)}`, 'nested more than 1000 deep: over the maxNestingDepth limit of 1000'],
    ['hex entry without version', '%{\n  "plug": {:hex, :plug}\n}', 'line 2: hex entry plug has no package name and version'],
  ]);
});

describe('truncated input', () => {
  truncationTests(parseMixLock, [path.join(samples, 'erlang/mixlock'), path.join(samples, 'elixir/mixlock'), fixtures]);
});
