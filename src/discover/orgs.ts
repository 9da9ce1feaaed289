import picomatch from 'picomatch';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRepoUrl, type Config, type OrgConfig, type TargetConfig } from '../config/load.js';
import { errorMessage } from '../model/errors.js';
import type { Logger } from '../model/logger.js';
import { writeFileAtomic } from '../model/write-file-atomic.js';
import { listOrgRepositories, type OrgRepository } from './github-org.js';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

export interface DiscoverOptions {
  home: string;
  /** GITHUB_API_URL; default the public API. */
  apiUrl?: string;
  token?: string;
  /** No network: use the last listing that worked. */
  offline?: boolean;
  now: () => Date;
  logger: Logger;
  fetchImpl?: typeof fetch;
}

export interface Discovery {
  /** The file's own targets, then every listed repository of each organisation. */
  targets: TargetConfig[];
  /** A listing that failed and fell back to an older one, a repository left out, … */
  warnings: string[];
  /** An organisation that could not be listed now nor ever before: its repositories are not scanned. */
  errors: string[];
}

/** The last listing that worked, kept in the home so a failed listing does not drop an organisation. */
interface StoredListing {
  org: string;
  apiUrl: string;
  listedAt: string;
  repositories: OrgRepository[];
}

const MAX_LISTING_BYTES = 64 * 1024 * 1024;

function listingFile(home: string, org: string): string {
  return join(home, 'cache', 'orgs', `${org.toLowerCase()}.json`);
}

function readListing(home: string, org: string): StoredListing | undefined {
  try {
    const text = readFileSync(listingFile(home, org), 'utf8');
    if (text.length > MAX_LISTING_BYTES) return undefined;
    const stored = JSON.parse(text) as StoredListing;
    return Array.isArray(stored.repositories) && typeof stored.listedAt === 'string' ? stored : undefined;
  } catch {
    return undefined;
  }
}

/** The repositories an org entry asks for: archived and forks only when asked, then the name globs. */
export function selectRepositories(org: OrgConfig, repositories: readonly OrgRepository[]): OrgRepository[] {
  const included = org.include.length ? picomatch(org.include, { nocase: true }) : () => true;
  const excluded = org.exclude.length ? picomatch(org.exclude, { nocase: true }) : () => false;
  return repositories
    .filter((repository) => (org.includeArchived || !repository.archived) && (org.includeForks || !repository.fork))
    .filter((repository) => included(repository.name) && !excluded(repository.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `https://github.com/Org/Repo.git` and `https://github.com/org/repo` are the same repository. */
function sameRepository(url: string): string {
  return url.toLowerCase().replace(/\/+$/, '').replace(/\.git$/, '');
}

/**
 * Turns every `{ "org": … }` entry into targets named `<org>/<repo>` at the repository's default
 * branch. A repository the file already names (same URL) keeps the file's settings.
 */
export async function discoverTargets(config: Config, options: DiscoverOptions): Promise<Discovery> {
  const warnings: string[] = [];
  const errors: string[] = [];
  const targets = [...config.targets];
  const known = new Set(config.targets.filter((target) => target.repo).map((target) => sameRepository(target.repo as string)));
  const names = new Set(config.targets.map((target) => target.key));
  const apiUrl = options.apiUrl || DEFAULT_GITHUB_API_URL;
  for (const org of config.orgs) {
    let listing: StoredListing | undefined;
    if (options.offline) {
      listing = readListing(options.home, org.org);
      if (!listing) errors.push(`org ${org.org}: --offline and no earlier listing in the home; its repositories are not scanned`);
    } else {
      try {
        const listed = await listOrgRepositories(org.org, { apiUrl, token: options.token, fetchImpl: options.fetchImpl });
        warnings.push(...listed.problems.map((problem) => `org ${org.org}: ${problem}`));
        listing = { org: org.org, apiUrl, listedAt: options.now().toISOString(), repositories: listed.repositories };
        mkdirSync(join(options.home, 'cache', 'orgs'), { recursive: true });
        writeFileAtomic(listingFile(options.home, org.org), `${JSON.stringify(listing)}\n`);
      } catch (error) {
        listing = readListing(options.home, org.org);
        const why = errorMessage(error);
        if (listing) warnings.push(`org ${org.org}: listing failed (${why}); using the listing of ${listing.listedAt}`);
        else errors.push(`org ${org.org}: listing failed (${why}) and there is no earlier listing; its repositories are not scanned`);
      }
    }
    if (!listing) continue;
    const selected = selectRepositories(org, listing.repositories);
    options.logger.info('organisation listed', { org: org.org, repositories: listing.repositories.length, selected: selected.length, listedAt: listing.listedAt });
    for (const repository of selected) {
      const name = `${org.org}/${repository.name}`;
      const problem = checkRepoUrl(repository.cloneUrl) ?? (repository.defaultBranch?.startsWith('-') ? `default branch "${repository.defaultBranch}" looks like an option` : undefined);
      if (problem) {
        warnings.push(`org ${org.org}: ${repository.name} left out: ${problem}`);
        continue;
      }
      if (known.has(sameRepository(repository.cloneUrl)) || names.has(name)) continue;
      names.add(name);
      targets.push({ ...org.template, name, key: name, kind: 'repo', repo: repository.cloneUrl, ref: repository.defaultBranch });
    }
  }
  return { targets, warnings, errors };
}
