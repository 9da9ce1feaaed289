import { describe, expect, it } from 'vitest';
import { npmPurl } from '../../../src/inventory/npm/common.js';
import { purlFor } from '../../../src/model/purl.js';

describe('npmPurl', () => {
  it.each([
    ['lodash', '4.17.21'],
    ['@babel/core', '7.0.0-beta.1'],
    ['a.b_c-d~e', '1.0.0+build.5'],
    ['@scope/x', '1.0.0-rc.1+sha.abc'],
    ['UPPER', '1.0.0'],
    ['@Scope/Name', '2.0.0'],
    ['weird name', '1.0.0'],
    ['x', '1.0.0 || 2'],
    ['ünïcode', '1.0.0'],
  ])('builds the same purl as the purl library for %s@%s', (name, version) => {
    expect(npmPurl(name, version)).toBe(purlFor('npm', name, version));
  });
});
