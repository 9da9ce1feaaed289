/**
 * Growth check: every lockfile parser timed at n and 4n entries (goal: at most 5x the time, no
 * worse than n log n), and the hostile inputs that once took minutes: a v1 package-lock nested
 * deep, a requirements.txt line of spaces, a 10k/20k-package bun.lock with trailing commas, a
 * go.mod with odd whitespace. Each case goes through parseLockfile, as the walker runs it, so a
 * refused file shows its limit. Figures are printed, never asserted (tests assert results).
 */
import { performance } from 'node:perf_hooks';
import { errorMessage } from '../src/model/errors.js';
import { parseLockfile } from '../src/inventory/parse-file.js';
import { extractors } from '../src/inventory/registry.js';
import type { Extractor } from '../src/inventory/types.js';
import { generateBerryLock, generatePackageLock, generatePnpmLock, generateYarnLock } from './inventory-npm.js';
import { cargoLock, composerLock, gemfileLock, goMod, gradleLockfile, mixLock, packagesLock, pubspecLock } from './inventory-lockfiles.js';
import { pdm, pipfile, poetryWithEdges, pylock, requirements, uv } from './inventory-pypi.js';

const range = (count: number) => Array.from({ length: count }, (_, i) => i);
const depsOf = (i: number, count: number) => [i * 3 + 1, i * 3 + 2, i * 3 + 3].filter((d) => d < count);

/** bun.lock as Bun writes it: JSONC with a trailing comma after every entry (the quadratic case). */
export function bunLock(count: number): string {
  const entries = range(count).map((i) => {
    const deps = depsOf(i, count).map((d) => `"pkg-${d}": "^1.0.0", `).join('');
    return `    "pkg-${i}": ["pkg-${i}@1.${i % 50}.${i}", "", { "dependencies": { ${deps}} }, "sha512-AAAA=="],\n`;
  });
  return `{\n  "lockfileVersion": 1,\n  "workspaces": {\n    "": {\n      "name": "bench",\n      "dependencies": { "pkg-0": "^1.0.0", },\n    },\n  },\n  "packages": {\n${entries.join('')}  },\n}\n`;
}

/** A v1 package-lock.json with every package at the top level, each requiring up to three others. */
export function packageLockV1(count: number): string {
  const dependencies = Object.fromEntries(
    range(count).map((i) => [
      `pkg-${i}`,
      { version: `1.${i % 50}.${i}`, integrity: 'sha512-AAAA', requires: Object.fromEntries(depsOf(i, count).map((d) => [`pkg-${d}`, '^1.0.0'])) },
    ]),
  );
  return JSON.stringify({ name: 'bench', version: '1.0.0', lockfileVersion: 1, requires: true, dependencies }, null, 2);
}

/**
 * A v1 package-lock.json whose `dependencies` nest `depth` levels deep, each entry requiring the
 * next one and a top-level one. Built as text: JSON.stringify recurses and would overflow first.
 */
export function deepPackageLockV1(depth: number): string {
  const parts = ['{\n"name": "deep",\n"lockfileVersion": 1,\n"dependencies": {'];
  for (let i = 0; i < depth; i++) {
    parts.push(`\n"d${i}": {"version": "1.0.${i}", "requires": {"d${i + 1}": "^1.0.0", "d0": "^1.0.0"}, "integrity": "sha512-AAAA"`);
    if (i < depth - 1) parts.push(', "dependencies": {');
  }
  parts.push('}', '}}'.repeat(depth - 1), '}\n}\n');
  return parts.join('');
}

export function pomXml(count: number): string {
  const deps = range(count)
    .map((i) => `    <dependency>\n      <groupId>org.example.g${i % 40}</groupId>\n      <artifactId>a${i}</artifactId>\n      <version>1.${i % 50}.${i}</version>\n    </dependency>\n`)
    .join('');
  return `<?xml version="1.0"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>org.example</groupId>\n  <artifactId>bench</artifactId>\n  <version>1.0.0</version>\n  <dependencies>\n${deps}  </dependencies>\n</project>\n`;
}

