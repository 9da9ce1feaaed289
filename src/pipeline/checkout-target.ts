import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkoutDirectory, CheckoutError, isLocalGitRepository, openCommit, type Checkout, type GitCommitView } from '../checkout/clone.js';
import type { ResolvedRef } from '../checkout/refs.js';
import { isRemoteUrl, type TargetConfig } from '../config/load.js';
import { safeName } from '../model/safe-name.js';

export interface TargetCheckout extends Checkout {
  /** SBOM targets: the SBOM file. */
  sbomFile?: string;
  /** SBOM targets: what the SBOM describes (set by the inventory step). */
  subject?: string;
  /** Git targets: the commit in the object store; `dir` is empty until a worktree is materialised. */
  git?: GitCommitView;
}

/** Whether a target needs its files on disk: analyzers run on files, SARIF globs match files. */
export function needsWorktree(target: TargetConfig): boolean {
  return target.analyzers.length > 0 || target.sarif.length > 0;
}

/** Gets a target's files in place: a git checkout at a resolved commit, a directory, or an SBOM file. */
export async function checkoutTarget(target: TargetConfig, home: string, options: { offline?: boolean; resolved?: ResolvedRef; needsFiles?: boolean } = {}): Promise<TargetCheckout> {
  switch (target.kind) {
    case 'repo': {
      const repo = target.repo as string;
      if (!isRemoteUrl(repo) && !isLocalGitRepository(repo)) {
        // A local path without git history is scanned as a plain directory.
        return checkoutDirectory(repo);
      }
      const git = await openCommit({
        repo,
        ref: target.ref,
        cacheDir: join(home, 'cache'),
        // Local repositories are read without network even when offline.
        offline: options.offline === true && isRemoteUrl(repo),
        resolved: options.resolved,
      });
      const checkout: TargetCheckout = { dir: '', commit: git.commit, ref: git.ref, git };
      if (options.needsFiles || needsWorktree(target)) {
        const dir = join(home, 'cache', 'worktrees', safeName(target.key));
        try {
          await git.materialise(dir);
        } catch (error) {
          await git.close();
          throw error;
        }
        checkout.dir = dir;
        checkout.temporary = true;
      }
      return checkout;
    }
    case 'directory':
      return checkoutDirectory(target.path as string);
    case 'sbom': {
      const file = target.path as string;
      let isFile = false;
      try {
        isFile = statSync(file).isFile();
      } catch {
        // reported below
      }
      if (!isFile) throw new CheckoutError(`${file}: SBOM file not found`);
      return { dir: dirname(file), commit: '', sbomFile: file };
    }
  }
}
