import { Version } from '@renovatebot/ruby-semver/dist/ruby/version.js';
import type { SegmentElement } from '@renovatebot/ruby-semver/dist/ruby/version.js';
import { defineScheme } from '../define.js';

/**
 * Gem::Version#<=> over canonical segments (kept per version: the library recomputes them and
 * compares strings with localeCompare, whose case order differs from Ruby's byte order).
 * Missing segments count as 0, a string segment (pre-release) sorts before a number.
 */
function compareSegments(a: readonly SegmentElement[], b: readonly SegmentElement[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x === y) continue;
    const stringX = typeof x === 'string';
    const stringY = typeof y === 'string';
    if (stringX !== stringY) return stringX ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * RubyGems: Gem::Version, parsed by @renovatebot/ruby-semver. Any letter makes a pre-release
 * (`1.0.0.pre` < `1.0.0`, `1.0.a` < `1.0`), `a10` splits into `a.10`, `-` reads as `.pre.`, and
 * trailing zeros do not count. Gem::Version reads an empty string as "0"; Sieve does not.
 */
export const rubygemsScheme = defineScheme({
  name: 'RubyGems',
  ecosystems: ['RubyGems'],
  parse: (version) => {
    if (version.trim() === '' || !Version.isCorrect(version)) return null;
    return Version.create(version)?.canonicalSegments() ?? null;
  },
  compare: compareSegments,
});
