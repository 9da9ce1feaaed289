import semver from 'semver';
import { defineScheme } from '../define.js';

/**
 * Hex: Elixir's Version, which is strict SemVer 2.0 (three numbers, no `v` prefix); build
 * metadata is ignored when comparing, as Version.compare/2 does.
 */
export const hexScheme = defineScheme({
  name: 'Hex',
  ecosystems: ['Hex'],
  parse: (version) => (version.startsWith('v') ? null : semver.parse(version, { loose: false })),
  compare: (a, b) => a.compare(b),
});
