import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { goModExtractor, goToolchainVersion, parseGoMod } from '../../../src/inventory/go/go-mod.js';
import { inventoryDirs, malformedTests, project, readFixture, sampleTableTests, truncationTests } from '../helpers/sample-suite.js';
import { ParseError } from '../../../src/model/errors.js';

const { fixtures, samples } = inventoryDirs('go', 'golang/gomod');

describe('go.mod fixtures', () => {
  it.each(readdirSync(fixtures))('%s matches expected.json', (name) => {
    const { content, expected } = readFixture(fixtures, name, 'go.mod');
    const result = parseGoMod(content, `${name}/go.mod`);
    expect(project(result.packages)).toEqual(expected);
    for (const pkg of result.packages) {
      expect(pkg.ecosystem).toBe('Go');
      expect(pkg.location.path).toBe(`${name}/go.mod`);
    }
  });

  it('reads replace and exclude, and lists a module replaced by a local directory as local', () => {
    const result = parseGoMod(readFileSync(path.join(fixtures, 'replace-exclude/go.mod'), 'utf8'), 'go.mod');
    expect(result.packages.find((p) => p.name === 'github.com/new/lib')?.purl).toBe('pkg:golang/github.com/new/lib@v1.3.0');
    expect(result.packages.find((p) => p.name === 'stdlib')?.purl).toBe('pkg:golang/stdlib@1.22.1');
    expect(result.packages.find((p) => p.name === 'example.com/local/tool')).toMatchObject({ version: 'v0.1.0', source: 'local', sourceRef: '../tool' });
    expect(result.packages.some((p) => p.name === '../tool')).toBe(false);
    expect(result.packages.some((p) => p.name === 'example.com/excluded')).toBe(false);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings?.[0]).toContain('example.com/excluded v1.0.0 is required but excluded');
  });

  it('declares go.mod as its file', () => {
    expect(goModExtractor.id).toBe('go/go-mod');
    expect(goModExtractor.patterns).toEqual(['go.mod']);
  });
});

describe('goToolchainVersion', () => {
  it.each([
    ['1.21', '1.21.0'],
    ['1.21.3', '1.21.3'],
    ['1.22rc1', '1.22.0-rc.1'],
    ['1.21beta2', '1.21.0-beta.2'],
    ['1.23.6-xyz', '1.23.6'],
    ['1.22.1+auto', '1.22.1'],
    ['default', undefined],
    ['', undefined],
  ])('%s → %s', (raw, expected) => {
    expect(goToolchainVersion(raw)).toBe(expected);
  });
});

