import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Sieve Test',
  GIT_AUTHOR_EMAIL: 'test@sieve.invalid',
  GIT_COMMITTER_NAME: 'Sieve Test',
  GIT_COMMITTER_EMAIL: 'test@sieve.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
}

export function tempDir(prefix = 'sieve-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A working repository pushed to a local bare remote, the way Sieve sees a hosted repository:
 * `url` is what goes in scan-targets.json.
 */
export class TestRepo {
  readonly work: string;
  readonly bare: string;

  constructor(readonly root: string, name: string) {
    this.work = join(root, `${name}-work`);
    this.bare = join(root, `${name}.git`);
    mkdirSync(this.work, { recursive: true });
    git(root, 'init', '--bare', '--quiet', this.bare);
    git(this.work, 'init', '--quiet');
    git(this.work, 'remote', 'add', 'origin', this.bare);
  }

  get url(): string {
    return `file://${this.bare}`;
  }

  write(files: Record<string, string>): this {
    for (const [path, content] of Object.entries(files)) {
      const file = join(this.work, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    return this;
  }

  remove(path: string): this {
    rmSync(join(this.work, path), { force: true, recursive: true });
    return this;
  }

  /** Commits everything and pushes; returns the commit hash. */
  commit(message: string): string {
    git(this.work, 'add', '-A');
    git(this.work, 'commit', '--quiet', '--allow-empty', '-m', message);
    git(this.work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
    return git(this.work, 'rev-parse', 'HEAD');
  }
}
