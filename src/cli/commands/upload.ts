import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../model/errors.js';
import { Store } from '../../store/store.js';
import { parseGithubRepo, uploadSarif } from '../../upload/github.js';
import type { RegisterCommand } from './types.js';

const DEFAULT_API_URL = 'https://api.github.com';

export const registerUpload: RegisterCommand = (program, wrap) => {
  program
    .command('upload')
    .description("upload a target's latest code-scanning SARIF to GitHub code scanning (token from GITHUB_TOKEN)")
    .requiredOption('--target <name>', 'the target')
    .option('--api-url <url>', 'GitHub API base URL (GitHub Enterprise Server: https://HOST/api/v3)', DEFAULT_API_URL)
    .option('--repo <owner/name>', 'the GitHub repository (default: from the target\'s repo URL)')
    .option('--ref <ref>', 'the Git ref the scan was of (default: the target\'s ref, else refs/heads/main)')
    .action(
      wrap(async (context, options: { target: string; apiUrl: string; repo?: string; ref?: string }) => {
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
        const ref = options.ref ?? (scan.ref && !/^[0-9a-f]{40}$/.test(scan.ref) ? scan.ref : 'refs/heads/main');
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
        return result.status === 'failed' ? 3 : 0;
      }),
    );
};
