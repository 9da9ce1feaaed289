/** The fuzz suite (issue 13), lockfile and SBOM half: every registered extractor, fed mutated seeds. */
import { describe, expect, it } from 'vitest';
import { extractors } from '../../src/inventory/registry.js';
import { fuzzSuite } from './suite.js';
import { extractorTargets } from './targets.js';

const targets = extractorTargets();

describe('fuzz targets', () => {
  it('cover every registered extractor, each with seed files', () => {
    expect(targets.map((target) => target.name).sort()).toEqual([...extractors.keys()].sort());
    for (const target of targets) expect(target.seeds.length, `${target.name} has no seed files`).toBeGreaterThan(0);
  });
});

fuzzSuite('lockfiles and SBOMs', targets);
