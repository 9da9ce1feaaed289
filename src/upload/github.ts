/**
 * Upload to GitHub code scanning: `POST /repos/{owner}/{repo}/code-scanning/sarifs` with the SARIF
 * gzip-compressed and base64-encoded, then poll `GET .../sarifs/{sarif_id}` until processing ends.
 */
import { gzipSync } from 'node:zlib';
import { SieveError, UsageError, errorMessage } from '../model/errors.js';

/** Code scanning refuses SARIF uploads over 10 MB (after gzip); we refuse before sending. */
export const MAX_GZIPPED_SARIF_BYTES = 10 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 60_000;

export interface UploadOptions {
  /** e.g. https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  apiUrl: string;
  token: string;
  owner: string;
  repo: string;
  commitSha: string;
  /** `refs/heads/main`; a bare branch name is taken as `refs/heads/<name>`. */
  ref: string;
  sarif: string;
  checkoutUri?: string;
  toolName?: string;
  /** Default 2 s. */
  pollIntervalMs?: number;
  /** Default 120 s; after that the upload is returned as still `pending`. */
  pollTimeoutMs?: number;
}

export interface UploadResult {
  id: string;
  /** `complete`, `failed`, or `pending` when processing outlasted pollTimeoutMs. */
  status: string;
  errors?: string[];
}

export async function uploadSarif(options: UploadOptions): Promise<UploadResult> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(options.commitSha)) {
    throw new UsageError(`code scanning needs the full commit SHA of the scan, got "${options.commitSha}"`);
  }
  if (!options.token) throw new UsageError('uploading to code scanning needs a token (GITHUB_TOKEN) with the security_events scope');
  const ref = options.ref.startsWith('refs/') ? options.ref : `refs/heads/${options.ref}`;
  const gzipped = gzipSync(Buffer.from(options.sarif, 'utf8'));
  if (gzipped.length > MAX_GZIPPED_SARIF_BYTES) {
    throw new SieveError(
      'SIEVE_INPUT_TOO_LARGE',
      `the SARIF is ${gzipped.length} bytes after gzip, over code scanning's ${MAX_GZIPPED_SARIF_BYTES}-byte limit: lower maxResultsPerRun`,
    );
  }
  const base = `${options.apiUrl.replace(/\/+$/, '')}/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/code-scanning/sarifs`;
  const body = {
    commit_sha: options.commitSha,
    ref,
    sarif: gzipped.toString('base64'),
    ...(options.checkoutUri ? { checkout_uri: options.checkoutUri } : {}),
    ...(options.toolName ? { tool_name: options.toolName } : {}),
  };
  const posted = await request(options, 'POST', base, body);
  const receipt = (await readJson(posted)) as { id?: unknown } | undefined;
  const id = typeof receipt?.id === 'string' ? receipt.id : undefined;
  if (!id) throw new SieveError('SIEVE_NETWORK', `code scanning accepted the upload (${posted.status}) but returned no upload id`);

  const interval = Math.max(10, options.pollIntervalMs ?? 2_000);
  const deadline = Date.now() + Math.max(0, options.pollTimeoutMs ?? 120_000);
  for (;;) {
    const polled = await request(options, 'GET', `${base}/${encodeURIComponent(id)}`);
    const status = (await readJson(polled)) as { processing_status?: unknown; errors?: unknown } | undefined;
    const processing = typeof status?.processing_status === 'string' ? status.processing_status : 'pending';
    if (processing === 'complete' || processing === 'failed') {
      const errors = Array.isArray(status?.errors) ? status.errors.map((error) => String(error)) : [];
      return { id, status: processing, ...(errors.length ? { errors } : {}) };
    }
    if (Date.now() + interval > deadline) return { id, status: processing };
    await sleep(interval);
  }
}

