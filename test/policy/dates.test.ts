import { describe, expect, it } from 'vitest';
import { isExpired, untilProblem } from '../../src/policy/dates.js';

describe('until dates', () => {
  it('a calendar date holds through that whole day (UTC)', () => {
    expect(isExpired('2026-11-10', '2026-11-10T23:59:59Z')).toBe(false);
    expect(isExpired('2026-11-10', '2026-11-11T00:00:00Z')).toBe(true);
  });
  it('a time holds up to and including that instant', () => {
    expect(isExpired('2026-11-10T12:00:00Z', '2026-11-10T12:00:00Z')).toBe(false);
    expect(isExpired('2026-11-10T12:00:00Z', '2026-11-10T12:00:01Z')).toBe(true);
  });
  it('no until never expires', () => {
    expect(isExpired(undefined, '2999-01-01T00:00:00Z')).toBe(false);
  });
  it('rejects dates that are not on the calendar', () => {
    expect(untilProblem('2026-02-30')).toBe('"2026-02-30" is not a valid date (expected YYYY-MM-DD or an ISO 8601 time)');
    expect(untilProblem('next week')).toContain('is not a valid date');
    expect(untilProblem('2028-02-29')).toBeUndefined();
  });
});
