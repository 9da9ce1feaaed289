import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/model/errors.js';
import type { Package } from '../../../src/model/types.js';
import { gradleLockfileExtractor, parseGradleLockfile } from '../../../src/inventory/maven/gradle-lockfile.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.join(repoRoot, 'fixtures/inventory/maven/gradle');
const samples = path.resolve(repoRoot, '../shared/lockfile-samples/java/gradlelockfile');

const project = (packages: Package[]) =>
  packages.map((p) => ({ name: p.name, version: p.version, direct: p.direct, scope: p.scope, line: p.location.line }));

describe('gradle.lockfile fixtures', () => {
  it.each(readdirSync(fixtures))('%s matches expected.json', (name) => {
    const file = readdirSync(path.join(fixtures, name)).find((f) => f !== 'expected.json')!;
    const content = readFileSync(path.join(fixtures, name, file), 'utf8');
    const expected: unknown = JSON.parse(readFileSync(path.join(fixtures, name, 'expected.json'), 'utf8'));
    const result = parseGradleLockfile(content, file);
    expect(project(result.packages)).toEqual(expected);
    expect(result.warnings).toEqual([]);
  });

  it('builds Maven purls from group:artifact', () => {
    const { packages } = parseGradleLockfile('junit:junit:4.13.2=testRuntimeClasspath\n', 'gradle.lockfile');
    expect(packages[0]).toMatchObject({ ecosystem: 'Maven', name: 'junit:junit', purl: 'pkg:maven/junit/junit@4.13.2' });
  });

  it('declares both lockfile names', () => {
    expect(gradleLockfileExtractor.id).toBe('maven/gradle-lockfile');
    expect(gradleLockfileExtractor.patterns).toEqual(['gradle.lockfile', 'buildscript-gradle.lockfile']);
  });
});

describe('osv-scalibr gradle lockfile samples', () => {
  const table: Record<string, { count: number; has: [string, string, number][]; warnings: number }> = {
    '5-pkg': {
      count: 5,
      has: [['org.springframework.boot:spring-boot-autoconfigure', '2.7.4', 5], ['org.springframework.boot:spring-boot-devtools', '2.7.6', 7], ['org.springframework.boot:spring-boot-starter-data-jpa', '2.7.8', 9]],
      warnings: 0,
    },
    'one-pkg': { count: 1, has: [['org.springframework.security:spring-security-crypto', '5.7.3', 4]], warnings: 0 },
    'only-comments': { count: 0, has: [], warnings: 0 },
    'only-empty': { count: 0, has: [], warnings: 0 },
    // Its five junk lines (">>>", "////", "empty=======", "a", "b") are skipped with a warning each.
    'with-bad-pkg': {
      count: 2,
      has: [['org.springframework.boot:spring-boot-autoconfigure', '2.7.4', 7], ['org.springframework.boot:spring-boot-configuration-processor', '2.7.5', 14]],
      warnings: 5,
    },
  };

  it('covers every sample', () => {
    expect(readdirSync(samples).sort()).toEqual(Object.keys(table).sort());
  });

  it.each(Object.entries(table))('%s', (file, expected) => {
    const { packages, warnings } = parseGradleLockfile(readFileSync(path.join(samples, file), 'utf8'), file);
    expect(packages).toHaveLength(expected.count);
    expect(warnings).toHaveLength(expected.warnings);
    for (const [name, version, line] of expected.has) {
      const found = packages.find((p) => p.name === name && p.version === version);
      expect(found, `${name}@${version}`).toBeDefined();
      expect(found?.location.line).toBe(line);
      expect(found?.scope).toBe('runtime');
    }
  });
});

describe('malformed gradle.lockfile', () => {
  it('a file with no lockfile line at all is a ParseError naming the path', () => {
    const content = '{\n  "dependencies": {}\n}\n';
    expect(() => parseGradleLockfile(content, 'app/gradle.lockfile')).toThrow(ParseError);
    expect(() => parseGradleLockfile(content, 'app/gradle.lockfile')).toThrow(/^app\/gradle\.lockfile: not a Gradle lockfile: none of its 3 non-comment lines/);
  });

  it('a truncated last line is skipped with a warning, the rest is kept', () => {
    const result = parseGradleLockfile('junit:junit:4.13.2=testRuntimeClasspath\norg.slf4j:slf4j-api:2.0', 'gradle.lockfile');
    expect(project(result.packages)).toEqual([{ name: 'junit:junit', version: '4.13.2', direct: false, scope: 'dev', line: 1 }]);
    expect(result.warnings).toEqual(['gradle.lockfile:2: "org.slf4j:slf4j-api:2.0" is not a group:artifact:version=configurations line; skipped']);
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
        parseGradleLockfile(content.slice(0, end), 'cut');
      } catch (error) {
        if (!(error instanceof ParseError)) throw new Error(`prefix of ${end} bytes threw ${String(error)}`, { cause: error });
        expect(error.message.startsWith('cut: ')).toBe(true);
      }
    }
  });
});
