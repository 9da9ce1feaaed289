import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/model/errors.js';
import { gradleLockfileExtractor, parseGradleLockfile } from '../../../src/inventory/maven/gradle-lockfile.js';
import { inventoryDirs, project, readFixture, sampleTableTests, truncationTests } from '../helpers/sample-suite.js';

const { fixtures, samples } = inventoryDirs('maven/gradle', 'java/gradlelockfile');

describe('gradle.lockfile fixtures', () => {
  it.each(readdirSync(fixtures))('%s matches expected.json', (name) => {
    const { file, content, expected } = readFixture(fixtures, name);
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
  sampleTableTests<{ count: number; has: [string, string, number][]; warnings: number }>({
    samples,
    parse: parseGradleLockfile,
    table: {
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
    },
    checkResult: ({ warnings }, expected) => {
      expect(warnings).toHaveLength(expected.warnings);
    },
    checkFound: (found, [, , line]) => {
      expect(found?.location.line).toBe(line);
      expect(found?.scope).toBe('runtime');
    },
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
  truncationTests(parseGradleLockfile, [samples, fixtures]);
});
