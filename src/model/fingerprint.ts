import { createHash } from 'node:crypto';

/**
 * Stable finding ids. A finding keeps its id while the problem is the same: the parts hashed here
 * leave out everything that changes without the problem changing (versions, lines, messages).
 */

function digest(parts: readonly string[]): string {
  // NUL cannot occur in any part, so the joined text is unambiguous.
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

/** Short ids are what users type (`sieve triage ID`); 16 hex digits keep collisions out of reach. */
function shortId(prefix: string, parts: readonly string[]): string {
  return `${prefix}-${digest(parts).slice(0, 16)}`;
}

/**
 * A vulnerable dependency: target, package identity (not version), the lockfile that declares it,
 * and the vulnerability key. The key is the group's id as first stored; the store maps later
 * aliases to it so a GHSA gaining a CVE stays one finding.
 */
export function dependencyFindingId(target: string, ecosystem: string, name: string, lockfile: string, vulnerabilityKey: string): string {
  return shortId('D', ['dependency', target, ecosystem, name, lockfile, vulnerabilityKey]);
}

/** A code finding: target, tool, rule, path and the location fingerprint (not the line or message). */
export function codeFindingId(target: string, tool: string, ruleId: string, path: string, locationFingerprint: string): string {
  return shortId('C', ['code', target, tool, ruleId, path, locationFingerprint]);
}
