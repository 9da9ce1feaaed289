import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ParseError, UsageError } from '../../model/errors.js';
import { normalizeFailure } from '../../model/scope.js';
import { newRunId, recordRun, type ScanBundle } from '../../pipeline/scan.js';
import { withHomeLock } from '../home-lock.js';
import { loadPolicy } from '../policy.js';
import type { RegisterCommand } from './types.js';

function readBundle(path: string): ScanBundle {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'bundle.json') : path;
  let bundle: ScanBundle;
  try {
    bundle = JSON.parse(readFileSync(file, 'utf8')) as ScanBundle;
  } catch (error) {
    throw new ParseError(file, `not a readable Sieve bundle: ${(error as Error).message}`);
  }
  if (bundle?.format !== 'sieve-bundle/1' || !Array.isArray(bundle.targets)) throw new ParseError(file, 'not a Sieve bundle (format sieve-bundle/1)');
  // A bundle written by an older Sieve names failure scopes with strings: read them as typed scopes.
  for (const evidence of bundle.targets) {
    evidence.failures = (Array.isArray(evidence.failures) ? evidence.failures : []).map(normalizeFailure);
    evidence.keepOpen = (Array.isArray(evidence.keepOpen) ? evidence.keepOpen : []).map(normalizeFailure);
    if (evidence.fatal) evidence.fatal = normalizeFailure(evidence.fatal);
  }
  return bundle;
}

export const registerMerge: RegisterCommand = (program, wrap) => {
  program
    .command('merge')
    .description('fold the results of shard runs (`scan --shard I/N` writes runs/<id>/bundle.json) into this store')
    .argument('<bundles...>', 'bundle.json files or the run folders that hold them')
    .option('--rules <dir>', 'policy rules folder', 'rules')
    .action(
      wrap(async (context, paths: string[], options: { rules: string }) => {
        const bundles = paths.map((path) => readBundle(context.path(path)));
        const targets = bundles.flatMap((bundle) => bundle.targets);
        const keys = targets.map((evidence) => evidence.target.key);
        const duplicate = keys.find((key, index) => keys.indexOf(key) !== index);
        if (duplicate) throw new UsageError(`target "${duplicate}" is in more than one bundle: merge each run once`);
        const startedAt = bundles.map((bundle) => bundle.startedAt).sort()[0] ?? context.now().toISOString();
        const runId = newRunId(context.now());
        const rulesDir = context.path(options.rules);
        // The targets' own rules travel in their bundles; the rules folder is this machine's.
        const policy = loadPolicy({ rulesDir: existsSync(rulesDir) ? rulesDir : undefined, targets: targets.map((evidence) => evidence.target) }, context);
        const result = await withHomeLock(context.home, () => recordRun(
          { format: 'sieve-bundle/1', runId, startedAt, finishedAt: context.now().toISOString(), notify: bundles[0]?.notify, targets },
          {
            home: context.home,
            runDir: join(context.home, 'runs', runId),
            now: context.now,
            logger: context.logger,
            toolVersion: context.version,
            policy,
            githubToken: context.io.env.GITHUB_TOKEN,
          },
        ));
        context.io.stdout.write(`${targets.length} target(s) from ${bundles.length} bundle(s); ${result.newFindings.length} new finding(s); results in ${result.runDir}\n`);
        return result.exitCode;
      }),
    );
};
