import { performance } from 'node:perf_hooks';
import { buildBom } from '../src/sbom/build.js';
import { serializeBom } from '../src/sbom/serialize.js';
import { validateBomJson } from '../src/sbom/validate.js';
import { parsePomXml } from '../src/inventory/maven/pom-xml.js';
import { parseCycloneDxJson } from '../src/inventory/sbom-input/cyclonedx-json.js';
import { purlFor } from '../src/model/purl.js';
import type { Package } from '../src/model/types.js';

/** Deterministic synthetic inventory: package i depends on up to three later packages. */
function inventory(count: number): Package[] {
  const purl = (i: number) => purlFor('npm', i % 7 === 0 ? `@scope/pkg-${i}` : `pkg-${i}`, `1.${i % 50}.${i}`);
  return Array.from({ length: count }, (_, i) => ({
    ecosystem: 'npm' as const,
    name: i % 7 === 0 ? `@scope/pkg-${i}` : `pkg-${i}`,
    version: `1.${i % 50}.${i}`,
    purl: purl(i),
    direct: i < 20,
    scope: i % 5 === 4 ? ('dev' as const) : ('runtime' as const),
    location: { path: 'package-lock.json', line: i * 10 + 1 },
    dependsOn: [i * 3 + 1, i * 3 + 2, i * 3 + 3].filter((d) => d < count).map(purl),
  }));
}

function pom(count: number): string {
  const deps = Array.from(
    { length: count },
    (_, i) => `    <dependency>\n      <groupId>org.g${i % 40}</groupId>\n      <artifactId>a${i}</artifactId>\n      <version>\${v${i % 100}}</version>\n    </dependency>\n`,
  ).join('');
  const props = Array.from({ length: 100 }, (_, i) => `    <v${i}>1.${i}.0</v${i}>\n`).join('');
  return `<project>\n  <properties>\n${props}  </properties>\n  <dependencies>\n${deps}  </dependencies>\n</project>\n`;
}

function time<T>(label: string, fn: () => T): T {
  const start = performance.now();
  const result = fn();
  console.log(`${label}: ${(performance.now() - start).toFixed(1)} ms`);
  return result;
}

export async function bench(): Promise<void> {
  for (const count of [1_000, 5_000]) {
    const packages = inventory(count);
    const input = { target: { name: 'bench', commit: 'a'.repeat(40) }, packages, timestamp: new Date(0), toolVersion: '0' };
    const bom = time(`sbom build ${count} packages`, () => buildBom(input));
    const json = time(`sbom serialize json ${count}`, () => serializeBom(bom, 'json'));
    time(`sbom serialize xml ${count}`, () => serializeBom(bom, 'xml'));
    const start = performance.now();
    const errors = await validateBomJson(json);
    console.log(`sbom validate json ${count}: ${(performance.now() - start).toFixed(1)} ms (${errors.length} errors, first call compiles the schema)`);
    time(`sbom-input read back ${count} (${(json.length / 1024).toFixed(0)} KiB)`, () => parseCycloneDxJson(json, 'bom.json'));
  }
  const text = pom(5_000);
  time(`pom.xml 5000 dependencies (${(text.length / 1024).toFixed(0)} KiB)`, () => parsePomXml(text, 'pom.xml'));
}
