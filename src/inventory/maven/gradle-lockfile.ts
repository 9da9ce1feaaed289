import { ParseError } from '../../model/errors.js';
import type { DependencyScope, ExtractResult, Package } from '../../model/types.js';
import type { Extractor } from '../types.js';
import { purlMaker } from '../entry.js';

const purlAt = purlMaker('Maven');

/*
 * Gradle dependency lock files: one `group:artifact:version=conf1,conf2` line per module, `#`
 * comments, and `empty=confs` for configurations that resolved nothing. Plain line text, so no
 * library is needed.
 */

const LINE = /^([^:=\s]+):([^:=\s]+):([^:=\s]+)=(.*)$/;

/** Build-time-only configurations that are not test-named. */
const DEV_CONFIGURATIONS = new Set(['developmentOnly', 'annotationProcessor', 'kapt', 'ksp', 'detekt', 'ktlint', 'jacocoAgent', 'jacocoAnt', 'checkstyle', 'pmd', 'spotbugs']);

/** A test or build-tool configuration (`testCompileClasspath`, `androidTestRuntimeClasspath`...). */
function isDevConfiguration(name: string): boolean {
  return /^test|Test/.test(name) || DEV_CONFIGURATIONS.has(name);
}

/** dev when every configuration that resolved the module is a test or build-tool one. */
function scopeOf(configurations: string[]): DependencyScope {
  return configurations.length > 0 && configurations.every(isDevConfiguration) ? 'dev' : 'runtime';
}

export function parseGradleLockfile(content: string, path: string): ExtractResult {
  const packages: Package[] = [];
  const warnings: string[] = [];
  let unreadable = 0;
  let readable = 0;
  content.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) return;
    if (/^empty=[^=]*$/.test(text)) {
      readable++;
      return;
    }
    const match = LINE.exec(text);
    if (!match) {
      unreadable++;
      warnings.push(`${path}:${line}: "${text.slice(0, 80)}" is not a group:artifact:version=configurations line; skipped`);
      return;
    }
    readable++;
    const [, group, artifact, version, confs] = match as unknown as [string, string, string, string, string];
    const name = `${group}:${artifact}`;
    packages.push({
      ecosystem: 'Maven',
      name,
      version,
      purl: purlAt(path, line, name, version),
      // The lock lists every resolved module without saying which the build script declares.
      direct: false,
      scope: scopeOf(confs.split(',').map((conf) => conf.trim()).filter(Boolean)),
      location: { path, line },
    });
  });
  if (readable === 0 && unreadable > 0) {
    throw new ParseError(path, `not a Gradle lockfile: none of its ${unreadable} non-comment lines is group:artifact:version=configurations or empty=`);
  }
  return { packages, warnings };
}

export const gradleLockfileExtractor: Extractor = {
  id: 'maven/gradle-lockfile',
  ecosystem: 'Maven',
  patterns: ['gradle.lockfile', 'buildscript-gradle.lockfile'],
  lineOriented: true,
  parse: (content, path) => parseGradleLockfile(content, path),
};
