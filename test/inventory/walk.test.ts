import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inventoryDirectory, readConfined } from '../../src/inventory/walk.js';
import type { InventoryResult } from '../../src/inventory/walk.js';

/** Small valid lockfiles, one package each (two for the SBOM), built into temp trees below. */
const packageLock = (name: string, version: string) =>
  JSON.stringify(
    {
      name: 'app',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'app', version: '1.0.0', dependencies: { [name]: `^${version}` } },
        [`node_modules/${name}`]: { version, resolved: `https://example.invalid/${name}/-/${name}-${version}.tgz` },
      },
    },
    null,
    2,
  );

const pnpmLock = (name: string, version: string) =>
  [
    "lockfileVersion: '9.0'",
    '',
    'importers:',
    '  .:',
    '    dependencies:',
    `      ${name}:`,
    `        specifier: ^${version}`,
    `        version: ${version}`,
    '',
    'packages:',
    `  ${name}@${version}:`,
    '    resolution: {integrity: sha512-AAAA}',
    '',
    'snapshots:',
    `  ${name}@${version}: {}`,
    '',
  ].join('\n');

const cargoLock = (name: string, version: string) =>
  `version = 3\n\n[[package]]\nname = "${name}"\nversion = "${version}"\nsource = "registry+https://example.invalid/index"\n`;

const bomJson = JSON.stringify(
  {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    components: [
      { type: 'library', name: 'openssl', version: '3.0.11-1', purl: 'pkg:deb/debian/openssl@3.0.11-1' },
      { type: 'library', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' },
    ],
  },
  null,
  2,
);

let dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sieve-walk-'));
  dirs.push(dir);
  return dir;
}

/** Writes files (repo-relative path → text) under a new temp root. */
function tree(files: Record<string, string>): string {
  const root = tempDir();
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), content);
  }
  return root;
}

afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

const paths = (result: InventoryResult) => result.files.map((file) => `${file.path} ${file.extractor} ${file.packages}`);
const purls = (result: InventoryResult) => result.packages.map((pkg) => `${pkg.purl} ${pkg.location.path}:${pkg.location.line}`).sort();

