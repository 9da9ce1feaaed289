import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkoutDirectory, checkoutRepository, CheckoutError, isLocalGitRepository, type Checkout } from '../checkout/clone.js';
import { isRemoteUrl, type TargetConfig } from '../config/load.js';

export interface TargetCheckout extends Checkout {
  /** SBOM targets: the SBOM file. */
  sbomFile?: string;
  /** SBOM targets: what the SBOM describes (set by the inventory step). */
  subject?: string;
}

/** Gets a target's files in place: a git checkout at a resolved commit, a directory, or an SBOM file. */
export async function checkoutTarget(target: TargetConfig, home: string, options: { offline?: boolean } = {}): Promise<TargetCheckout> {
  switch (target.kind) {
    case 'repo': {
      const repo = target.repo as string;
      if (!isRemoteUrl(repo) && !isLocalGitRepository(repo)) {
        // A local path without git history is scanned as a plain directory.
        return checkoutDirectory(repo);
      }
      return checkoutRepository({
        repo,
        ref: target.ref,
        cacheDir: join(home, 'cache'),
        worktreeDir: join(home, 'cache', 'worktrees', target.key.replace(/[^A-Za-z0-9._-]/g, '_')),
        // Local repositories are read without network even when offline.
        offline: options.offline === true && isRemoteUrl(repo),
      });
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
