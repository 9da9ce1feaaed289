import { Option } from 'commander';
import { join } from 'node:path';
import { ExitCode } from '../../model/errors.js';
import { triageInForce } from '../../model/judgement.js';
import type { StoredFinding } from '../../model/records.js';
import type { RegisterCommand } from './types.js';

type StateFilter = 'open' | 'new' | 'fixed' | 'suppressed';

function selectState(findings: StoredFinding[], state?: StateFilter): StoredFinding[] {
  switch (state) {
    case undefined:
      return findings;
    case 'open':
      return findings.filter((finding) => finding.state === 'open');
    case 'fixed':
      return findings.filter((finding) => finding.state === 'fixed');
    case 'new':
      return findings.filter((finding) => finding.state === 'open' && (finding.lastTransition === 'new' || finding.lastTransition === 'reopened'));
    case 'suppressed':
      return findings.filter((finding) => finding.state === 'open' && finding.suppression);
  }
}

function row(finding: StoredFinding, at: string): string {
  const what = finding.vulnerability
    ? `${finding.vulnerability.id} ${finding.package?.name ?? ''}@${finding.package?.version ?? ''}`
    : `${finding.rule?.tool ?? finding.source}:${finding.rule?.id ?? ''}`;
  const where = `${finding.location.path}${finding.location.startLine ? `:${finding.location.startLine}` : ''}`;
  const triage =
    finding.triage && finding.triage.status !== 'open'
      ? `${finding.triage.status}${finding.triage.until ? ` until ${finding.triage.until}` : ''} (${finding.triage.by})${triageInForce(finding.triage, at) ? '' : ' expired'}`
      : '-';
  const state = finding.state === 'fixed' && finding.closedReason === 'withdrawn' ? 'withdrawn' : finding.suppression ? 'suppressed' : finding.state;
  const kev = finding.knownExploited ? `known exploited (KEV ${finding.knownExploited.dateAdded})` : '-';
  return [finding.id, finding.target, state, finding.severity, what, where, triage, kev].join('\t');
}

export const registerFindings: RegisterCommand = (program, wrap) => {
  program
    .command('findings')
    .description('list stored findings')
    .option('--target <name>', 'only this target')
    .addOption(new Option('--state <state>', 'only findings in this state').choices(['open', 'new', 'fixed', 'suppressed']))
    .option('--vuln <id>', 'only findings of this vulnerability, by its id or any alias (CVE, GHSA, PYSEC, GO...)')
    .option('--remediation', 'what to upgrade instead: per package, the version that closes its open findings')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(
      wrap(async (context, options: { target?: string; state?: StateFilter; vuln?: string; remediation?: boolean; format: 'table' | 'json' }) => {
        const [{ Store }, { hasVulnerability, judgedFindings, remediationPlan }, { remediationText }] = await Promise.all([
          import('../../store/store.js'),
          import('../../pipeline/views.js'),
          import('../../model/remediation.js'),
        ]);
        const store = Store.open(join(context.home, 'sieve.db'));
        try {
          const at = context.now().toISOString();
          let findings = selectState(judgedFindings(store, { target: options.target }, at), options.state);
          if (options.vuln !== undefined) findings = findings.filter((finding) => hasVulnerability(finding, options.vuln!));
          // Known exploited first, as every view orders them.
          findings.sort((a, b) => Number(b.knownExploited !== undefined) - Number(a.knownExploited !== undefined));
          if (options.remediation) {
            const plan = remediationPlan(findings);
            if (options.format === 'json') context.io.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
            else for (const step of plan) context.io.stdout.write(`${step.ecosystem}\t${remediationText(step, options.target ? 'target' : 'fleet')}\n`);
            return ExitCode.ok;
          }
          if (options.format === 'json') context.io.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
          else {
            context.io.stdout.write('id\ttarget\tstate\tseverity\tfinding\tlocation\ttriage\tknown exploited\n');
            for (const finding of findings) context.io.stdout.write(`${row(finding, at)}\n`);
            if (options.vuln !== undefined) {
              const targets = [...new Set(findings.filter((finding) => finding.state === 'open').map((finding) => finding.target))].sort();
              context.io.stderr.write(`${options.vuln}: open in ${targets.length} ${targets.length === 1 ? 'target' : 'targets'}${targets.length ? `: ${targets.join(', ')}` : ''}\n`);
            }
          }
          return ExitCode.ok;
        } finally {
          store.close();
        }
      }),
    );
};
