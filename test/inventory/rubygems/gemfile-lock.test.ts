import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gemfileLockExtractor, parseGemfileLock } from '../../../src/inventory/rubygems/gemfile-lock.js';
import { inventoryDirs, malformedTests, project, readFixture, sampleTableTests, truncationTests } from '../helpers/sample-suite.js';

const { fixtures, samples } = inventoryDirs('rubygems', 'ruby/gemfilelock');

describe('Gemfile.lock fixtures', () => {
  it.each(readdirSync(fixtures))('%s matches expected.json', (name) => {
    const { file, content, expected } = readFixture(fixtures, name);
    expect(project(parseGemfileLock(content, file).packages, { dependsOn: true })).toEqual(expected);
  });

  it('lists PATH gems as local and GIT gems as git, with where they come from', () => {
    const result = parseGemfileLock(readFileSync(path.join(fixtures, 'platforms-git-path/Gemfile.lock'), 'utf8'), 'Gemfile.lock');
    expect(result.packages.find((p) => p.name === 'mytool')).toMatchObject({ source: 'local', sourceRef: '.' });
    expect(result.packages.find((p) => p.name === 'sidekiq')).toMatchObject({
      source: 'git',
      sourceRef: 'https://github.com/example/sidekiq-fork.git#1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
    });
    expect(result.packages.find((p) => p.name === 'nokogiri')?.purl).toBe('pkg:gem/nokogiri@1.15.4');
    expect(result.packages.find((p) => p.name === 'nokogiri')?.source).toBeUndefined();
    expect(result.warnings).toEqual([]);
  });

  it('declares both lockfile names', () => {
    expect(gemfileLockExtractor.id).toBe('rubygems/gemfile-lock');
    expect(gemfileLockExtractor.patterns).toEqual(['Gemfile.lock', 'gems.locked']);
  });
});

describe('osv-scalibr Gemfile.lock samples', () => {
  sampleTableTests<{ count: number; has: [string, string, boolean?][] }>({
    samples,
    parse: parseGemfileLock,
    table: {
      'has-git-gem.lock': { count: 5, has: [['hanami-controller', '2.0.0.alpha1', false], ['hanami-utils', '2.0.0.alpha1', true], ['transproc', '1.1.1', false]] },
      // backbone-on-rails is a PATH gem: skipped, and its four dependencies count as direct.
      // the local gem is listed (not matched), as osv-scalibr lists it
      'has-local-gem.lock': { count: 30, has: [['backbone-on-rails', '1.2.0.0', true], ['nokogiri', '1.13.3', false], ['eco-source', '1.1.0.rc.1', false], ['jquery-rails', '4.4.0', true], ['railties', '7.0.2.2', true]] },
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
    },
    checkFound: (found, [, , direct]) => {
      if (direct !== undefined) expect(found?.direct).toBe(direct);
    },
  });

  it('the 46 rails.lock gems are the 46 spec lines', () => {
    const content = readFileSync(path.join(samples, 'rails.lock'), 'utf8');
    const specLines = content.split('\n').filter((line) => /^ {4}\S/.test(line)).length;
    expect(specLines).toBe(46);
  });
});

describe('malformed Gemfile.lock', () => {
  malformedTests(parseGemfileLock, 'app/Gemfile.lock', [
    ['truncated spec', 'GEM\n  remote: https://gems.example/\n  specs:\n    nokogiri (1.15', 'line 4: gem spec "nokogiri (1.15" is not "name (version)"'],
    ['not a lockfile', 'this is plain text\n', 'line 1: "this is plain text" is not a section header'],
    ['indented before any section', '    rake (13.0.0)\n', 'indented text before any section header'],
    ['bad indentation', 'GEM\n  specs:\n    rake (13.0.0)\n        extra\n', 'unexpected indentation of 8 spaces'],
  ]);
});

describe('truncated input', () => {
  truncationTests(parseGemfileLock, [samples, fixtures]);
});
