import { describe, expect, it } from 'vitest';
import { categoriesFor, categoryOfCwe, normalizeCwe, normalizeCwes } from '../../src/policy/categories.js';

describe('CWE normalisation', () => {
  it.each([
    ['external/cwe/cwe-79', 'CWE-79'],
    ['CWE-79', 'CWE-79'],
    ['cwe-079', 'CWE-79'],
    ['79', 'CWE-79'],
    ['CWE-78: Improper Neutralization', 'CWE-78'],
    ['XSS', undefined],
    ['', undefined],
  ])('%s → %s', (input, expected) => {
    expect(normalizeCwe(input)).toBe(expected);
  });

  it('de-duplicates and sorts numerically', () => {
    expect(normalizeCwes(['cwe-089', 'CWE-89', 'external/cwe/cwe-22', 'nonsense'])).toEqual(['CWE-22', 'CWE-89']);
  });
});

describe('categories', () => {
  it.each([
    ['CWE-89', 'injection'],
    ['external/cwe/cwe-078', 'injection'],
    ['CWE-79', 'cross-site scripting'],
    ['CWE-22', 'path traversal'],
    ['CWE-502', 'deserialization'],
    ['CWE-798', 'secrets'],
    ['CWE-327', 'cryptography'],
    ['CWE-1333', 'denial of service'],
    ['CWE-787', 'memory safety'],
    ['CWE-1321', 'other'],
  ])('%s is %s', (cwe, category) => {
    expect(categoryOfCwe(cwe)).toBe(category);
  });

  it('lists every category of a finding, and other only when nothing maps', () => {
    expect(categoriesFor(['CWE-79', 'CWE-89', 'CWE-1321'])).toEqual(['injection', 'cross-site scripting']);
    expect(categoriesFor([])).toEqual(['other']);
    expect(categoriesFor(['CWE-1321'])).toEqual(['other']);
  });
});
