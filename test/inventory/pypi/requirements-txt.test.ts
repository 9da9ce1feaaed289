import { describe, expect, it } from 'vitest';
import {
  logicalLines,
  parseRequirement,
  parseRequirementsTxt,
  requirementsTxtExtractor,
  scopeForFile,
} from '../../../src/inventory/pypi/requirements-txt.js';
import { claims, compact } from './helpers.js';
import { expectParseError, fixtureTests, sampleTests } from './suite.js';

describe('requirements-txt: fixtures', () => {
  fixtureTests(requirementsTxtExtractor, 'requirements-txt');
});

describe('requirements-txt: shared samples', () => {
  sampleTests(
    requirementsTxtExtractor,
    'requirements',
    {
      'comments.txt': { count: 5, has: ['pycrypto@1.2-alpha', 'gmpy2@1', 'sympy@1.2', 'requests@1.0', 'six@1.2'] },
      'env_var.txt': { count: 3, has: ['asdf@1.2', 'qwert@', 'another@1.0'] },
      'example.txt': {
        count: 9,
        // ranges with a lower bound are read at it (requests>=2.8.1,==2.8.* → 2.8.1), as osv-scanner does
        has: ['pytest@', 'pytest-cov@', 'beautifulsoup4@', 'docopt@0.6.1', 'requests@2.8.1', 'keyring@4.1.1', 'coverage@', 'mopidy-dirble@1.1', 'pandas@2.2.3'],
        lacks: ['urllib3@', 'numpy@'],
      },
      'extras.txt': { count: 2, has: ['pyjwt@2.1.0', 'celery@4.4.7'] },
      'invalid.txt': { count: 0 },
      'loop.txt': { count: 0 },
      'multiline_and_comments.txt': { count: 2, has: ['pkga@1.0', 'pkgb@2.0'] },
      'no_version.txt': { count: 3, has: ['pycrypto@', 'gmpy2@', 'sympy@'] },
      'other-loop.txt': { count: 0 },
      'other-requirements.txt': { count: 1, has: ['pandas@2.2.3'] },
      'per_req_options.txt': {
        count: 16,
        has: ['foo1@1.0', 'foo5@1.0', 'foo7@1.0', 'foo9@1.0', 'foo13@1.0', 'foo16-client@1.0', 'foo17-hash@1.0', 'foo18-client@1.0'],
        lacks: ['foo10@', 'foo15@'],
      },
      'trailing_backslash.txt': { count: 1, has: ['pkg1@1.0'] },
      'with_versions.txt': {
        count: 11,
        has: ['nltk@3.2.2', 'tabulate@0.7.7', 'newspaper3k@0.2.2', 'asdf@', 'qwerty@0.1', 'hy-phen@1.2', 'under-score@1.3', 'pkg-dot-name@5.0.0', 'combination-also-valid@3.5', 'yolo@1.0', 'pkg@'],
      },
    },
    (file) => file,
  );

  it('places continuation-line packages on their first line (multiline_and_comments.txt)', () => {
    const content = 'pkgA==1.0 \\\n  --hash=sha256:123\n# c\n\npkgB==2.0\n';
    expect(parseRequirementsTxt(content, 'r.txt').packages.map((pkg) => pkg.location.line)).toEqual([1, 5]);
  });
});

