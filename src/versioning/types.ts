/** One ecosystem's version ordering, as OSV's `ECOSYSTEM` ranges need it. */
export interface VersionScheme {
  /** OSV ecosystem names this scheme serves ('Debian' and 'Ubuntu' share dpkg ordering). */
  readonly ecosystems: readonly string[];
  /** True when `version` is a version of this scheme. */
  isValid(version: string): boolean;
  /**
   * Negative, zero or positive as a < b, a == b, a > b.
   * Throws InvalidVersionError (model/errors.ts) for a version it cannot read.
   */
  compare(a: string, b: string): number;
}