async function request(options: UploadOptions, method: 'GET' | 'POST', url: string, body?: unknown): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${options.token}`,
        'X-GitHub-Api-Version': '2022-11-28',
        'User-Agent': 'sieve',
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      redirect: 'follow',
    });
  } catch (error) {
    throw new SieveError('SIEVE_NETWORK', `could not reach ${new URL(url).origin}: ${errorMessage(error)}`, { cause: error });
  }
  if (response.ok) return response;
  throw new SieveError('SIEVE_NETWORK', await explain(response, options, method === 'POST'));
}

/** A message that says what to do, for each answer the endpoints document. */
async function explain(response: Response, options: UploadOptions, upload: boolean): Promise<string> {
  const text = await response.text().catch(() => '');
  let message: string;
  try {
    const parsed = JSON.parse(text) as { message?: unknown; errors?: unknown };
    message = typeof parsed.message === 'string' ? parsed.message : '';
    if (Array.isArray(parsed.errors) && parsed.errors.length) message += ` (${parsed.errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('; ')})`;
  } catch {
    message = text.slice(0, 300);
  }
  const said = message ? ` GitHub said: ${message.slice(0, 500)}` : '';
  const repo = `${options.owner}/${options.repo}`;
  switch (response.status) {
    case 401:
      return `code scanning upload to ${repo} failed (401): the token is missing, expired or invalid.${said}`;
    case 403: {
      const reset = rateLimitReset(response.headers);
      if (reset) return `code scanning upload to ${repo} failed (403): rate limit reached; try again after ${reset}.${said}`;
      if (/advanced security|code scanning is not enabled|not enabled/i.test(message)) {
        return `code scanning upload to ${repo} failed (403): code scanning (GitHub Advanced Security) is not enabled for this repository.${said}`;
      }
      return `code scanning upload to ${repo} failed (403): the token lacks permission; it needs the security_events scope (or security-events: write).${said}`;
    }
    case 404:
      return upload
        ? `code scanning upload failed (404): repository ${repo} was not found, or the token cannot see it.${said}`
        : `code scanning upload status failed (404): the upload id is unknown to ${repo}.${said}`;
    case 413:
      return `code scanning upload to ${repo} failed (413): the SARIF is too large; lower maxResultsPerRun.${said}`;
    case 422:
      return `code scanning upload to ${repo} failed (422): the SARIF or the ref "${options.ref}" / commit ${options.commitSha} was refused as invalid.${said}`;
    case 429: {
      const reset = rateLimitReset(response.headers);
      return `code scanning upload to ${repo} failed (429): too many requests${reset ? `; try again after ${reset}` : ''}.${said}`;
    }
    default:
      return `code scanning ${upload ? 'upload' : 'status check'} for ${repo} failed (${response.status} ${response.statusText}).${said}`;
  }
}

/** When a rate limit lifts, from `retry-after` (seconds) or `x-ratelimit-reset` (epoch seconds). */
function rateLimitReset(headers: Headers): string | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter && /^\d+$/.test(retryAfter)) return new Date(Date.now() + Number(retryAfter) * 1000).toISOString();
  if (headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return new Date(reset * 1000).toISOString();
    return 'the rate limit resets';
  }
  return undefined;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SieveError('SIEVE_NETWORK', `code scanning answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * owner and repo of a GitHub repository URL: https, ssh (`git@github.com:o/r.git`,
 * `ssh://git@github.com/o/r`), with or without `.git`. `hosts` adds GitHub Enterprise hosts.
 */
export function parseGithubRepo(url: string, hosts: readonly string[] = ['github.com']): { owner: string; repo: string } | undefined {
  const known = new Set([...hosts, ...hosts.map((host) => `www.${host}`)].map((host) => host.toLowerCase()));
  let host: string;
  let path: string;
  // scp-like ssh form: user@host:owner/repo.git
  const scp = /^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(url.trim());
  if (scp) {
    host = scp[1] ?? '';
    path = scp[2] ?? '';
  } else {
    let parsed: URL;
    try {
      parsed = new URL(url.trim());
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(parsed.protocol)) return undefined;
    host = parsed.hostname;
    path = parsed.pathname;
  }
  if (!known.has(host.toLowerCase())) return undefined;
  const parts = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/i, '').split('/');
  if (parts.length !== 2) return undefined;
  const [owner, repo] = parts as [string, string];
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(owner) || !/^[A-Za-z0-9._-]{1,100}$/.test(repo) || repo === '.' || repo === '..') {
    return undefined;
  }
  return { owner, repo };
}
