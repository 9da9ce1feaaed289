import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INPUT_LIMITS, type InputLimit } from '../../src/inventory/limits.js';
import { repoRoot } from './helpers/sample-suite.js';

describe('INPUT_LIMITS', () => {
  const docs = readFileSync(`${repoRoot}/docs/operations.md`, 'utf8');
  const section = docs.slice(docs.indexOf('## Input limits'));

  it.each(Object.keys(INPUT_LIMITS) as InputLimit[])('%s is documented in docs/operations.md#input-limits', (name) => {
    expect(section).toContain(`\`${name}\``);
  });

  it('every limit is a positive whole number', () => {
    for (const value of Object.values(INPUT_LIMITS)) expect(Number.isSafeInteger(value) && value > 0).toBe(true);
  });
});
