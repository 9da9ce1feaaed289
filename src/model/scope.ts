/**
 * Which findings a failed or missing stage covers (model/types.ts EvidenceScope). Pure, so the
 * store, the pipeline and the tests ask one question the same way.
 */
import type { EvidenceScope, Finding, StageFailure } from './types.js';

/** True when the scope covers this finding: its absence from the run proves nothing. */
export function scopeCovers(scope: EvidenceScope, finding: Pick<Finding, 'kind' | 'source' | 'location' | 'package'>): boolean {
  switch (scope.kind) {
    case 'target':
      return true;
    case 'dependencies':
      return (
        finding.kind === 'dependency' &&
        (scope.lockfile === undefined || scope.lockfile === finding.location.path) &&
        (scope.ecosystem === undefined || scope.ecosystem === finding.package?.ecosystem) &&
        (scope.package === undefined || scope.package === finding.package?.name)
      );
    case 'code':
      return (
        finding.kind === 'code' &&
        (scope.tools === undefined || scope.tools.includes(finding.source.toLowerCase())) &&
        (scope.path === undefined || scope.path === finding.location.path)
      );
  }
}

/** True when any of these failures covers the finding. */
export function coveredByAny(failures: readonly StageFailure[], finding: Pick<Finding, 'kind' | 'source' | 'location' | 'package'>): boolean {
  return failures.some((failure) => scopeCovers(failure.scope, finding));
}

/** The file a failure is about, for one-line messages (`inventory package-lock.json: …`). */
export function scopeFile(scope: EvidenceScope): string | undefined {
  if (scope.kind === 'dependencies' && scope.package === undefined) return scope.lockfile;
  if (scope.kind === 'code') return scope.path;
  return undefined;
}

/** A short description of what a scope covers, for summaries and the dashboard. */
export function describeScope(scope: EvidenceScope): string {
  switch (scope.kind) {
    case 'target':
      return 'every finding of the target';
    case 'dependencies': {
      const parts = [scope.ecosystem && `${scope.ecosystem} packages`, scope.package && `package ${scope.package}`, scope.lockfile && `in ${scope.lockfile}`].filter(Boolean);
      return parts.length ? `dependency findings: ${parts.join(' ')}` : 'every dependency finding';
    }
    case 'code':
      return `code findings of ${scope.tools?.length ? scope.tools.join(', ') : 'every tool'}${scope.path ? ` in ${scope.path}` : ''}`;
  }
}

/**
 * A failure as stored or bundled by an older Sieve, which named its scope with strings ('*',
 * 'code:*', 'osv' or a tool name, narrowed by path, ecosystem or package), read as a typed scope
 * that covers the same findings.
 */
export function normalizeFailure(raw: unknown): StageFailure {
  const failure = (raw ?? {}) as Partial<StageFailure> & { source?: unknown; path?: unknown; ecosystem?: unknown; package?: unknown };
  const stage = typeof failure.stage === 'string' ? failure.stage : 'unknown';
  const message = typeof failure.message === 'string' ? failure.message : '';
  if (failure.scope && typeof failure.scope === 'object' && 'kind' in failure.scope) return { stage, scope: failure.scope, message };
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const source = text(failure.source);
  const path = text(failure.path);
  if (source === undefined || source === '*') return { stage, scope: { kind: 'target' }, message };
  if (source === 'code:*') return { stage, scope: { kind: 'code' }, message };
  if (source === 'osv') {
    const scope: EvidenceScope = { kind: 'dependencies' };
    if (path) scope.lockfile = path;
    if (text(failure.ecosystem)) scope.ecosystem = text(failure.ecosystem);
    if (text(failure.package)) scope.package = text(failure.package);
    return { stage, scope, message };
  }
  return { stage, scope: { kind: 'code', tools: [source.toLowerCase()], ...(path ? { path } : {}) }, message };
}
