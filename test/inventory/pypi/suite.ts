/** The checks every Python extractor gets: its fixture cases and every shared lockfile sample. */
import { expect, it } from 'vitest';
import type { Extractor } from '../../../src/inventory/types.js';
import { ParseError } from '../../../src/model/errors.js';
import { compact, fixtureCases, readSample, runCase, sampleFiles, siblingReader, samplesDir, type SampleExpectation } from './helpers.js';
import path from 'node:path';

export function fixtureTests(extractor: Extractor, format: string): void {
  for (const testCase of fixtureCases(format)) {
    it(`reads fixture ${format}/${testCase.name} exactly`, () => {
      const result = runCase(extractor, testCase);
      expect(result.packages.map(compact)).toEqual(testCase.packages);
      const warnings = result.warnings ?? [];
      expect(warnings).toHaveLength(testCase.warnings.length);
      testCase.warnings.forEach((start, index) => expect(warnings[index]?.startsWith(start), `${warnings[index]} starts with ${start}`).toBe(true));
      for (const pkg of result.packages) {
        expect(pkg.ecosystem).toBe('PyPI');
        expect(pkg.purl).toBe(pkg.version ? `pkg:pypi/${pkg.name}@${pkg.version}` : `pkg:pypi/${pkg.name}`);
      }
    });
  }
}

/**
 * Runs every file of a sample folder. `pathFor` gives the repo-relative path the extractor sees
 * (the canonical file name for lockfiles). Every file must be listed: a new sample fails the test.
 */
export function sampleTests(
  extractor: Extractor,
  folder: string,
  expectations: Record<string, SampleExpectation>,
  pathFor: (file: string) => string,
): void {
  it(`lists every sample in ${folder}`, () => {
    expect(sampleFiles(folder)).toEqual(Object.keys(expectations).sort());
  });
  for (const [file, expectation] of Object.entries(expectations)) {
    it(`sample ${folder}/${file}: ${expectation === 'ParseError' ? 'ParseError' : `${expectation.count} packages`}`, () => {
      const content = readSample(folder, file);
      const filePath = pathFor(file);
      const run = () => extractor.parse(content, filePath, siblingReader(path.join(samplesDir, folder)));
      if (expectation === 'ParseError') {
        expect(run).toThrow(ParseError);
        expect(run).toThrow(filePath);
        return;
      }
      const result = run();
      const found = result.packages.map((pkg) => `${pkg.name}@${pkg.version}`);
      expect(found).toHaveLength(expectation.count);
      for (const id of expectation.has ?? []) expect(found).toContain(id);
      for (const id of expectation.lacks ?? []) expect(found).not.toContain(id);
    });
  }
}

/** A file cut short or of the wrong shape must give a ParseError that names the path. */
export function expectParseError(extractor: Extractor, content: string, filePath: string, reason: RegExp): void {
  let caught: unknown;
  try {
    extractor.parse(content, filePath);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ParseError);
  expect((caught as ParseError).path).toBe(filePath);
  expect((caught as ParseError).message.startsWith(`${filePath}: `)).toBe(true);
  expect((caught as ParseError).message).toMatch(reason);
}