export function workflow(count: number): string {
  const steps = range(count).map((i) => `      - uses: owner${i % 97}/action-${i}@v${i % 9}.${i}\n`).join('');
  return `name: bench\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
}

export function cycloneDxJson(count: number): string {
  const components = range(count).map((i) => ({ 'bom-ref': `c${i}`, type: 'library', name: `p${i}`, version: `1.0.${i}`, purl: `pkg:npm/p${i}@1.0.${i}` }));
  const dependencies = range(count).map((i) => ({ ref: `c${i}`, dependsOn: depsOf(i, count).map((d) => `c${d}`) }));
  return JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, metadata: { component: { 'bom-ref': 'root', type: 'application', name: 'bench' } }, components, dependencies }, null, 2);
}

export function cycloneDxXml(count: number): string {
  const components = range(count)
    .map((i) => `    <component type="library" bom-ref="c${i}">\n      <name>p${i}</name>\n      <version>1.0.${i}</version>\n      <purl>pkg:npm/p${i}@1.0.${i}</purl>\n    </component>\n`)
    .join('');
  const dependencies = range(count)
    .map((i) => `    <dependency ref="c${i}">${depsOf(i, count).map((d) => `<dependency ref="c${d}"/>`).join('')}</dependency>\n`)
    .join('');
  return `<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">\n  <components>\n${components}  </components>\n  <dependencies>\n${dependencies}  </dependencies>\n</bom>\n`;
}

/** An image-style SPDX document: the root package depends on every package (one long edge list). */
export function spdxJson(count: number): string {
  const purlRef = (purl: string) => [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }];
  const packages = [
    { SPDXID: 'SPDXRef-root', name: 'bench-image', versionInfo: '1.0.0' },
    ...range(count).map((i) => ({ SPDXID: `SPDXRef-p${i}`, name: `p${i}`, versionInfo: `1.0.${i}`, externalRefs: purlRef(`pkg:npm/p${i}@1.0.${i}`) })),
  ];
  const relationships = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-root' },
    ...range(count).map((i) => ({ spdxElementId: 'SPDXRef-root', relationshipType: 'DEPENDS_ON', relatedSpdxElement: `SPDXRef-p${i}` })),
    ...range(count).flatMap((i) => depsOf(i, count).map((d) => ({ spdxElementId: `SPDXRef-p${i}`, relationshipType: 'DEPENDS_ON', relatedSpdxElement: `SPDXRef-p${d}` }))),
  ];
  return JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'bench', dataLicense: 'CC0-1.0', packages, relationships }, null, 2);
}

/** Each extractor's generator of a file with n entries. */
const GENERATORS: Record<string, (count: number) => string> = {
  'npm/package-lock': generatePackageLock,
  'npm/yarn-lock': generateYarnLock,
  'npm/pnpm-lock': generatePnpmLock,
  'npm/bun-lock': bunLock,
  'pypi/requirements-txt': requirements,
  'pypi/poetry-lock': poetryWithEdges,
  'pypi/pipfile-lock': pipfile,
  'pypi/pdm-lock': pdm,
  'pypi/uv-lock': uv,
  'pypi/pylock': pylock,
  'go/go-mod': goMod,
  'cargo/cargo-lock': cargoLock,
  'rubygems/gemfile-lock': gemfileLock,
  'packagist/composer-lock': composerLock,
  'nuget/packages-lock': packagesLock,
  'pub/pubspec-lock': pubspecLock,
  'hex/mix-lock': mixLock,
  'maven/gradle-lockfile': gradleLockfile,
  'maven/pom-xml': pomXml,
  'github-actions/workflow': workflow,
  'sbom-input/cyclonedx-json': cycloneDxJson,
  'sbom-input/cyclonedx-xml': cycloneDxXml,
  'sbom-input/spdx-json': spdxJson,
};

/** Second formats read by the same extractor, timed on their own rows. */
const VARIANTS: [id: string, label: string, make: (count: number) => string][] = [
  ['npm/yarn-lock', 'npm/yarn-lock (Berry)', generateBerryLock],
  ['npm/package-lock', 'npm/package-lock (v1)', packageLockV1],
];

interface Timing {
  ms: number;
  outcome: string;
}

/**
 * The fastest of several timed parses after one warm-up (at least `runs`, more while they take
 * under 300 ms in all): on a shared machine the minimum is the figure other work disturbs least.
 * The outcome is a package count or the error.
 */
function time(extractor: Extractor, content: string, runs: number, direct = false): Timing {
  const once = (): string => {
    try {
      const result = direct ? extractor.parse(content, 'bench') : parseLockfile(extractor, content, 'bench');
      return `${result.packages.length} packages`;
    } catch (error) {
      return errorMessage(error).replace(/^bench: /, '').slice(0, 90);
    }
  };
  once();
  let best = Infinity;
  let total = 0;
  let outcome = '';
  for (let run = 0; run < runs || (total < 300 && run < 20); run++) {
    const start = performance.now();
    outcome = once();
    const took = performance.now() - start;
    total += took;
    best = Math.min(best, took);
  }
  return { ms: best, outcome };
}

