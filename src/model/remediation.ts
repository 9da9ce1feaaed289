/**
 * A remediation step: one package to upgrade, the version that leaves its open advisories, and
 * what that closes. osv/remediation.ts computes it; every view words it with remediationText.
 */
import type { Severity } from './types.js';

export interface RemediationStep {
  ecosystem: string;
  name: string;
  /** The versions in use now, sorted. */
  from: string[];
  /** The smallest version that leaves every open advisory that has a fix; absent when none does. */
  version?: string;
  /** Findings the upgrade closes, the advisories they belong to, and the targets they are in. */
  closes: number;
  advisories: string[];
  targets: string[];
  /** Advisories with no fixed version: open whatever the upgrade. */
  unfixed: string[];
  unfixedFindings: number;
  unfixedTargets: string[];
  /** Why there is no version although fixes exist (fixes that contradict each other, versions no scheme reads). */
  note?: string;
  /** The most severe of its findings, and how many are known exploited: the order of the plan. */
  severity: Severity;
  knownExploited: number;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "upgrade golang.org/x/crypto to 0.52.0 (closes 17 findings in 4 repositories)", and what stays open. */
export function remediationText(step: RemediationStep, scope: 'fleet' | 'target' = 'fleet'): string {
  const where = (targets: string[]) => (scope === 'fleet' ? ` in ${plural(targets.length, 'repository', 'repositories')}` : '');
  const parts: string[] = [];
  if (step.version !== undefined) {
    parts.push(`upgrade ${step.name} to ${step.version} (closes ${plural(step.closes, 'finding')}${where(step.targets)})`);
  } else if (step.closes > 0) {
    parts.push(`no single version of ${step.name} leaves ${step.advisories.join(', ')}${step.note ? ` (${step.note})` : ''}: ${plural(step.closes, 'finding')}${where(step.targets)}`);
  }
  if (step.unfixed.length > 0) {
    const lead = step.version !== undefined || step.closes > 0 ? '; ' : '';
    parts.push(`${lead}no fixed version of ${step.name} yet for ${step.unfixed.join(', ')} (${plural(step.unfixedFindings, 'finding')}${where(step.unfixedTargets)} stay open)`);
  }
  return parts.join('');
}
