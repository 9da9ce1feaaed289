/**
 * Known-open classes: crashes and slow inputs the fuzz suite found in lockfile parsers whose fix
 * is in flight (issue 13's inventory half, branch i13a). Each entry skips only what it names and
 * is counted in the table's known-open column. This list should be empty: when a fix lands,
 * delete its entry and the suite proves the fix.
 */
import type { MutationKind } from './mutate.js';

export interface KnownOpen {
  /** A target name, or a prefix ending in `*` (`npm/*`). */
  target: string;
  /** Untyped errors whose `Name: message` and stack match are counted as known-open, not failures. */
  error?: RegExp;
  /** Mutations not generated for this target. */
  skipMutations?: MutationKind[];
  /** Inputs not run at all (for inputs that hang rather than throw); must be linear itself. */
  skipInput?: (text: string) => boolean;
  why: string;
}

export const knownOpen: KnownOpen[] = [];
