import { SieveError } from '../model/errors.js';

/** What Sieve keeps of one repository in an organisation listing. */
export interface OrgRepository {
  name: string;
  cloneUrl: string;
  defaultBranch?: string;
  archived: boolean;
  fork: boolean;
}

export interface ListOptions {
  /** e.g. https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  apiUrl: string;
  token?: string;
  /** Pages of 100 repositories read at most: bounds a hostile or runaway listing. */
  maxPages?: number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export class DiscoveryError extends SieveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SIEVE_NETWORK', message, options);
    this.name = 'DiscoveryError';
  }
}

const MAX_PAGE_BYTES = 16 * 1024 * 1024;
// GitHub's own rules for repository names; anything else is not used as a target name.
const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** The `rel="next"` URL of a `Link` header, if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const rel = (match[2] ?? '')
      .split(';')
      .map((param) => /^\s*rel\s*=\s*"?([^"]*)"?\s*$/i.exec(param)?.[1])
      .find((value) => value !== undefined);
    if (rel?.split(/\s+/).includes('next')) return match[1];
  }
  return undefined;
}

/**
 * One page of `GET /orgs/{org}/repos` to the fields Sieve uses. Entries without a usable name
 * or clone URL are reported, not guessed at.
 */
export function parseRepositoryPage(body: unknown, url: string): { repositories: OrgRepository[]; problems: string[] } {
  if (!Array.isArray(body)) throw new DiscoveryError(`${url}: expected a JSON array of repositories`);
  const repositories: OrgRepository[] = [];
  const problems: string[] = [];
  for (const entry of body as unknown[]) {
    const item = (entry ?? {}) as Record<string, unknown>;
    const name = typeof item.name === 'string' ? item.name : '';
    const cloneUrl = typeof item.clone_url === 'string' ? item.clone_url : '';
    if (!REPO_NAME.test(name) || name === '.' || name === '..' || !cloneUrl) {
      problems.push(`${url}: skipped a repository without a valid name and clone_url (${JSON.stringify(name).slice(0, 80)})`);
      continue;
    }
    repositories.push({
      name,
      cloneUrl,
      defaultBranch: typeof item.default_branch === 'string' && item.default_branch !== '' ? item.default_branch : undefined,
      archived: item.archived === true,
      fork: item.fork === true,
    });
  }
  return { repositories, problems };
}

/**
 * Every repository of an organisation, following `Link: rel="next"` pages. The token goes only
 * to the API's own origin, whatever a `Link` header points at.
 */
export async function listOrgRepositories(org: string, options: ListOptions): Promise<{ repositories: OrgRepository[]; problems: string[] }> {
  const doFetch = options.fetchImpl ?? fetch;
  const base = options.apiUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  const maxPages = options.maxPages ?? 200;
  const repositories: OrgRepository[] = [];
  const problems: string[] = [];
  let url: string | undefined = `${base}/orgs/${encodeURIComponent(org)}/repos?type=all&per_page=100`;
  for (let page = 1; url !== undefined; page++) {
    if (page > maxPages) throw new DiscoveryError(`${org}: the listing has more than ${maxPages} pages; stopped there`);
    const headers: Record<string, string> = { Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28', 'User-Agent': 'sieve' };
    if (options.token && new URL(url).origin === origin) headers.Authorization = `Bearer ${options.token}`;
    let response: Response;
    try {
      response = await doFetch(url, { headers, redirect: 'error', signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
    } catch (error) {
      throw new DiscoveryError(`GET ${url} failed: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new DiscoveryError(`GET ${url} failed: HTTP ${response.status}`);
    }
    const text = await response.text();
    if (text.length > MAX_PAGE_BYTES) throw new DiscoveryError(`GET ${url}: the page is over ${MAX_PAGE_BYTES} bytes`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new DiscoveryError(`GET ${url}: not JSON (${(error as Error).message})`);
    }
    const parsed = parseRepositoryPage(body, url);
    repositories.push(...parsed.repositories);
    problems.push(...parsed.problems);
    const next = nextLink(response.headers.get('link'));
    url = next === undefined ? undefined : new URL(next, url).toString();
  }
  return { repositories, problems };
}
