import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/model/errors.js';
import type { Package } from '../../../src/model/types.js';
import { composerLockExtractor, parseComposerLock } from '../../../src/inventory/packagist/composer-lock.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.join(repoRoot, 'fixtures/inventory/packagist');
const samples = path.resolve(repoRoot, '../shared/lockfile-samples/php/composerlock');

const project = (packages: Package[]) =>
  packages.map((p) => ({ name: p.name, version: p.version, direct: p.direct, scope: p.scope, line: p.location.line, dependsOn: p.dependsOn }));

describe('composer.lock fixtures', () => {
  it.each(readdirSync(fixtures))('%s matches expected.json', (name) => {
    const content = readFileSync(path.join(fixtures, name, 'composer.lock'), 'utf8');
    const expected: unknown = JSON.parse(readFileSync(path.join(fixtures, name, 'expected.json'), 'utf8'));
    expect(project(parseComposerLock(content, 'composer.lock').packages)).toEqual(expected);
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
  const table: Record<string, { count: number; has: [string, string, 'dev' | 'runtime', number][] } | 'throws'> = {
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
  };

  it('covers every sample', () => {
    expect(readdirSync(samples).sort()).toEqual(Object.keys(table).sort());
  });

  it.each(Object.entries(table))('%s', (file, expected) => {
    const content = readFileSync(path.join(samples, file), 'utf8');
    if (expected === 'throws') {
      expect(() => parseComposerLock(content, file)).toThrow(ParseError);
      return;
    }
    const { packages } = parseComposerLock(content, file);
    expect(packages).toHaveLength(expected.count);
    for (const [name, version, scope, line] of expected.has) {
      const found = packages.find((p) => p.name === name && p.version === version);
      expect(found, `${name}@${version}`).toBeDefined();
      expect(found?.scope).toBe(scope);
      expect(found?.location.line).toBe(line);
      expect(found?.direct).toBe(false);
    }
  });

  it('drupal/tfa depends on the locked drupal/core, not on platform packages', () => {
    const { packages } = parseComposerLock(readFileSync(path.join(samples, 'drupal-packages.json'), 'utf8'), 'composer.lock');
    expect(packages.find((p) => p.name === 'drupal/tfa')?.dependsOn).toEqual(['pkg:composer/drupal/core@10.4.5']);
  });
});

describe('malformed composer.lock', () => {
  it.each([
    ['truncated', '{\n  "packages": [\n    { "name": "a/b", "version": "1.0', 'not valid JSON'],
    ['array at top level', '[]', 'the top level is not a JSON object'],
    ['some other JSON', '{"name": "a/b"}', 'neither "packages" nor "packages-dev" is present'],
    ['packages not an array', '{"packages": {}}', '"packages" is not an array'],
    ['entry without version', '{"packages": [{"name": "a/b"}]}', 'packages[0] has no string "name" and "version"'],
  ])('%s → ParseError naming the path', (_label, content, message) => {
    expect(() => parseComposerLock(content, 'web/composer.lock')).toThrow(ParseError);
    expect(() => parseComposerLock(content, 'web/composer.lock')).toThrow(/^web\/composer\.lock: /);
    expect(() => parseComposerLock(content, 'web/composer.lock')).toThrow(message);
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
        parseComposerLock(content.slice(0, end), 'cut');
      } catch (error) {
        if (!(error instanceof ParseError)) throw new Error(`prefix of ${end} bytes threw ${String(error)}`, { cause: error });
        expect(error.message.startsWith('cut: ')).toBe(true);
      }
    }
  });
});