describe('inventoryDirectory', () => {
  it('finds lockfiles at the root and in nested folders', () => {
    const root = tree({
      'package-lock.json': packageLock('left-pad', '1.3.0'),
      'apps/web/pnpm-lock.yaml': pnpmLock('react', '18.2.0'),
      'services/api/requirements.txt': 'requests==2.31.0\n',
      'crates/core/deep/Cargo.lock': cargoLock('serde', '1.0.190'),
      'docs/README.md': '# not a lockfile\n',
    });
    const result = inventoryDirectory(root);
    expect(paths(result)).toEqual([
      'apps/web/pnpm-lock.yaml npm/pnpm-lock 1',
      'crates/core/deep/Cargo.lock cargo/cargo-lock 1',
      'package-lock.json npm/package-lock 1',
      'services/api/requirements.txt pypi/requirements-txt 1',
    ]);
    expect(purls(result)).toEqual([
      'pkg:cargo/serde@1.0.190 crates/core/deep/Cargo.lock:3',
      'pkg:npm/left-pad@1.3.0 package-lock.json:14',
      'pkg:npm/react@18.2.0 apps/web/pnpm-lock.yaml:11',
      'pkg:pypi/requests@2.31.0 services/api/requirements.txt:1',
    ]);
    expect(result.errors).toEqual([]);
  });

  it('skips node_modules, vendor and test-fixture folders unless asked to include fixtures', () => {
    const root = tree({
      'package-lock.json': packageLock('left-pad', '1.3.0'),
      'node_modules/dep/package-lock.json': packageLock('in-node-modules', '1.0.0'),
      'vendor/lib/Cargo.lock': cargoLock('vendored', '1.0.0'),
      'test/fixtures/app/package-lock.json': packageLock('from-fixture', '1.0.0'),
      'pkg/testdata/Cargo.lock': cargoLock('from-testdata', '1.0.0'),
    });
    expect(paths(inventoryDirectory(root))).toEqual(['package-lock.json npm/package-lock 1']);

    const withFixtures = inventoryDirectory(root, { includeTestFixtures: true });
    expect(paths(withFixtures)).toEqual([
      'package-lock.json npm/package-lock 1',
      'pkg/testdata/Cargo.lock cargo/cargo-lock 1',
      'test/fixtures/app/package-lock.json npm/package-lock 1',
    ]);
    // node_modules and vendor stay out even then
    expect(withFixtures.packages.map((pkg) => pkg.name).sort()).toEqual(['from-fixture', 'from-testdata', 'left-pad']);
  });

  it('reads only below `paths` and never what `exclude` matches', () => {
    const root = tree({
      'package-lock.json': packageLock('root-dep', '1.0.0'),
      'apps/web/package-lock.json': packageLock('web-dep', '1.0.0'),
      'apps/web/legacy/package-lock.json': packageLock('legacy-dep', '1.0.0'),
      'apps/cli/Cargo.lock': cargoLock('cli-dep', '1.0.0'),
      'services/api/requirements.txt': 'flask==3.0.0\n',
    });
    expect(paths(inventoryDirectory(root, { paths: ['apps'] }))).toEqual([
      'apps/cli/Cargo.lock cargo/cargo-lock 1',
      'apps/web/legacy/package-lock.json npm/package-lock 1',
      'apps/web/package-lock.json npm/package-lock 1',
    ]);
    expect(paths(inventoryDirectory(root, { paths: ['apps/web/', 'services'] }))).toEqual([
      'apps/web/legacy/package-lock.json npm/package-lock 1',
      'apps/web/package-lock.json npm/package-lock 1',
      'services/api/requirements.txt pypi/requirements-txt 1',
    ]);
    expect(paths(inventoryDirectory(root, { paths: ['apps/*/Cargo.lock'] }))).toEqual(['apps/cli/Cargo.lock cargo/cargo-lock 1']);
    expect(paths(inventoryDirectory(root, { exclude: ['apps/web/legacy/**', 'services/**'] }))).toEqual([
      'apps/cli/Cargo.lock cargo/cargo-lock 1',
      'apps/web/package-lock.json npm/package-lock 1',
      'package-lock.json npm/package-lock 1',
    ]);
    expect(paths(inventoryDirectory(root, { exclude: ['**/package-lock.json'] }))).toEqual([
      'apps/cli/Cargo.lock cargo/cargo-lock 1',
      'services/api/requirements.txt pypi/requirements-txt 1',
    ]);
    expect(paths(inventoryDirectory(root, { paths: ['apps'], exclude: ['apps/web'] }))).toEqual(['apps/cli/Cargo.lock cargo/cargo-lock 1']);
  });

  it('never follows a symlinked file or directory, inside the root or out of it', () => {
    const outside = tree({
      'Cargo.lock': cargoLock('outside-secret', '1.0.0'),
      'nested/package-lock.json': packageLock('outside-nested', '1.0.0'),
    });
    const root = tree({
      'package-lock.json': packageLock('left-pad', '1.3.0'),
      'real/requirements.txt': 'requests==2.31.0\n',
    });
    symlinkSync(path.join(outside, 'Cargo.lock'), path.join(root, 'Cargo.lock'));
    symlinkSync(outside, path.join(root, 'escape'), 'dir');
    symlinkSync(path.join(root, 'real'), path.join(root, 'alias'), 'dir');
    mkdirSync(path.join(root, 'sub'));
    symlinkSync('../package-lock.json', path.join(root, 'sub/package-lock.json'));

    const result = inventoryDirectory(root);
    expect(paths(result)).toEqual(['package-lock.json npm/package-lock 1', 'real/requirements.txt pypi/requirements-txt 1']);
    expect(result.packages.map((pkg) => pkg.name).sort()).toEqual(['left-pad', 'requests']);
    expect(result.errors).toEqual([]);
    // nor does the sibling reader given to extractors
    expect(readConfined(root, 'Cargo.lock')).toBeUndefined();
    expect(readConfined(root, 'escape/Cargo.lock')).toBeUndefined();
    expect(readConfined(root, '../' + path.basename(outside) + '/Cargo.lock')).toBeUndefined();
    expect(readConfined(root, 'real/requirements.txt')).toBe('requests==2.31.0\n');
  });

  it('lets nested files read the files they name: -r includes, the go.sum beside an old go.mod', () => {
    const root = tree({
      'services/api/requirements.txt': '-r base.txt\nflask==3.0.0\n',
      'services/api/base.txt': 'requests==2.31.0\n',
      'tools/go.mod': 'module example.org/tools\n\ngo 1.16\n\nrequire github.com/stretchr/testify v1.7.0\n',
      'tools/go.sum': 'github.com/davecgh/go-spew v1.1.1 h1:x=\ngithub.com/stretchr/testify v1.7.0 h1:y=\n',
    });
    const result = inventoryDirectory(root);
    const names = result.packages.map((pkg) => `${pkg.name}@${pkg.version} ${pkg.location.path}`).sort();
    expect(names).toEqual([
      'flask@3.0.0 services/api/requirements.txt',
      'github.com/davecgh/go-spew@v1.1.1 tools/go.sum',
      'github.com/stretchr/testify@v1.7.0 tools/go.mod',
      'requests@2.31.0 services/api/base.txt',
      'stdlib@1.16.0 tools/go.mod',
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('reports a file over maxFileBytes as an error naming it, and reads the others', () => {
    const big = `${'# padding line\n'.repeat(200)}requests==2.31.0\n`;
    const root = tree({
      'big/requirements.txt': big,
      'small/requirements.txt': 'flask==3.0.0\n',
      'package-lock.json': packageLock('left-pad', '1.3.0'),
    });
    const limit = 1024;
    expect(Buffer.byteLength(packageLock('left-pad', '1.3.0'))).toBeLessThan(limit);
    const result = inventoryDirectory(root, { maxFileBytes: limit });
    expect(result.errors).toEqual([
      {
        path: 'big/requirements.txt',
        extractor: 'pypi/requirements-txt',
        ecosystem: 'PyPI',
        // Reported under its path, so the message does not say it again (summary: "inventory big/requirements.txt: …").
        message: `${Buffer.byteLength(big)} bytes is over the ${limit}-byte limit for this input`,
      },
    ]);
    expect(paths(result)).toEqual(['package-lock.json npm/package-lock 1', 'small/requirements.txt pypi/requirements-txt 1']);
    expect(result.packages.map((pkg) => pkg.name).sort()).toEqual(['flask', 'left-pad']);
  });

  it('reports a malformed lockfile as a per-file error and still reads the others', () => {
    const root = tree({
      'broken/package-lock.json': '{"lockfileVersion": 3, "packages": {',
      'broken-yaml/pnpm-lock.yaml': "lockfileVersion: '9.0'\npackages: {\n",
      'good/package-lock.json': packageLock('left-pad', '1.3.0'),
      'good/Cargo.lock': cargoLock('serde', '1.0.190'),
    });
    const result = inventoryDirectory(root);
    expect(result.errors.map((error) => `${error.path} ${error.extractor} ${error.ecosystem}`)).toEqual([
      'broken-yaml/pnpm-lock.yaml npm/pnpm-lock npm',
      'broken/package-lock.json npm/package-lock npm',
    ]);
    for (const error of result.errors) expect(error.message).not.toBe('');
    expect(result.errors[0]?.message).toMatch(/^not valid YAML at line 3: /);
    expect(paths(result)).toEqual(['good/Cargo.lock cargo/cargo-lock 1', 'good/package-lock.json npm/package-lock 1']);
    expect(purls(result)).toEqual(['pkg:cargo/serde@1.0.190 good/Cargo.lock:3', 'pkg:npm/left-pad@1.3.0 good/package-lock.json:14']);
  });

  it('reads an empty lockfile, a Git LFS pointer and a hostile file as failed reads, and the rest of the target as usual', () => {
    const root = tree({
      'empty/requirements.txt': '',
      'blank/poetry.lock': ' \n\t\n',
      'lfs/requirements.txt': 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 1024\n',
      'cut/pnpm-lock.yaml': "lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n      react:\n        specifier: ^18.2.0\n        version: 18.2.0\n",
      'odd/go.mod': 'module example.com/m\n\ngo 1.21\n\nrequire example.com/x\u000bv1.0.0\n',
      'long/requirements.txt': `flask==1.0\n${'x'.repeat(70_000)}\n`,
      'good/package-lock.json': packageLock('left-pad', '1.3.0'),
      'good/requirements.txt': 'requests==2.31.0\n',
    });
    const result = inventoryDirectory(root);
    expect(result.errors.map((error) => `${error.path}: ${error.message.split(':')[0]}`).sort()).toEqual([
      'blank/poetry.lock: the file is empty',
      'cut/pnpm-lock.yaml: no "packages" section, yet the project declares 1 registry dependencies',
      'empty/requirements.txt: the file is empty',
      'lfs/requirements.txt: the file is a Git LFS pointer, not its content',
      'long/requirements.txt: line 2 is 70000 characters long',
      'odd/go.mod: line 5',
    ]);
    expect(result.errors.find((error) => error.path === 'odd/go.mod')?.message).toBe('line 5: unexpected character U+000B');
    expect(result.errors.find((error) => error.path === 'long/requirements.txt')?.message).toContain('over the maxLineLength limit of 65536');
    expect(paths(result)).toEqual(['good/package-lock.json npm/package-lock 1', 'good/requirements.txt pypi/requirements-txt 1']);
  });

  it('skips the files of a skipped ecosystem and filters its packages out of SBOMs', () => {
    const root = tree({
      'package-lock.json': packageLock('left-pad', '1.3.0'),
      'web/pnpm-lock.yaml': pnpmLock('react', '18.2.0'),
      'Cargo.lock': cargoLock('serde', '1.0.190'),
      'image/bom.json': bomJson,
    });
    const all = inventoryDirectory(root);
    expect(purls(all)).toEqual([
      'pkg:cargo/serde@1.0.190 Cargo.lock:3',
      'pkg:deb/debian/openssl@3.0.11-1 image/bom.json:9',
      'pkg:npm/left-pad@1.3.0 image/bom.json:15',
      'pkg:npm/left-pad@1.3.0 package-lock.json:14',
      'pkg:npm/react@18.2.0 web/pnpm-lock.yaml:11',
    ]);

    const noNpm = inventoryDirectory(root, { skipEcosystems: ['npm'] });
    expect(paths(noNpm)).toEqual(['Cargo.lock cargo/cargo-lock 1', 'image/bom.json sbom-input/cyclonedx-json 1']);
    expect(purls(noNpm)).toEqual(['pkg:cargo/serde@1.0.190 Cargo.lock:3', 'pkg:deb/debian/openssl@3.0.11-1 image/bom.json:9']);

    // the SBOM's nominal ecosystem does not make the walker drop the whole file
    const noDebian = inventoryDirectory(root, { skipEcosystems: ['Debian'] });
    expect(paths(noDebian)).toContain('image/bom.json sbom-input/cyclonedx-json 1');
    expect(noDebian.packages.filter((pkg) => pkg.location.path === 'image/bom.json').map((pkg) => pkg.purl)).toEqual(['pkg:npm/left-pad@1.3.0']);
  });
});
