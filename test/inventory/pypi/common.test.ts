import { describe, expect, it } from 'vitest';
import { entryLines, normalizeName, requirementName } from '../../../src/inventory/pypi/common.js';
import { requirementsTxtExtractor } from '../../../src/inventory/pypi/requirements-txt.js';
import { poetryLockExtractor } from '../../../src/inventory/pypi/poetry-lock.js';
import { pipfileLockExtractor } from '../../../src/inventory/pypi/pipfile-lock.js';
import { pdmLockExtractor } from '../../../src/inventory/pypi/pdm-lock.js';
import { uvLockExtractor } from '../../../src/inventory/pypi/uv-lock.js';
import { pylockExtractor } from '../../../src/inventory/pypi/pylock.js';
import { extractors } from '../../../src/inventory/registry.js';
import { ParseError } from '../../../src/model/errors.js';
import { readSample, sampleFiles } from './helpers.js';

describe('pypi common', () => {
  it('normalises names per PEP 503', () => {
    expect(normalizeName('Friendly-Bard')).toBe('friendly-bard');
    expect(normalizeName('FRIENDLY_BARD')).toBe('friendly-bard');
    expect(normalizeName('friendly.bard')).toBe('friendly-bard');
    expect(normalizeName('Friendly-._.Bard')).toBe('friendly-bard');
    expect(normalizeName('zope.interface')).toBe('zope-interface');
  });

  it('reads the name of a PEP 508 requirement string', () => {
    expect(requirementName('win-inet-pton; platform_system == "Windows"')).toBe('win-inet-pton');
    expect(requirementName('PySocks!=1.5.7,>=1.5.6')).toBe('PySocks');
    expect(requirementName('requests[socks]>=2')).toBe('requests');
    expect(requirementName('>=1')).toBeUndefined();
  });

  it('finds name lines per block, skipping multi-line strings, comments and sub-tables', () => {
    const content = [
      '[[package]]', //                      1
      'description = """', //               2
      'name = "in-a-string"', //             3
      '"""', //                              4
      '# name = "commented"', //             5
      'name = "first"', //                   6
      '[package.tool]', //                   7
      'name = "tool"', //                    8
      '[[package]]  # second', //            9
      "description = '''x''' ", //          10
      'name = "second"', //                  11
      '[[package]]', //                      12
      'version = "1"', //                    13
    ].join('\n');
    expect(entryLines(content, 'package', ['first', 'second', undefined])).toEqual([6, 11, 12]);
  });

  it('registers every Python extractor under its id', () => {
    for (const id of ['pypi/requirements-txt', 'pypi/poetry-lock', 'pypi/pipfile-lock', 'pypi/pdm-lock', 'pypi/uv-lock', 'pypi/pylock']) {
      expect(extractors.get(id)?.id).toBe(id);
      expect(extractors.get(id)?.ecosystem).toBe('PyPI');
    }
  });
});

describe('pypi extractors on cut-short samples', () => {
  const formats = [
    { extractor: requirementsTxtExtractor, folder: 'requirements', path: 'requirements.txt' },
    { extractor: poetryLockExtractor, folder: 'poetrylock', path: 'poetry.lock' },
    { extractor: pipfileLockExtractor, folder: 'pipfilelock', path: 'Pipfile.lock' },
    { extractor: pdmLockExtractor, folder: 'pdmlock', path: 'pdm.lock' },
    { extractor: uvLockExtractor, folder: 'uvlock', path: 'uv.lock' },
    { extractor: pylockExtractor, folder: 'pylock', path: 'pylock.toml' },
  ];
  for (const { extractor, folder, path } of formats) {
    it(`${extractor.id}: every prefix of every sample parses or throws ParseError`, () => {
      let parseErrors = 0;
      for (const file of sampleFiles(folder)) {
        const content = readSample(folder, file);
        const step = Math.max(1, Math.floor(content.length / 60));
        for (let cut = 0; cut < content.length; cut += step) {
          try {
            const result = extractor.parse(content.slice(0, cut), path, () => undefined);
            for (const pkg of result.packages) expect(pkg.location.line).toBeGreaterThanOrEqual(1);
          } catch (error) {
            expect(error).toBeInstanceOf(ParseError);
            expect((error as ParseError).path).toBe(path);
            parseErrors++;
          }
        }
      }
      // Requirements files have no structure to cut; every structured format must notice some cuts.
      if (folder !== 'requirements') expect(parseErrors).toBeGreaterThan(0);
    });
  }
});

describe('entryLines: hostile input', () => {
  it('finds inline-table names of 600,000 characters without building a RegExp from them', () => {
    const long = 'a'.repeat(600_000);
    const content = `packages = [\n  { name = "x", version = "1" },\n  { name = "${long}", version = "2" },\n]\n`;
    expect(entryLines(content, 'package', ['x', long, 'missing'])).toEqual([2, 3, 1]);
  });
});
