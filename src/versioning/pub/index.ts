import semver from 'semver';
import { defineScheme } from '../define.js';

/**
 * Pub: pub_semver. Strict SemVer syntax, but unlike SemVer 2.0 the order takes build metadata into
 * account: a version with a build sorts after the same version without one (`1.0.0` < `1.0.0+1`),
 * and builds compare like pre-releases; node-semver's compareBuild implements exactly that.
 */
export const pubScheme = defineScheme({
  name: 'Pub',
  ecosystems: ['Pub'],
  parse: (version) => (version.startsWith('v') ? null : semver.parse(version, { loose: false })),
  compare: (a, b) => a.compare(b) || a.compareBuild(b),
});