describe('requirements-txt: pieces', () => {
  it('claims the names a scanner looks for', () => {
    for (const name of ['requirements.txt', 'requirements-dev.txt', 'dev-requirements.txt', 'test_requirements_ci.txt']) {
      expect(claims(requirementsTxtExtractor, name)).toBe(true);
    }
    for (const name of ['constraints.txt', 'requirements.in', 'Pipfile.lock']) expect(claims(requirementsTxtExtractor, name)).toBe(false);
  });

  it('joins continuations like pip and strips comments', () => {
    expect(logicalLines('a==1 \\\n  --hash=x \\\n  --hash=y\n# c \\\nb==2 # note\nc#d==1\n')).toEqual([
      { line: 1, text: 'a==1   --hash=x   --hash=y' },
      { line: 5, text: 'b==2' },
      { line: 6, text: 'c#d==1' },
    ]);
  });

  it('reads extras, markers and specifiers', () => {
    expect(parseRequirement('Django[argon2, bcrypt] == 4.2.16 ; python_version >= "3.8"')).toEqual({
      kind: 'requirement',
      requirement: { name: 'Django', extras: ['argon2', 'bcrypt'], pinned: '4.2.16', specifier: '==4.2.16', marker: 'python_version >= "3.8"' },
    });
    expect(parseRequirement('requests [security] >= 2.8.1, == 2.8.* ; python_version < "2.7"')).toEqual({
      kind: 'requirement',
      requirement: { name: 'requests', extras: ['security'], specifier: '>=2.8.1,==2.8.*', lowerBound: '2.8.1', marker: 'python_version < "2.7"' },
    });
    expect(parseRequirement('foo>=1.0,==1.2.3')).toMatchObject({ requirement: { pinned: '1.2.3' } });
    expect(parseRequirement('yolo===1.0+local')).toMatchObject({ requirement: { pinned: '1.0+local' } });
    expect(parseRequirement('pkg @ https://x.invalid/pkg.zip').kind).toBe('skip');
    expect(parseRequirement('==1.0').kind).toBe('invalid');
    expect(parseRequirement('asdf 1.0').kind).toBe('invalid');
  });

  it('marks development files dev by their name', () => {
    expect(scopeForFile('requirements-dev.txt')).toBe('dev');
    expect(scopeForFile('ci/test_requirements.txt')).toBe('dev');
    expect(scopeForFile('requirements/docs.txt')).toBe('dev');
    expect(scopeForFile('requirements.txt')).toBe('runtime');
    expect(scopeForFile('requirements-prod.txt')).toBe('runtime');
    expect(scopeForFile('devtools-requirements.txt')).toBe('runtime');
  });

  it('stops at a self-include and at deep include chains', () => {
    const self = parseRequirementsTxt('-r requirements.txt\nx==1\n', 'requirements.txt', () => '-r requirements.txt\n');
    expect(self.packages.map(compact)).toEqual([{ name: 'x', version: '1', direct: true, scope: 'runtime', path: 'requirements.txt', line: 2 }]);
    expect(self.warnings).toEqual(['requirements.txt:1: included file "requirements.txt" was already read (include cycle or repeated include), not read again']);
    // r0 includes r1 includes r2 ... every file new, each pins one package: the depth bound stops it.
    const chain = parseRequirementsTxt('-r r1.txt\n', 'r0.txt', (name) => {
      const n = Number(/r(\d+)\.txt/.exec(name)?.[1]);
      return `p${n}==1\n-r r${n + 1}.txt\n`;
    });
    expect(chain.packages).toHaveLength(10);
    expect(chain.warnings?.at(-1)).toMatch(/^r10\.txt:2: included file "r11\.txt" not read: includes nest deeper than 10/);
  });

  it('warns about a binary included file and keeps the including file', () => {
    const result = parseRequirementsTxt('-r blob.txt\nx==1\n', 'requirements.txt', () => 'PK\u0000\u0003');
    expect(result.packages.map((pkg) => pkg.name)).toEqual(['x']);
    expect(result.warnings).toEqual([
      'requirements.txt:1: included file not read: blob.txt: not a requirements file: it holds NUL bytes (binary content)',
    ]);
  });

  it('gives a ParseError naming the file for binary content', () => {
    expectParseError(requirementsTxtExtractor, 'flask==3.0\n\u0000\u0001\u0002PK', 'requirements.txt', /NUL bytes/);
  });
});

describe('requirements.txt: long lines', () => {
  it('strips a comment after 1 MB of spaces in linear time', () => {
    const result = parseRequirementsTxt(`flask==2.0.1${' '.repeat(1_000_000)}# web\nrequests==2.31.0\n`, 'requirements.txt');
    expect(result.packages.map((pkg) => `${pkg.name}@${pkg.version}:${pkg.location.line}`)).toEqual(['flask@2.0.1:1', 'requests@2.31.0:2']);
  });

  it('reads a line ending in 200,000 backslashes as one continuation', () => {
    const result = parseRequirementsTxt(`flask==2.0.1 ${'\\'.repeat(200_000)}\nrequests==2.31.0\n`, 'requirements.txt');
    expect(result.packages.map((pkg) => pkg.name)).toEqual(['flask']);
  });

  it('reads a 600,000-character name without building a RegExp from it', () => {
    const name = 'a'.repeat(600_000);
    expect(parseRequirementsTxt(`${name}==1.0\n`, 'requirements.txt').packages[0]?.name).toBe(name);
  });
});
