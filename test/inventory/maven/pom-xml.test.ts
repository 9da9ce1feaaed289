import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePomXml, pomXmlExtractor } from '../../../src/inventory/maven/pom-xml.js';
import { ParseError } from '../../../src/model/errors.js';
import type { Package } from '../../../src/model/types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.join(repoRoot, 'fixtures/inventory/maven/pom');
const samples = path.resolve(repoRoot, '../shared/lockfile-samples/java/pomxml');

/** readSibling over a folder, as the walker gives it: repo-relative, undefined when missing. */
function siblingsIn(dir: string, exclude: string[] = []) {
  return (relative: string): string | undefined => {
    const file = path.join(dir, relative);
    return !exclude.includes(relative) && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  };
}

function brief(packages: Package[]): string[] {
  return packages.map(
    (p) => `${p.purl} ${p.scope}${p.unpinned ? ' unpinned' : ''} ${p.location.path}:${p.location.line}`,
  );
}

describe('maven/pom-xml extractor', () => {
  it('declares its patterns', () => {
    expect(pomXmlExtractor.id).toBe('maven/pom-xml');
    expect(pomXmlExtractor.patterns).toEqual(['pom.xml', '*.pom']);
  });

  it('resolves a local parent: properties, dependencyManagement, inheritance, ranges and scopes', () => {
    const dir = path.join(fixtures, 'parent-chain');
    const result = parsePomXml(readFileSync(path.join(dir, 'app/pom.xml'), 'utf8'), 'app/pom.xml', siblingsIn(dir));
    expect(brief(result.packages)).toEqual([
      // inherited from the parent's <dependencies>, located there
      'pkg:maven/org.slf4j/slf4j-api@2.0.9 runtime pom.xml:33',
      // version from the parent's dependencyManagement through a parent property
      'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.2 runtime app/pom.xml:16',
      // the child's property overrides the parent's
      'pkg:maven/io.netty/netty-handler@4.1.101.Final runtime app/pom.xml:20',
      // ${project.version} in the parent's management is the child's (inherited) version
      'pkg:maven/org.example/platform-core@3.1.0 runtime app/pom.xml:25',
      'pkg:maven/org.example/platform-api@3.1.0 runtime app/pom.xml:29',
      'pkg:maven/com.google.guava/guava runtime unpinned app/pom.xml:34',
      'pkg:maven/org.yaml/snakeyaml@2.2 runtime app/pom.xml:39',
      // scope from dependencyManagement: test → dev
      'pkg:maven/org.mockito/mockito-core@5.5.0 dev app/pom.xml:44',
      'pkg:maven/jakarta.servlet/jakarta.servlet-api@6.0.0 optional app/pom.xml:45',
      'pkg:maven/org.unknown/mystery runtime unpinned app/pom.xml:51',
    ]);
    expect(result.packages.every((p) => p.direct && p.ecosystem === 'Maven')).toBe(true);
    expect(result.packages[1]!.name).toBe('com.fasterxml.jackson.core:jackson-databind');
    expect(result.packages[5]!.version).toBe('');
    expect(result.warnings).toEqual([
      'app/pom.xml:34: com.google.guava:guava: version range "[32.0,33.0)", not a version',
      'app/pom.xml:51: org.unknown:mystery: unresolved property in "${mystery.version}", not a version',
    ]);
  });

  it('reports versions a missing parent would give as unpinned, naming the parent', () => {
    const dir = path.join(fixtures, 'parent-chain');
    const result = parsePomXml(readFileSync(path.join(dir, 'app/pom.xml'), 'utf8'), 'app/pom.xml');
    const jackson = result.packages.find((p) => p.name === 'com.fasterxml.jackson.core:jackson-databind')!;
    expect(jackson).toMatchObject({ version: '', unpinned: true, purl: 'pkg:maven/com.fasterxml.jackson.core/jackson-databind' });
    expect(result.warnings).toContain(
      'app/pom.xml:16: com.fasterxml.jackson.core:jackson-databind: no version here or in dependencyManagement; parent org.example:platform:3.1.0 is not in this repository',
    );
    // ${netty.version} is the child's own property and still resolves
    expect(result.packages.find((p) => p.name === 'io.netty:netty-handler')!.version).toBe('4.1.101.Final');
    expect(result.packages).toHaveLength(9);
  });

  it('ignores a file at relativePath that is not the declared parent, and does not loop', () => {
    const child = `<project><parent><groupId>g</groupId><artifactId>other</artifactId><version>1</version><relativePath>pom.xml</relativePath></parent>
<artifactId>self</artifactId><dependencies><dependency><groupId>a</groupId><artifactId>b</artifactId><version>\${v}</version></dependency></dependencies></project>`;
    const result = parsePomXml(child, 'pom.xml', () => child);
    expect(brief(result.packages)).toEqual(['pkg:maven/a/b runtime unpinned pom.xml:2']);
  });

  it('reads dependencies of activeByDefault profiles only', () => {
    const pom = `<project>
  <profiles>
    <profile><activation><activeByDefault>true</activeByDefault></activation>
      <properties><p.version>1.1</p.version></properties>
      <dependencies>
        <dependency><groupId>on</groupId><artifactId>a</artifactId><version>\${p.version}</version></dependency>
      </dependencies>
    </profile>
    <profile>
      <dependencies>
        <dependency><groupId>off</groupId><artifactId>b</artifactId><version>1</version></dependency>
      </dependencies>
    </profile>
  </profiles>
</project>`;
    expect(brief(parsePomXml(pom, 'pom.xml').packages)).toEqual(['pkg:maven/on/a@1.1 runtime pom.xml:6']);
  });

  it('does not loop on self-referencing properties', () => {
    const pom = `<project><properties><a>\${b}</a><b>\${a}</b></properties>
<dependencies><dependency><groupId>x</groupId><artifactId>y</artifactId><version>\${a}</version></dependency></dependencies></project>`;
    const result = parsePomXml(pom, 'pom.xml');
    expect(result.packages[0]).toMatchObject({ version: '', unpinned: true });
  });

  it('throws ParseError for text that is not a POM', () => {
    expect(() => parsePomXml('<settings><x/></settings>', 'pom.xml')).toThrow(ParseError);
    expect(() => parsePomXml('<settings><x/></settings>', 'pom.xml')).toThrow('pom.xml: not a Maven POM: no <project> root element');
    expect(() => parsePomXml('<project><dependencies></project>', 'a/pom.xml')).toThrow(/^a\/pom.xml: not well-formed XML at line 1/);
  });
});

