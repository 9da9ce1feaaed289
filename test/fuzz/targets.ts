/**
 * What the fuzz suite feeds: every registered lockfile/SBOM extractor (new ones are covered by
 * being registered), the SARIF importer, OSV record loading, every version scheme, the config
 * loader and the rules loader. Seeds come from ../shared/lockfile-samples and fixtures/.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import picomatch from 'picomatch';
import { loadConfig } from '../../src/config/load.js';
import { parseLockfile } from '../../src/inventory/parse-file.js';
import { extractors } from '../../src/inventory/registry.js';
import type { Extractor } from '../../src/inventory/types.js';
import { readConfined } from '../../src/inventory/walk.js';
import { importOsv, loadOsvIndex } from '../../src/osv/db.js';
import { loadRulesFile } from '../../src/policy/load.js';
import { importSarif } from '../../src/sarif/import.js';
import { registeredSchemes } from '../../src/versioning/registry.js';
import type { FuzzTarget } from './run.js';

const root = resolve(import.meta.dirname, '../..');
const samples = resolve(root, '../shared/lockfile-samples');
const MAX_SEED_BYTES = 512 * 1024;

/** Samples folders of ../shared/lockfile-samples by extractor; extractors not named here still get fixtures and the others' seeds. */
const SAMPLE_FOLDERS: Record<string, string[]> = {
  'npm/package-lock': ['javascript/packagelockjson'],
  'npm/pnpm-lock': ['javascript/pnpmlock'],
  'npm/bun-lock': ['javascript/bunlock'],
  'npm/yarn-lock': ['javascript/yarnlock'],
  'pypi/requirements-txt': ['python/requirements'],
  'pypi/poetry-lock': ['python/poetrylock'],
  'pypi/pipfile-lock': ['python/pipfilelock'],
  'pypi/pdm-lock': ['python/pdmlock'],
  'pypi/uv-lock': ['python/uvlock'],
  'pypi/pylock': ['python/pylock'],
  'go/go-mod': ['golang/gomod'],
  'cargo/cargo-lock': ['rust/cargolock'],
  'rubygems/gemfile-lock': ['ruby/gemfilelock'],
  'packagist/composer-lock': ['php/composerlock'],
  'nuget/packages-lock': ['dotnet/packageslockjson'],
  'pub/pubspec-lock': ['dart/pubspec'],
  'hex/mix-lock': ['elixir/mixlock', 'erlang/mixlock'],
  'maven/gradle-lockfile': ['java/gradlelockfile'],
  'maven/pom-xml': ['java/pomxml'],
};

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name === 'expected.json' || entry.name === 'README.md') continue;
    const file = join(entry.parentPath, entry.name);
    if (statSync(file).size <= MAX_SEED_BYTES) found.push(file);
  }
  return found.sort();
}

const read = (file: string) => readFileSync(file, 'utf8');

/** The file name an extractor is handed: its first pattern, globs filled in. */
function pathFor(extractor: Extractor): string {
  return extractor.patterns[0]!.replace(/\*/g, 'x');
}

function extractorSeeds(extractor: Extractor, fixtureFiles: string[]): string[] {
  const patterns = extractor.patterns.map((pattern) => (pattern.includes('/') ? pattern.split('/').at(-1)! : pattern));
  const matches = picomatch(patterns, { dot: true });
  const own = fixtureFiles.filter((file) => matches(basename(file)));
  const sampled = (SAMPLE_FOLDERS[extractor.id] ?? []).flatMap((folder) => filesUnder(join(samples, folder)));
  return [...new Set([...own, ...sampled])].map(read);
}

export function extractorTargets(): FuzzTarget[] {
  const fixtureFiles = filesUnder(join(root, 'fixtures/inventory'));
  return [...extractors.values()].map((extractor) => {
    const path = pathFor(extractor);
    return {
      name: extractor.id,
      seeds: extractorSeeds(extractor, fixtureFiles),
      // As the walker runs it (shared checks, then the parser). A sibling read returns the same
      // hostile text, as a checkout could (includes of includes, loops); like a file system, only
      // for names a file can have, and a few times.
      run: (text: string) => {
        let reads = 0;
        return parseLockfile(extractor, text, path, (sibling) => (sibling.length <= 255 && ++reads <= 3 ? text : undefined));
      },
    };
  });
}

export function sarifTarget(): FuzzTarget {
  const checkoutDir = join(root, 'fixtures/code');
  const seeds = [...filesUnder(join(root, 'fixtures/sarif')), join(root, 'fixtures/policy/codeql.sarif')].map(read);
  return {
    name: 'sarif/import',
    seeds,
    run: (text) => importSarif(text, { sourceName: 'evil.sarif', checkoutDir, readFile: (file) => readConfined(checkoutDir, file) }),
  };
}

/** OSV records through import (validation, index building) and loading (index header, lookups). */
export function osvTarget(): FuzzTarget {
  const seeds = filesUnder(join(root, 'fixtures/osv')).filter((file) => file.endsWith('.json')).map(read);
  const work = mkdtempSync(join(tmpdir(), 'sieve-fuzz-osv-'));
  let n = 0;
  return {
    name: 'osv/records',
    seeds,
    run: async (text) => {
      const dir = join(work, String(n++));
      const osvDir = join(dir, 'osv');
      const file = join(dir, 'record.json');
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, text);
      try {
        const report = await importOsv(osvDir, [file]);
        const index = loadOsvIndex(osvDir, Object.keys(report));
        for (const ecosystem of index.ecosystems) for (const name of index.names(ecosystem)) index.records(ecosystem, name);
        return report;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export function versionTargets(): FuzzTarget[] {
  const seeds = filesUnder(join(root, 'fixtures/versions'))
    .flatMap((file) => read(file).split('\n'))
    .filter((line) => line.includes(' < '))
    .map((line) => line.split(' < ').join('\n'));
  return registeredSchemes.map((scheme) => ({
    name: `versioning/${scheme.ecosystems[0]!}`,
    seeds,
    run: (text: string) => {
      const [a = '', b = ''] = text.split('\n');
      scheme.isValid(a);
      scheme.isValid(b);
      return [scheme.compare(a, b), scheme.compare(b, a), scheme.compare(a, a)];
    },
  }));
}

export function configTarget(): FuzzTarget {
  const work = mkdtempSync(join(tmpdir(), 'sieve-fuzz-config-'));
  const file = join(work, 'scan-targets.json');
  return {
    name: 'config/scan-targets',
    seeds: [read(join(root, 'scan-targets.json'))],
    run: (text) => {
      writeFileSync(file, text);
      return loadConfig(file);
    },
  };
}

export function rulesTarget(): FuzzTarget {
  const work = mkdtempSync(join(tmpdir(), 'sieve-fuzz-rules-'));
  return {
    name: 'policy/rules',
    seeds: filesUnder(join(root, 'rules')).map(read),
    // Read as the loader would: a text that looks like JSON as rules.json, anything else as rules.yaml.
    run: (text) => {
      const file = join(work, text.trimStart().startsWith('{') ? 'rules.json' : 'rules.yaml');
      writeFileSync(file, text);
      return loadRulesFile(file, 0);
    },
  };
}

export function allTargets(): FuzzTarget[] {
  return [...extractorTargets(), sarifTarget(), osvTarget(), ...versionTargets(), configTarget(), rulesTarget()];
}
