import semver from 'semver';
import { defineScheme } from '../define.js';

/**
 * npm: SemVer 2.0 as node-semver reads it (loose, so `v1.2.3` and `=1.2.3` are accepted).
 * Build metadata does not take part in the order, as in npm itself.
 */
export const npmScheme = defineScheme({
  name: 'npm',
  ecosystems: ['npm'],
  parse: (version) => semver.parse(version, { loose: true }),
  compare: (a, b) => a.compare(b),
});