describe('maven/pom-xml on the shared samples', () => {
  const parse = (file: string) =>
    parsePomXml(readFileSync(path.join(samples, file), 'utf8'), 'pom.xml', siblingsIn(samples, ['pom.xml']));

  const expected: Record<string, string[]> = {
    'ambiguous-interpolation.xml': ['pkg:maven/com.example/common-lib@1.0.0 runtime pom.xml:13'],
    'empty.xml': [],
    'encoding.xml': ['pkg:maven/junit/junit@4.12 runtime pom.xml:16'],
    'explicit-jar.xml': [
      'pkg:maven/org.different/my-lib@1.0.0 runtime pom.xml:12',
      'pkg:maven/com.example/my-lib@1.0.0?type=pom runtime pom.xml:17',
      'pkg:maven/com.example/my-lib@1.0.0 runtime pom.xml:23',
    ],
    'interpolate-drop.xml': ['pkg:maven/com.example/actual-artifact@1.0.0 runtime pom.xml:11'],
    'interpolation.xml': [
      'pkg:maven/org.mine/mypackage@1.0.0 runtime pom.xml:18',
      'pkg:maven/org.mine/my.package@2.3.4 runtime pom.xml:24',
      'pkg:maven/org.mine/ranged-package runtime unpinned pom.xml:30',
    ],
    'multi-version.xml': ['pkg:maven/abc/example.com@1.1.1 runtime pom.xml:13'],
    'one-package.xml': ['pkg:maven/org.apache.maven/maven-artifact@1.0.0 runtime pom.xml:7'],
    'plugin-dependency.xml': ['pkg:maven/com.example/hijack-lib@1.0.0 runtime pom.xml:27'],
    'profiles.xml': ['pkg:maven/org.profile/profile-dep@1.2.3 runtime pom.xml:15'],
    'transitive.xml': [
      'pkg:maven/org.direct/alice@1.0.0 runtime pom.xml:17',
      'pkg:maven/org.direct/bob@2.0.0 runtime pom.xml:22',
      'pkg:maven/org.direct/chris@3.0.0 runtime pom.xml:27',
    ],
    'two-packages.xml': [
      'pkg:maven/io.netty/netty-all@4.1.42.Final runtime pom.xml:7',
      'pkg:maven/org.slf4j/slf4j-log4j12@1.7.25 runtime pom.xml:12',
    ],
    'with-dependency-management.xml': [
      'pkg:maven/io.netty/netty-all@4.1.9 runtime pom.xml:7',
      'pkg:maven/org.slf4j/slf4j-log4j12@1.7.25 runtime pom.xml:12',
    ],
    'with-multiple-classifiers.xml': [
      'pkg:maven/com.example/my-lib@1.0.0?classifier=sources runtime pom.xml:8',
      'pkg:maven/com.example/my-lib@1.0.0 runtime pom.xml:14',
    ],
    'with-parent.xml': [
      'pkg:maven/org.dave/dave@4.0.0 runtime parent/pom.xml:15',
      'pkg:maven/org.alice/alice@1.0.0 runtime pom.xml:18',
      'pkg:maven/org.bob/bob@2.0.0 runtime pom.xml:23',
      'pkg:maven/org.chuck/chuck@3.0.0 runtime pom.xml:28',
      'pkg:maven/org.frank/frank runtime unpinned pom.xml:32',
    ],
    'with-scope.xml': ['pkg:maven/abc/xyz@1.2.3 runtime pom.xml:3', 'pkg:maven/junit/junit@4.12 dev pom.xml:9'],
    'with-type-classifier.xml': ['pkg:maven/abc/xyz@1.0.0?classifier=sources&type=pom runtime pom.xml:3'],
  };
  const broken: Record<string, RegExp> = {
    'invalid-syntax.xml': /^pom\.xml: not well-formed XML at line 3: Tag '\$\{Id\}\.version' is an invalid name/,
    'not-pom.txt': /^pom\.xml: not well-formed XML at line 1/,
  };

  it('covers every sample', () => {
    const files = readdirSync(samples).filter((f) => f !== 'parent');
    expect(files.sort()).toEqual([...Object.keys(expected), ...Object.keys(broken)].sort());
  });

  it.each(Object.entries(expected))('%s', (file, packages) => {
    expect(brief(parse(file).packages)).toEqual(packages);
  });

  it.each(Object.entries(broken))('%s throws ParseError', (file, message) => {
    let error: unknown;
    try {
      parse(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toMatch(message);
  });

  it('warns about the duplicate declaration and the unresolvable version', () => {
    expect(parse('multi-version.xml').warnings).toEqual([
      'pom.xml:13: abc:example.com is declared again (line 8); the last declaration wins, as in Maven',
    ]);
    expect(parse('with-parent.xml').warnings).toEqual([
      'pom.xml:32: org.frank:frank: no version here or in dependencyManagement; parent org.upstream:parent-pom:1.0 is not in this repository; imported BOMs are not read (org.import:import:1.2.3)',
    ]);
  });
});

describe('pom.xml: hostile properties', () => {
  it('a property that doubles at every pass stays unresolved (unpinned) instead of growing without bound', () => {
    const chain = Array.from({ length: 10 }, (_, i) => `<p${i}>\${p${i + 1}}\${p${i + 1}}\${p${i + 1}}\${p${i + 1}}</p${i}>`).join('');
    const pom = `<project><groupId>g</groupId><artifactId>a</artifactId><version>1</version><properties>${chain}<p10>${'9'.repeat(100)}</p10></properties><dependencies><dependency><groupId>x</groupId><artifactId>y</artifactId><version>\${p0}</version></dependency></dependencies></project>`;
    const result = parsePomXml(pom, 'pom.xml');
    expect(result.packages).toHaveLength(1);
    expect(result.packages[0]).toMatchObject({ name: 'x:y', version: '', unpinned: true });
  });
});
