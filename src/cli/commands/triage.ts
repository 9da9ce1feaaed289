import { Option } from 'commander';
import { join } from 'node:path';
import { ExitCode, UsageError } from '../../model/errors.js';
import type { TriageStatus } from '../../model/types.js';
import type { RegisterCommand } from './types.js';

const STATUSES: TriageStatus[] = ['false-positive', 'accepted-risk', 'wont-fix', 'open'];

interface TriageOptions {
  status?: TriageStatus;
  reason?: string;
  until?: string;
  by?: string;
  justification?: string;
  fleet?: boolean;
  vulnerability?: string[];
  package?: string;
  target?: string;
  path?: string;
  history?: boolean;
}

export const registerTriage: RegisterCommand = (program, wrap) => {
  program
    .command('triage')
    .description('record a triage decision on a finding (or, with --fleet, on a vulnerability in a package across targets)')
    .argument('[finding-id]', 'the finding (see `sieve findings`)')
    .addOption(new Option('--status <status>', 'the decision').choices(STATUSES))
    .option('--reason <text>', 'why (required)')
    .option('--until <date>', 'the decision holds through this date (YYYY-MM-DD) or time; the finding alerts again once after it')
    .option('--by <name>', 'who decided (default: env SIEVE_USER, then USER)')
    .option('--justification <j>', 'VEX justification for the decision (CycloneDX: code_not_present, code_not_reachable, requires_configuration, …)')
    .option('--fleet', "key the decision on the finding's vulnerability (any alias) and package, across every target")
    .option('--vulnerability <ids...>', 'with --fleet and no finding id: the vulnerability id(s)')
    .option('--package <purl>', 'with --fleet and no finding id: the package URL (a version narrows it to that version)')
    .option('--target <name>', 'with --fleet: only this target')
    .option('--path <glob>', 'with --fleet: only findings whose path matches this glob')
    .option('--history', 'print the decisions recorded for the finding instead of deciding')
    .action(
      wrap(async (context, findingId: string | undefined, options: TriageOptions) => {
        const [{ untilProblem }, { JUSTIFICATIONS }, { Store }, { packageFromPurl }] = await Promise.all([
          import('../../policy/dates.js'),
          import('../../policy/vex.js'),
          import('../../store/store.js'),
          import('../package-url.js'),
        ]);
        // Checked here, not by commander: the list comes from the CycloneDX library, loaded only now.
        if (options.justification !== undefined && !JUSTIFICATIONS.includes(options.justification)) {
          throw new UsageError(`--justification: expected one of ${JUSTIFICATIONS.join(', ')}, got "${options.justification}"`);
        }
        const store = Store.open(join(context.home, 'sieve.db'));
        try {
          if (options.history) {
            if (!findingId) throw new UsageError('--history: name a finding id or fleet decision id');
            const history = store.triageHistory(findingId);
            if (context.json) context.io.stdout.write(`${JSON.stringify(history, null, 2)}\n`);
            else {
              context.io.stdout.write('at\tby\tstatus\tuntil\treason\n');
              for (const entry of history) context.io.stdout.write(`${entry.at}\t${entry.by}\t${entry.status}\t${entry.until ?? '-'}\t${entry.reason}\n`);
            }
            return ExitCode.ok;
          }
          if (!options.status) throw new UsageError('--status is required (false-positive, accepted-risk, wont-fix or open)');
          if (!options.reason?.trim()) throw new UsageError('--reason is required: say why');
          if (options.until !== undefined) {
            const problem = untilProblem(options.until);
            if (problem) throw new UsageError(`--until: ${problem}`);
          }
          const by = options.by ?? context.io.env.SIEVE_USER ?? context.io.env.USER ?? 'unknown';
          const decision = {
            status: options.status,
            reason: options.reason.trim(),
            ...(options.until ? { until: options.until } : {}),
            by,
            at: context.now().toISOString(),
            ...(options.justification ? { justification: options.justification } : {}),
          };
          const finding = findingId ? store.finding(findingId) : undefined;
          if (findingId && !finding) throw new UsageError(`no finding with id "${findingId}" in ${store.path}`);

          if (!options.fleet) {
            if (!finding) throw new UsageError('name a finding id, or use --fleet with --vulnerability and --package');
            if (options.target || options.path || options.package || options.vulnerability) throw new UsageError('--target, --path, --package and --vulnerability go with --fleet');
            store.triage(finding.id, decision, 'cli');
            context.io.stdout.write(`${finding.id}\t${decision.status}\t${decision.until ?? '-'}\t${by}\n`);
            return ExitCode.ok;
          }

          let vulnerabilityIds: string[];
          let pkg: { ecosystem: string; name: string; version?: string };
          if (finding) {
            if (!finding.vulnerability || !finding.package) throw new UsageError(`--fleet: finding ${finding.id} is not a dependency finding (no vulnerability and package)`);
            vulnerabilityIds = [finding.vulnerability.id, ...finding.vulnerability.aliases];
            pkg = { ecosystem: finding.package.ecosystem, name: finding.package.name };
          } else {
            if (!options.vulnerability?.length || !options.package) throw new UsageError('--fleet without a finding id needs --vulnerability and --package');
            vulnerabilityIds = options.vulnerability;
            pkg = packageFromPurl(options.package);
          }
          const id = store.fleetTriage(
            {
              ...decision,
              vulnerabilityIds,
              ecosystem: pkg.ecosystem,
              name: pkg.name,
              ...(pkg.version ? { version: pkg.version } : {}),
              ...(options.target ? { target: options.target } : {}),
              ...(options.path ? { path: options.path } : {}),
            },
            'cli',
          );
          context.io.stdout.write(`${id}\t${decision.status}\t${decision.until ?? '-'}\t${by}\n`);
          return ExitCode.ok;
        } finally {
          store.close();
        }
      }),
    );
};

