/**
 * The part of a code finding's identity that says *which* occurrence it is. The caller combines it
 * with target, tool, rule and path, so this value only has to tell apart findings of one rule in
 * one file, and stay the same when lines are inserted above, whitespace changes, or the message
 * is reworded.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../model/types.js';

/**
 * In order of preference:
 * 1. `lineHash:<primaryLocationLineHash>` given by the tool itself;
 * 2. `partial:<key>=<value>;...` the tool's own other partialFingerprints, sorted by key;
 * 3. `lineHash:<hash>` Sieve computed from the source text (the same algorithm as GitHub, so it
 *    equals the tool-given one where both exist);
 * 4. `message:<sha256 of start line + message>` — a last resort: rewording the message or inserting
 *    a line above changes it, so the finding is reported as new (and the old one as fixed). It is
 *    used only when the tool gave no fingerprint and the source file could not be read.
 */
export function codeFingerprint(finding: Finding): string {
  const fingerprints = finding.fingerprints ?? {};
  const computed = new Set(
    Array.isArray(finding.properties?.computedFingerprints) ? (finding.properties.computedFingerprints as unknown[]) : [],
  );
  const toolGiven = Object.entries(fingerprints).filter(([key]) => !computed.has(key));

  const toolLineHash = toolGiven.find(([key]) => key === 'primaryLocationLineHash');
  if (toolLineHash) return `lineHash:${toolLineHash[1]}`;
  if (toolGiven.length > 0) {
    return `partial:${toolGiven
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => `${key}=${value}`)
      .join(';')}`;
  }
  const computedLineHash = fingerprints.primaryLocationLineHash;
  if (computedLineHash !== undefined) return `lineHash:${computedLineHash}`;

  const digest = createHash('sha256')
    .update(`${finding.location.startLine ?? 0}\n${finding.message ?? finding.title}`)
    .digest('hex');
  return `message:${digest}`;
}
