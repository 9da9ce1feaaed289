import { performance } from 'node:perf_hooks';
import type { Extractor } from '../src/inventory/types.js';
import { requirementsTxtExtractor } from '../src/inventory/pypi/requirements-txt.js';
import { poetryLockExtractor } from '../src/inventory/pypi/poetry-lock.js';
import { pipfileLockExtractor } from '../src/inventory/pypi/pipfile-lock.js';
import { pdmLockExtractor } from '../src/inventory/pypi/pdm-lock.js';
import { uvLockExtractor } from '../src/inventory/pypi/uv-lock.js';
import { pylockExtractor } from '../src/inventory/pypi/pylock.js';

/** Deterministic synthetic graph: package i depends on up to three later packages. */
function depsOf(i: number, count: number): number[] {
  return [i * 3 + 1, i * 3 + 2, i * 3 + 3].filter((d) => d < count);
}

const HASH = 'sha256:0000000000000000000000000000000000000000000000000000000000000000';

export function requirements(count: number): string {
  return Array.from({ length: count }, (_, i) => `pkg-${i}==1.${i % 50}.${i} \\\n    --hash=${HASH} \\\n    --hash=${HASH}\n    # via pkg-${i + 1}\n`).join('');
}

function tomlLock(count: number, header: string, deps: (i: number) => string): string {
  return Array.from(
    { length: count },
    (_, i) => `[[${header}]]\nname = "pkg-${i}"\nversion = "1.${i % 50}.${i}"\ndescription = """\nPackage ${i}.\n"""\n${deps(i)}files = [\n    {file = "pkg-${i}.tar.gz", hash = "${HASH}"},\n]\n\n`,
  ).join('');
}


export function poetryWithEdges(count: number): string {
  return Array.from({ length: count }, (_, i) => {
    const edges = depsOf(i, count).map((d) => `pkg-${d} = ">=1"\n`).join('');
    return `[[package]]\nname = "pkg-${i}"\nversion = "1.${i % 50}.${i}"\noptional = false\ngroups = ["${i % 5 === 4 ? 'dev' : 'main'}"]\nfiles = [\n    {file = "pkg-${i}.tar.gz", hash = "${HASH}"},\n]\n\n${edges ? `[package.dependencies]\n${edges}\n` : ''}`;
  }).join('');
}

export function pdm(count: number): string {
  return tomlLock(count, 'package', (i) => {
    const deps = depsOf(i, count).map((d) => `    "pkg-${d}>=1",\n`).join('');
    return `groups = ["${i % 5 === 4 ? 'dev' : 'default'}"]\n${deps ? `dependencies = [\n${deps}]\n` : ''}`;
  });
}

export function uv(count: number): string {
  const root = `[[package]]\nname = "bench"\nversion = "1.0.0"\nsource = { virtual = "." }\ndependencies = [\n    { name = "pkg-0" },\n]\n\n`;
  return `version = 1\n\n${root}${tomlLock(count, 'package', (i) => {
    const deps = depsOf(i, count).map((d) => `    { name = "pkg-${d}" },\n`).join('');
    return `source = { registry = "https://example.invalid/simple" }\n${deps ? `dependencies = [\n${deps}]\n` : ''}`;
  })}`;
}

export function pylock(count: number): string {
  return `lock-version = "1.0"\ncreated-by = "bench"\n\n${tomlLock(count, 'packages', (i) => {
    const deps = depsOf(i, count).map((d) => `{ name = "pkg-${d}" }`).join(', ');
    return deps ? `dependencies = [${deps}]\n` : '';
  })}`;
}

export function pipfile(count: number): string {
  const section = (from: number, to: number) =>
    Object.fromEntries(Array.from({ length: to - from }, (_, k) => [`pkg-${from + k}`, { hashes: [HASH, HASH], version: `==1.${(from + k) % 50}.${from + k}` }]));
  return JSON.stringify({ _meta: { 'pipfile-spec': 6 }, default: section(0, Math.floor(count * 0.8)), develop: section(Math.floor(count * 0.8), count) }, null, 4);
}

function measure(label: string, extractor: Extractor, fileName: string, content: string): void {
  extractor.parse(content, fileName); // warm-up
  const runs = 5;
  let best = Infinity;
  let count = 0;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    count = extractor.parse(content, fileName).packages.length;
    best = Math.min(best, performance.now() - start);
  }
  const perSecond = Math.round((count / best) * 1000);
  console.log(
    `${label}: ${count} packages, ${(content.length / 1e6).toFixed(1)} MB, best of ${runs}: ${best.toFixed(1)} ms (${perSecond.toLocaleString('en')} packages/s)`,
  );
}

export async function bench(): Promise<void> {
  const count = 5000;
  measure('pypi/requirements-txt', requirementsTxtExtractor, 'requirements.txt', requirements(count));
  measure('pypi/poetry-lock', poetryLockExtractor, 'poetry.lock', poetryWithEdges(count));
  measure('pypi/pipfile-lock', pipfileLockExtractor, 'Pipfile.lock', pipfile(count));
  measure('pypi/pdm-lock', pdmLockExtractor, 'pdm.lock', pdm(count));
  measure('pypi/uv-lock', uvLockExtractor, 'uv.lock', uv(count));
  measure('pypi/pylock', pylockExtractor, 'pylock.toml', pylock(count));
}
