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
 * 0. `full:<key>=<value>;...` the tool's own result `fingerprints` (flawfinder's `contextHash/v1`):
 *    the tool says what makes the result the same, so Sieve believes it;
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

  const full = finding.properties?.fullFingerprints;
  if (full && typeof full === 'object' && !Array.isArray(full)) {
    const entries = Object.entries(full as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    if (entries.length > 0) return `full:${sortedPairs(entries)}`;
  }

  const toolLineHash = toolGiven.find(([key]) => key === 'primaryLocationLineHash');
  if (toolLineHash) return `lineHash:${toolLineHash[1]}`;
  if (toolGiven.length > 0) {
    return `partial:${sortedPairs(toolGiven)}`;
  }
  const computedLineHash = fingerprints.primaryLocationLineHash;
  if (computedLineHash !== undefined) return `lineHash:${computedLineHash}`;

  const digest = createHash('sha256')
    .update(`${finding.location.startLine ?? 0}\n${finding.message ?? finding.title}`)
    .digest('hex');
  return `message:${digest}`;
}

function sortedPairs(entries: Array<[string, string]>): string {
  return [...entries]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join(';');
}

/**
 * Names each code finding of one run: its fingerprint, with `#N` appended to the N-th result of
 * the same tool, rule, path and fingerprint (a tool's context hash is the same for two identical
 * lines), so distinct results never fold into one finding. Order: by line, then column.
 */
export function fingerprintAll(findings: readonly Finding[]): Array<{ finding: Finding; codeFingerprint: string }> {
  const order = findings
    .map((finding, index) => ({ finding, index }))
    .sort(
      (a, b) =>
        (a.finding.location.startLine ?? 0) - (b.finding.location.startLine ?? 0) ||
        (a.finding.location.startColumn ?? 0) - (b.finding.location.startColumn ?? 0) ||
        a.index - b.index,
    );
  const seen = new Map<string, number>();
  const named = new Array<{ finding: Finding; codeFingerprint: string }>(findings.length);
  for (const { finding, index } of order) {
    const fingerprint = codeFingerprint(finding);
    const key = [finding.source, finding.rule?.id ?? finding.title, finding.location.path, fingerprint].join('\0');
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    named[index] = { finding, codeFingerprint: count === 1 ? fingerprint : `${fingerprint}#${count}` };
  }
  return named;
}
