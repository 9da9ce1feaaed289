/** Dates of ignores and triage live in model/ so the store judges expiry the same way. */
export { isExpired, untilEnd, untilProblem } from '../model/dates.js';
