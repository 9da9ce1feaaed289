import { describe, expect, it } from 'vitest';
import { InputLimitError, ParseError, UnsafeInputError } from '../../src/model/errors.js';
import { INPUT_LIMITS } from '../../src/inventory/limits.js';
import { checkLines, parseLockfile } from '../../src/inventory/parse-file.js';
import { extractors } from '../../src/inventory/registry.js';
import type { Extractor } from '../../src/inventory/types.js';

const LFS_POINTER = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n';

/** Runs the shared checks and returns the error, or fails the test when there is none. */
function failure(run: () => unknown): ParseError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    return error as ParseError;
  }
  throw new Error('expected a ParseError');
}

const fake = (parse: Extractor['parse'], lineOriented = false): Extractor => ({ id: 'test/fake', ecosystem: 'npm', patterns: ['fake.lock'], lineOriented, parse });

describe('parseLockfile: what every format shares', () => {
  const all = [...extractors.values()].map((extractor) => [extractor.id, extractor] as const);

  it.each(all)('%s: an empty or whitespace-only file is a failed read, never "no packages"', (_id, extractor) => {
    for (const content of ['', '   ', '\n\n\t\r\n', '\uFEFF \n']) {
      const error = failure(() => parseLockfile(extractor, content, 'dir/lockfile'));
      expect(error.message).toMatch(/^dir\/lockfile: the file is empty/);
    }
  });

  it.each(all)('%s: a Git LFS pointer is a failed read that says so', (_id, extractor) => {
    const error = failure(() => parseLockfile(extractor, LFS_POINTER, 'requirements.txt'));
    expect(error.message).toMatch(/^requirements\.txt: the file is a Git LFS pointer/);
    expect(error.message).toContain('git lfs pull');
  });

  it('a line-oriented file with a line over maxLineLength is refused with the limit named', () => {
    const extractor = extractors.get('pypi/requirements-txt') as Extractor;
    const long = `flask==1.0\n${' '.repeat(INPUT_LIMITS.maxLineLength + 1)}# comment\n`;
    const error = failure(() => parseLockfile(extractor, long, 'requirements.txt'));
    expect(error).toBeInstanceOf(InputLimitError);
    expect(error).toMatchObject({ limit: 'maxLineLength', bound: INPUT_LIMITS.maxLineLength, code: 'SIEVE_INPUT_TOO_LARGE' });
    expect(error.message).toBe(`requirements.txt: line 2 is ${INPUT_LIMITS.maxLineLength + 10} characters long: over the maxLineLength limit of ${INPUT_LIMITS.maxLineLength}`);
    // a JSON lockfile may be minified onto one line: only size and depth bound it
    const minified = JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/a': { version: '1.0.0', description: 'x'.repeat(INPUT_LIMITS.maxLineLength) } } });
    expect(parseLockfile(extractors.get('npm/package-lock') as Extractor, minified, 'package-lock.json').packages).toHaveLength(1);
  });

  it('counts lines without splitting the file', () => {
    expect(() => checkLines('a\n'.repeat(1000), 'x')).not.toThrow();
    expect(() => checkLines(`${'a'.repeat(INPUT_LIMITS.maxLineLength)}\nb`, 'x')).not.toThrow();
  });

  it('a file listing more than maxEntries packages is refused, not half-read', () => {
    const many = fake(() => ({ packages: Array.from({ length: INPUT_LIMITS.maxEntries + 1 }, () => ({}) as never) }));
    const error = failure(() => parseLockfile(many, 'x', 'fake.lock'));
    expect(error).toMatchObject({ limit: 'maxEntries' });
    expect(error.message).toMatch(/^fake\.lock: 500001 packages: over the maxEntries limit of 500000$/);
  });

  it('keeps at most maxWarningsPerFile warnings and counts the rest', () => {
    const noisy = fake(() => ({ packages: [], warnings: Array.from({ length: 200_000 }, (_, i) => `fake.lock:${i + 1}: skipped`) }));
    const warnings = parseLockfile(noisy, 'x', 'fake.lock').warnings ?? [];
    expect(warnings).toHaveLength(INPUT_LIMITS.maxWarningsPerFile + 1);
    expect(warnings.at(-1)).toBe('fake.lock: 199000 more warnings not shown (maxWarningsPerFile)');
  });

  it('turns a parser bug into a ParseError naming the file and the extractor', () => {
    const buggy = fake(() => {
      throw new TypeError('cannot read properties of undefined');
    });
    const error = failure(() => parseLockfile(buggy, 'x', 'a/fake.lock'));
    expect(error.message).toBe('a/fake.lock: test/fake could not read it: cannot read properties of undefined');
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('says "nested too deeply" for a stack overflow in a recursive library', () => {
    const recursive = fake(() => {
      const dive = (n: number): number => dive(n + 1) + 1;
      return { packages: [], warnings: [String(dive(0))] };
    });
    expect(failure(() => parseLockfile(recursive, 'x', 'fake.lock')).message).toBe('fake.lock: test/fake could not read it: nested too deeply to read');
  });

  it('keeps typed errors typed, with the file named once', () => {
    const unsafe = fake(() => {
      throw new UnsafeInputError('a path leaves the checkout');
    });
    const error = failure(() => parseLockfile(unsafe, 'x', 'fake.lock'));
    expect(error).toMatchObject({ code: 'SIEVE_UNSAFE_INPUT', message: 'fake.lock: a path leaves the checkout' });
  });
});