describe('osv-scalibr go.mod samples', () => {
  // Every .mod sample, with the exact package count and some name/version pairs read off the file.
  sampleTableTests<{ count: number; has: [string, string, boolean?][] }>({
    samples,
    parse: parseGoMod,
    listSamples: () => readdirSync(samples).filter((f) => f.endsWith('.mod')),
    table: {
      'empty.mod': { count: 0, has: [] },
      'indirect-1.16.mod': { count: 2, has: [['github.com/sirupsen/logrus', 'v1.9.3', true], ['stdlib', '1.16.0']] },
      'indirect-1.23.mod': { count: 3, has: [['golang.org/x/sys', 'v0.0.0-20220715151400-c0bba94af5f8', false], ['stdlib', '1.23.0']] },
      'indirect-packages.mod': { count: 6, has: [['gopkg.in/yaml.v2', 'v2.4.0', true], ['github.com/mattn/go-isatty', 'v0.0.14', false], ['stdlib', '1.17.0']] },
      'not-go-mod.mod': 'throws',
      'one-package.mod': { count: 1, has: [['github.com/BurntSushi/toml', 'v1.0.0', true]] },
      'replace-different.mod': { count: 2, has: [['example.com/fork/foe', 'v1.4.5'], ['example.com/fork/foe', 'v1.4.2']] },
      // the module replaced by ./fork/net is listed under its module path, local and never matched
      'replace-local.mod': { count: 2, has: [['golang.org/x/net', 'v1.2.3'], ['github.com/BurntSushi/toml', 'v1.0.0']] },
      'replace-mixed.mod': { count: 2, has: [['example.com/fork/net', 'v1.4.5'], ['golang.org/x/net', 'v0.5.6']] },
      'replace-no-version.mod': { count: 1, has: [['example.com/fork/net', 'v1.4.5']] },
      'replace-not-required.mod': { count: 2, has: [['golang.org/x/net', 'v0.5.6'], ['github.com/BurntSushi/toml', 'v1.0.0']] },
      'replace-one.mod': { count: 1, has: [['example.com/fork/net', 'v1.4.5']] },
      'toolchain-with-suffix.mod': { count: 2, has: [['stdlib', '1.23.6'], ['github.com/BurntSushi/toml', 'v1.0.0']] },
      'toolchain.mod': { count: 2, has: [['stdlib', '1.23.6']] },
      'two-packages.mod': { count: 3, has: [['github.com/BurntSushi/toml', 'v1.0.0'], ['gopkg.in/yaml.v2', 'v2.4.0'], ['stdlib', '1.17.0']] },
    },
    checkFound: (found, [, , direct]) => {
      if (direct !== undefined) expect(found?.direct).toBe(direct);
    },
  });

  it('says that a go 1.16 module without go.sum lists no indirect modules', () => {
    const { warnings } = parseGoMod(readFileSync(path.join(samples, 'indirect-1.16.mod'), 'utf8'), 'go.mod');
    expect(warnings).toEqual(['go.mod:3: go 1.16 modules list only direct requirements and there is no go.sum beside it; indirect modules are not reported']);
  });

  it('reads the indirect modules of a go 1.16 module from the go.sum beside it', () => {
    const sum = readFileSync(path.join(samples, 'indirect-1.16.sum'), 'utf8');
    const asked: string[] = [];
    const readSibling = (relative: string) => {
      asked.push(relative);
      return relative === 'svc/go.sum' ? sum : undefined;
    };
    const result = goModExtractor.parse(readFileSync(path.join(samples, 'indirect-1.16.mod'), 'utf8'), 'svc/go.mod', readSibling);
    expect(asked).toEqual(['svc/go.sum']);
    expect(result.warnings).toEqual([]);
    expect(result.packages.map((p) => ({ name: p.name, version: p.version, direct: p.direct, at: `${p.location.path}:${p.location.line}` }))).toEqual([
      { name: 'github.com/sirupsen/logrus', version: 'v1.9.3', direct: true, at: 'svc/go.mod:5' },
      { name: 'stdlib', version: '1.16.0', direct: true, at: 'svc/go.mod:3' },
      // go-spew v1.1.0 and objx, check.v1 appear only as /go.mod lines: not in the build.
      { name: 'github.com/davecgh/go-spew', version: 'v1.1.1', direct: false, at: 'svc/go.sum:2' },
      { name: 'github.com/pmezard/go-difflib', version: 'v1.0.0', direct: false, at: 'svc/go.sum:4' },
      { name: 'github.com/stretchr/testify', version: 'v1.7.0', direct: false, at: 'svc/go.sum:9' },
      { name: 'golang.org/x/sys', version: 'v0.0.0-20220715151400-c0bba94af5f8', direct: false, at: 'svc/go.sum:11' },
      { name: 'gopkg.in/yaml.v3', version: 'v3.0.0-20200313102051-9f266ea9e77c', direct: false, at: 'svc/go.sum:14' },
    ]);
  });

  it('does not read go.sum for go 1.17 and later (indirect-1.23.sum is deliberately garbage)', () => {
    const readSibling = () => readFileSync(path.join(samples, 'indirect-1.23.sum'), 'utf8');
    const result = goModExtractor.parse(readFileSync(path.join(samples, 'indirect-1.23.mod'), 'utf8'), 'go.mod', readSibling);
    expect(result.packages).toHaveLength(3);
    expect(result.warnings).toEqual([]);
  });

  it('keeps the highest go.sum version of a module and warns about junk lines', () => {
    const sum = 'example.com/a v1.2.0 h1:x=\nexample.com/a v1.10.0 h1:y=\nexample.com/a v1.9.0 h1:z=\ngarbage\n';
    const result = parseGoMod('module m\ngo 1.16\n', 'go.mod', () => sum);
    expect(result.packages.filter((p) => p.name === 'example.com/a').map((p) => p.version)).toEqual(['v1.10.0']);
    expect(result.warnings).toEqual(['go.sum:4: not a "module version hash" line; skipped']);
  });
});

describe('malformed go.mod', () => {
  malformedTests(parseGoMod, 'sub/go.mod', [
    ['truncated block', 'module x\n\nrequire (\n\tgithub.com/a/b v1.0.0\n', 'line 3: require block is not closed'],
    ['missing version', 'module x\nrequire github.com/a/b\n', 'line 2: require needs a module path and a version'],
    ['bad version', 'module x\nrequire github.com/a/b latest\n', 'expected a module version like v1.2.3, got "latest"'],
    ['replacement without version', 'module x\nreplace a/b => c/d\n', 'has no version and is not a directory path'],
    ['unterminated quote', 'module "x\n', 'unterminated quoted string'],
    ['not go.mod', '{"json": true}', 'unknown directive'],
  ]);
});

describe('truncated input', () => {
  truncationTests(parseGoMod, [samples, fixtures]);
});

describe('go.mod: odd whitespace and code points', () => {
  it.each([
    ['a vertical tab', '\v', 'U+000B'],
    ['a form feed', '\f', 'U+000C'],
    ['a no-break space', '\u00a0', 'U+00A0'],
    ['U+2028', '\u2028', 'U+2028'],
    ['a byte order mark inside the file', '\ufeff', 'U+FEFF'],
  ])('%s is a ParseError at its line, never a lexer that stops advancing', (_label, char, code) => {
    const content = `module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b${char}v1.0.0\n)\n`;
    const run = () => parseGoMod(content, 'go.mod');
    expect(run).toThrow(ParseError);
    expect(run).toThrow(`go.mod: line 7: unexpected character ${code}`);
  });
});