const ms = (value: number) => `${value.toFixed(1)} ms`.padStart(10);

export async function bench(): Promise<void> {
  // `npm run bench -- parser-growth` with PARSER_GROWTH_ONLY=id,id times only those parsers
  const only = process.env.PARSER_GROWTH_ONLY?.split(',');
  // PARSER_GROWTH_N=20000 repeats the check at larger sizes, where start-up and GC noise weigh less.
  const n = Number(process.env.PARSER_GROWTH_N ?? 5_000);
  console.log(`| parser | t(n=${n}) | t(4n=${4 * n}) | ratio | result at 4n |`);
  console.log('|---|---:|---:|---:|---|');
  let worst = 0;
  const rows: [string, Extractor, ((count: number) => string) | undefined][] = [
    ...[...extractors.values()].map((extractor) => [extractor.id, extractor, GENERATORS[extractor.id]] as [string, Extractor, ((count: number) => string) | undefined]),
    ...VARIANTS.map(([id, label, make]) => [label, extractors.get(id) as Extractor, make] as [string, Extractor, (count: number) => string]),
  ];
  for (const [label, extractor, make] of rows) {
    if (only && !only.includes(extractor.id)) continue;
    if (!make) {
      console.log(`| ${label} | (no generator) | | | |`);
      continue;
    }
    const small = time(extractor, make(n), 3);
    const large = time(extractor, make(4 * n), 3);
    const ratio = large.ms / small.ms;
    worst = Math.max(worst, ratio);
    console.log(`| ${label} | ${ms(small.ms)} | ${ms(large.ms)} | ${ratio.toFixed(1)}x${ratio > 5 ? ' OVER' : ''} | ${large.outcome} |`);
  }
  console.log(`\nworst growth ratio: ${worst.toFixed(1)}x (goal: at most 5x for 4x the entries)\n`);

  const get = (id: string) => extractors.get(id) as Extractor;
  const odd = (char: string) => `module example.com/m\n\ngo 1.22\n\nrequire (\n${range(2000).map((i) => `\texample.com/m${i} v1.0.${i}\n`).join('')}\texample.com/x${char}v1.0.0\n)\n`;
  const worstCases: [string, Extractor, string, boolean?][] = [
    ['bun.lock, 10,000 packages', get('npm/bun-lock'), bunLock(10_000)],
    ['bun.lock, 20,000 packages', get('npm/bun-lock'), bunLock(20_000)],
    ['package-lock v1 nested 250 deep', get('npm/package-lock'), deepPackageLockV1(250)],
    ['package-lock v1 nested 1,000 deep', get('npm/package-lock'), deepPackageLockV1(1_000)],
    ['package-lock v1 nested 20,000 deep', get('npm/package-lock'), deepPackageLockV1(20_000)],
    ['package-lock v1 nested 100,000 deep', get('npm/package-lock'), deepPackageLockV1(100_000)],
    ['requirements.txt, 100 KB of spaces (parser)', get('pypi/requirements-txt'), `flask==1.0 ${' '.repeat(100_000)}# x\n`, true],
    ['requirements.txt, 400 KB of spaces (parser)', get('pypi/requirements-txt'), `flask==1.0 ${' '.repeat(400_000)}# x\n`, true],
    ['requirements.txt, 100 KB of spaces', get('pypi/requirements-txt'), `flask==1.0 ${' '.repeat(100_000)}# x\n`],
    ['requirements.txt, 200 KB of backslashes (parser)', get('pypi/requirements-txt'), `flask==1.0 ${'\\'.repeat(200_000)}\n`, true],
    ['go.mod with \\v', get('go/go-mod'), odd('\v')],
    ['go.mod with a no-break space', get('go/go-mod'), odd('\u00a0')],
    ['go.mod with U+2028', get('go/go-mod'), odd('\u2028')],
    ['go.mod with a BOM inside', get('go/go-mod'), odd('\ufeff')],
    ['Pipfile.lock, 600,000-character name', get('pypi/pipfile-lock'), JSON.stringify({ _meta: {}, default: { ['a'.repeat(600_000)]: { version: '==1.0' } } })],
  ];
  console.log('| worst case | time | result |');
  console.log('|---|---:|---|');
  for (const [label, extractor, content, direct] of worstCases) {
    const { ms: took, outcome } = time(extractor, content, 3, direct);
    console.log(`| ${label} | ${ms(took)} | ${outcome} |`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
