/**
 * `until` dates of ignores and triage. A calendar date is in force through that whole day (UTC):
 * `until: 2026-12-01` silences through Dec 1 and alerts again from Dec 2.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The first instant (ms since epoch) at which `until` no longer holds; undefined when unreadable. */
export function untilEnd(until: string): number | undefined {
  const date = DATE.exec(until);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const start = Date.UTC(year, month - 1, day);
    const check = new Date(start);
    // Date.UTC rolls 2026-02-30 over to March; a real calendar date survives the round trip.
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
    return start + 24 * 60 * 60 * 1000;
  }
  if (!TIME.test(until)) return undefined;
  const at = Date.parse(until);
  if (Number.isNaN(at)) return undefined;
  // A time: in force up to and including that instant.
  return at + 1;
}

/** Why `until` is unusable, or undefined when it is a good date. */
export function untilProblem(until: string): string | undefined {
  return untilEnd(until) === undefined ? `"${until}" is not a valid date (expected YYYY-MM-DD or an ISO 8601 time)` : undefined;
}

/** True when `until` has passed at `at` (an ISO time). An unreadable `until` never expires silently: it counts as passed. */
export function isExpired(until: string | undefined, at: string): boolean {
  if (until === undefined) return false;
  const end = untilEnd(until);
  return end === undefined || Date.parse(at) >= end;
}
