import semver from 'semver';
import { defineScheme } from '../define.js';

/**
 * crates.io: SemVer 2.0 as Cargo's `semver` crate reads it (strict: three numbers, no `v`, no
 * leading zeros). The crate's total order breaks ties on build metadata (`1.0.0` < `1.0.0+a`),
 * which node-semver's compareBuild also does.
 */
export const cratesIoScheme = defineScheme({
  name: 'crates.io',
  ecosystems: ['crates.io'],
  parse: (version) => (version.startsWith('v') ? null : semver.parse(version, { loose: false })),
  compare: (a, b) => a.compare(b) || a.compareBuild(b),
});
