import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composerLockExtractor, parseComposerLock } from '../../../src/inventory/packagist/composer-lock.js';
import { inventoryDirs, malformedTests, project, readFixture, sampleTableTests, truncationTests } from '../helpers/sample-suite.js';

const { fixtures, samples } = inventoryDirs('packagist', 'php/composerlock');

describe('composer.lock fixtures', () => {
  it.each(readdirSync(fixtures))('%s matches expected.json', (name) => {
    const { content, expected } = readFixture(fixtures, name, 'composer.lock');
    expect(project(parseComposerLock(content, 'composer.lock').packages, { dependsOn: true })).toEqual(expected);
  });

  it('lowercases names, strips the v prefix and warns about branch versions', () => {
    const result = parseComposerLock(readFileSync(path.join(fixtures, 'dev-packages/composer.lock'), 'utf8'), 'composer.lock');
    expect(result.packages[0]?.purl).toBe('pkg:composer/monolog/monolog@3.5.0');
    expect(result.warnings).toEqual(['composer.lock:21: acme/internal is locked to the branch "dev-main"; advisories may not match a branch']);
  });

  it('declares composer.lock', () => {
    expect(composerLockExtractor.id).toBe('packagist/composer-lock');
    expect(composerLockExtractor.patterns).toEqual(['composer.lock']);
  });
});

describe('osv-scalibr composer.lock samples', () => {
  sampleTableTests<{ count: number; has: [string, string, 'dev' | 'runtime', number][] }>({
    samples,
    parse: parseComposerLock,
    table: {
      'drupal-packages.json': {
        count: 4,
        has: [['drupal/core', '10.4.5', 'runtime', 10], ['drupal/tfa', '2.0.0-alpha4', 'runtime', 174], ['theseer/tokenizer', '1.1.3', 'runtime', 261], ['drupal/field_time', '1.0.0-beta5', 'dev', 299]],
      },
      'duplicate-packages.json': { count: 3, has: [['sentry/sdk', '2.0.4', 'runtime', 10], ['sentry/sdk', '2.0.5', 'runtime', 17], ['sentry/sdk', '3.0.0-dev', 'dev', 26]] },
      'empty.json': { count: 0, has: [] },
      'not-json.txt': 'throws',
      'null.jsontest': 'throws',
      'one-package-dev.json': { count: 1, has: [['sentry/sdk', '2.0.4', 'dev', 11]] },
      'one-package.json': { count: 1, has: [['sentry/sdk', '2.0.4', 'runtime', 10]] },
      'two-packages-alt.json': { count: 2, has: [['sentry/sdk', '2.0.4', 'runtime', 10], ['theseer/tokenizer', '1.1.3', 'runtime', 41]] },
      'two-packages.json': { count: 2, has: [['sentry/sdk', '2.0.4', 'runtime', 10], ['theseer/tokenizer', '1.1.3', 'dev', 43]] },
    },
    checkFound: (found, [, , scope, line]) => {
      expect(found?.scope).toBe(scope);
      expect(found?.location.line).toBe(line);
      expect(found?.direct).toBe(false);
    },
  });

  it('drupal/tfa depends on the locked drupal/core, not on platform packages', () => {
    const { packages } = parseComposerLock(readFileSync(path.join(samples, 'drupal-packages.json'), 'utf8'), 'composer.lock');
    expect(packages.find((p) => p.name === 'drupal/tfa')?.dependsOn).toEqual(['pkg:composer/drupal/core@10.4.5']);
  });
});

describe('malformed composer.lock', () => {
  malformedTests(parseComposerLock, 'web/composer.lock', [
    ['truncated', '{\n  "packages": [\n    { "name": "a/b", "version": "1.0', 'not valid JSON'],
    ['array at top level', '[]', 'the top level is not a JSON object'],
    ['some other JSON', '{"name": "a/b"}', 'neither "packages" nor "packages-dev" is present'],
    ['packages not an array', '{"packages": {}}', '"packages" is not an array'],
    ['entry without version', '{"packages": [{"name": "a/b"}]}', 'packages[0] has no string "name" and "version"'],
  ]);
});

describe('truncated input', () => {
  truncationTests(parseComposerLock, [samples, fixtures]);
});

describe('composer.lock: hostile input', () => {
  it('finds the line of a 600,000-character name without building a RegExp from it', () => {
    const name = `vendor/${'a'.repeat(600_000)}`;
    const content = JSON.stringify({ packages: [{ name: 'vendor/small', version: '1.0.0', authors: [{ name: 'Someone' }] }, { name, version: '2.0.0' }] }, null, 4);
    const result = parseComposerLock(content, 'composer.lock');
    expect(result.packages.map((pkg) => pkg.location.line)).toEqual([4, 13]);
  });
});
