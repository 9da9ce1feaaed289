import semver from 'semver';
import { defineScheme } from '../define.js';

/** A tag read as SemVer: optional `v`, and partial versions `v4` / `v4.1` standing for 4.0.0 / 4.1.0. */
const TAG = /^v?(\d+)(?:\.(\d+)(?:\.(\d+))?)?((?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;

function parseTag(version: string): semver.SemVer | null {
  const match = TAG.exec(version);
  if (!match) return null;
  return semver.parse(`${match[1]}.${match[2] ?? '0'}.${match[3] ?? '0'}${match[4] ?? ''}`, { loose: false });
}

/**
 * GitHub Actions: actions are referenced by git tag. Tags that read as SemVer (with an optional `v`
 * and partial versions) are ordered as SemVer; branch names and commit hashes are not versions.
 */
export const githubActionsScheme = defineScheme({
  name: 'GitHub Actions',
  ecosystems: ['GitHub Actions'],
  parse: parseTag,
  compare: (a, b) => a.compare(b),
});
