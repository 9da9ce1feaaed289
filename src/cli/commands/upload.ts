import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, UsageError } from '../../model/errors.js';
import type { RegisterCommand } from './types.js';

const DEFAULT_API_URL = 'https://api.github.com';

/**
 * The full ref code scanning files the results under: the ref the scan recorded (the branch it
 * resolved, `refs/heads/master` for a target without `ref`). Never a guess: a scan of a commit
 * hash names no branch, and then `--ref` must.
 */
export function uploadRef(recorded: string | undefined, target: string): string {
  if (recorded && recorded.startsWith('refs/')) return recorded;
  // Scans recorded before Sieve stored full refs kept the target's `ref` as written.
  if (recorded && !/^[0-9a-f]{7,64}$/i.test(recorded)) return `refs/heads/${recorded}`;
  throw new UsageError(`--ref: the latest scan of "${target}" names no branch (it was of a commit); pass --ref refs/heads/NAME`);
}

export const registerUpload: RegisterCommand = (program, wrap) => {
  program
    .command('upload')
    .description("upload a target's latest code-scanning SARIF to GitHub code scanning (token from GITHUB_TOKEN)")
    .requiredOption('--target <name>', 'the target')
    .option('--api-url <url>', 'GitHub API base URL (GitHub Enterprise Server: https://HOST/api/v3)', DEFAULT_API_URL)
    .option('--repo <owner/name>', 'the GitHub repository (default: from the target\'s repo URL)')
    .option('--ref <ref>', 'the Git ref the scan was of (default: the branch the scan resolved, e.g. refs/heads/master)')
    .action(
      wrap(async (context, options: { target: string; apiUrl: string; repo?: string; ref?: string }) => {
        const [{ Store }, { parseGithubRepo, uploadSarif }] = await Promise.all([import('../../store/store.js'), import('../../upload/github.js')]);
        const store = Store.open(join(context.home, 'sieve.db'));
        let scan;
        try {
          scan = store
            .targetScans(options.target)
            .filter((record) => record.status !== 'failed' && record.commit)
            .at(-1);
        } finally {
          store.close();
        }
        if (!scan) throw new UsageError(`--target: no scan of "${options.target}" at a commit in the store`);
        const sarifFile = join(context.home, 'runs', scan.runId, 'targets', options.target, 'code-scanning.sarif');
        if (!existsSync(sarifFile)) throw new UsageError(`${sarifFile}: no code-scanning SARIF for that scan`);
        const named = options.repo?.split('/');
        const repo = named && named.length === 2 ? { owner: named[0] as string, repo: named[1] as string } : scan.repo ? parseGithubRepo(scan.repo) : undefined;
        if (!repo) throw new UsageError(`--repo: cannot tell the GitHub repository of "${options.target}" from "${scan.repo ?? ''}"; pass --repo owner/name`);
        const ref = options.ref ?? uploadRef(scan.ref, options.target);
        const result = await uploadSarif({
          apiUrl: options.apiUrl,
          token: context.io.env.GITHUB_TOKEN ?? '',
          owner: repo.owner,
          repo: repo.repo,
          commitSha: scan.commit as string,
          ref,
          sarif: readFileSync(sarifFile, 'utf8'),
          toolName: 'Sieve',
        });
        context.io.stdout.write(`${result.id}\t${result.status}\n`);
        for (const error of result.errors ?? []) context.logger.error(error, { target: options.target });
        return result.status === 'failed' ? ExitCode.incomplete : ExitCode.ok;
      }),
    );
};
