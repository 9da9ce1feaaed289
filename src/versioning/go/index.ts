import semver from 'semver';
import { defineScheme } from '../define.js';

/** Go toolchain pre-releases (`go1.21rc2`, `1.20beta1`) written the way OSV writes them: 1.21.0-rc.2. */
const TOOLCHAIN = /^(\d+)\.(\d+)(rc|beta)(\d+)$/;
/** `v1` and `v1.2` are shorthands for v1.0.0 and v1.2.0, as golang.org/x/mod/semver reads them. */
const SHORTHAND = /^(\d+)(?:\.(\d+))?$/;

function parseGo(version: string): semver.SemVer | null {
  let text = version;
  if (text.startsWith('go')) text = text.slice(2);
  else if (text.startsWith('v')) text = text.slice(1);
  const toolchain = TOOLCHAIN.exec(text);
  if (toolchain) text = `${toolchain[1]}.${toolchain[2]}.0-${toolchain[3]}.${toolchain[4]}`;
  const shorthand = SHORTHAND.exec(text);
  if (shorthand) text = `${shorthand[1]}.${shorthand[2] ?? '0'}.0`;
  // Strict SemVer: no leading zeros, no whitespace; pseudo-versions are ordinary pre-releases.
  return semver.parse(text, { loose: false });
}

/**
 * Go modules: SemVer with a `v` prefix. go.mod writes `v1.2.3`, OSV ranges write `1.2.3`, and the
 * standard library (`stdlib`, `toolchain`) uses Go release numbers; all three are accepted.
 * Pseudo-versions (`v0.0.0-20200101000000-abcdef123456`, `v1.2.4-0.2019…-abc`) are pre-releases,
 * so they sort below the release they precede; `+incompatible` is build metadata and is ignored.
 */
export const goScheme = defineScheme({
  name: 'Go',
  ecosystems: ['Go'],
  parse: parseGo,
  compare: (a, b) => a.compare(b),
});
