import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/model/errors.js';
import type { Package } from '../../../src/model/types.js';
import { gemfileLockExtractor, parseGemfileLock } from '../../../src/inventory/rubygems/gemfile-lock.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.join(repoRoot, 'fixtures/inventory/rubygems');
const samples = path.resolve(repoRoot, '../shared/lockfile-samples/ruby/gemfilelock');

const project = (packages: Package[]) =>
  packages.map((p) => ({ name: p.name, version: p.version, direct: p.direct, scope: p.scope, line: p.location.line, dependsOn: p.dependsOn }));

describe('Gemfile.lock fixtures', () => {
  it.each(readdirSync(fixtures))('%s matches expected.json', (name) => {
    const file = readdirSync(path.join(fixtures, name)).find((f) => f !== 'expected.json')!;
    const content = readFileSync(path.join(fixtures, name, file), 'utf8');
    const expected: unknown = JSON.parse(readFileSync(path.join(fixtures, name, 'expected.json'), 'utf8'));
    expect(project(parseGemfileLock(content, file).packages)).toEqual(expected);
  });

  it('skips PATH gems and flags GIT gems', () => {
    const result = parseGemfileLock(readFileSync(path.join(fixtures, 'platforms-git-path/Gemfile.lock'), 'utf8'), 'Gemfile.lock');
    expect(result.packages.find((p) => p.name === 'mytool')).toBeUndefined();
    expect(result.packages.find((p) => p.name === 'nokogiri')?.purl).toBe('pkg:gem/nokogiri@1.15.4');
    expect(result.warnings).toEqual([
      'Gemfile.lock:13: mytool 0.3.0 is a local PATH gem; skipped, it does not come from a gem server',
      'Gemfile.lock:6: sidekiq 7.1.0 comes from a GIT source; advisories match it by version only',
    ]);
  });

  it('declares both lockfile names', () => {
    expect(gemfileLockExtractor.id).toBe('rubygems/gemfile-lock');
    expect(gemfileLockExtractor.patterns).toEqual(['Gemfile.lock', 'gems.locked']);
  });
});

describe('osv-scalibr Gemfile.lock samples', () => {
  const table: Record<string, { count: number; has: [string, string, boolean?][] } | 'throws'> = {
    'has-git-gem.lock': { count: 5, has: [['hanami-controller', '2.0.0.alpha1', false], ['hanami-utils', '2.0.0.alpha1', true], ['transproc', '1.1.1', false]] },
    // backbone-on-rails is a PATH gem: skipped, and its four dependencies count as direct.
    'has-local-gem.lock': { count: 29, has: [['nokogiri', '1.13.3', false], ['eco-source', '1.1.0.rc.1', false], ['jquery-rails', '4.4.0', true], ['railties', '7.0.2.2', true]] },
    'invalid.lock': 'throws',
    'multiple-gems.lock': { count: 6, has: [['bundler-audit', '0.9.0.1', true], ['dotenv', '2.7.6', true], ['thor', '1.2.1', false]] },
    'no-gem-section.lock': { count: 0, has: [] },
    'no-gems.lock': { count: 0, has: [] },
    'no-spec-section.lock': { count: 0, has: [] },
    'one-gem.lock': { count: 1, has: [['ast', '2.4.2', true]] },
    'rails.lock': { count: 46, has: [['rails', '7.0.2.2', true], ['nokogiri', '1.13.3', false], ['websocket-extensions', '0.1.5', false], ['zeitwerk', '2.5.4', false]] },
    'rubocop.lock': { count: 10, has: [['rubocop', '1.25.1', true], ['unicode-display_width', '2.1.0', false]] },
    'some-gems.lock': { count: 3, has: [['pry', '0.14.1', true], ['coderay', '1.1.3', false]] },
    'source-section-at-end.lock': { count: 1, has: [['ast', '2.4.2', true]] },
  };

  it('covers every sample', () => {
    expect(readdirSync(samples).sort()).toEqual(Object.keys(table).sort());
  });

  it.each(Object.entries(table))('%s', (file, expected) => {
    const content = readFileSync(path.join(samples, file), 'utf8');
    if (expected === 'throws') {
      expect(() => parseGemfileLock(content, file)).toThrow(ParseError);
      return;
    }
    const { packages } = parseGemfileLock(content, file);
    expect(packages).toHaveLength(expected.count);
    for (const [name, version, direct] of expected.has) {
      const found = packages.find((p) => p.name === name && p.version === version);
      expect(found, `${name}@${version}`).toBeDefined();
      if (direct !== undefined) expect(found?.direct).toBe(direct);
    }
  });

  it('the 46 rails.lock gems are the 46 spec lines', () => {
    const content = readFileSync(path.join(samples, 'rails.lock'), 'utf8');
    const specLines = content.split('\n').filter((line) => /^ {4}\S/.test(line)).length;
    expect(specLines).toBe(46);
  });
});

describe('malformed Gemfile.lock', () => {
  it.each([
    ['truncated spec', 'GEM\n  remote: https://gems.example/\n  specs:\n    nokogiri (1.15', 'line 4: gem spec "nokogiri (1.15" is not "name (version)"'],
    ['not a lockfile', 'this is plain text\n', 'line 1: "this is plain text" is not a section header'],
    ['indented before any section', '    rake (13.0.0)\n', 'indented text before any section header'],
    ['bad indentation', 'GEM\n  specs:\n    rake (13.0.0)\n        extra\n', 'unexpected indentation of 8 spaces'],
  ])('%s → ParseError naming the path', (_label, content, message) => {
    expect(() => parseGemfileLock(content, 'app/Gemfile.lock')).toThrow(ParseError);
    expect(() => parseGemfileLock(content, 'app/Gemfile.lock')).toThrow(/^app\/Gemfile\.lock: /);
    expect(() => parseGemfileLock(content, 'app/Gemfile.lock')).toThrow(message);
  });
});

describe('truncated input', () => {
  // Every prefix of every sample and fixture (every byte for small files) parses or throws ParseError: nothing else.
  const files = [...[samples], fixtures].flatMap((dir) =>
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
        parseGemfileLock(content.slice(0, end), 'cut');
      } catch (error) {
        if (!(error instanceof ParseError)) throw new Error(`prefix of ${end} bytes threw ${String(error)}`, { cause: error });
        expect(error.message.startsWith('cut: ')).toBe(true);
      }
    }
  });
});
