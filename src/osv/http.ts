import { SieveError } from '../model/errors.js';

export interface RetryOptions {
  /** Retries after the first attempt (429, 5xx, network errors). */
  retries?: number;
  /** First backoff delay; doubled on each retry unless the server sends Retry-After. */
  baseDelayMs?: number;
  /** Longest wait Sieve accepts from a Retry-After header. */
  maxDelayMs?: number;
  fetchImpl?: typeof fetch;
}

function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * fetch with retries and exponential backoff on 429 and 5xx (honouring Retry-After) and on
 * network errors. Other responses, including 4xx and 304, are returned to the caller; running
 * out of retries throws a SieveError naming the URL and the last status.
 */
export async function fetchWithRetry(url: string, init: RequestInit, options: RetryOptions = {}): Promise<Response> {
  const retries = options.retries ?? 4;
  const base = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 60_000;
  const doFetch = options.fetchImpl ?? fetch;
  let last = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    let delay = base * 2 ** attempt;
    try {
      const response = await doFetch(url, init);
      if (response.status !== 429 && response.status < 500) return response;
      last = `HTTP ${response.status}`;
      delay = retryAfterMs(response.headers.get('retry-after'), Date.now()) ?? delay;
      await response.body?.cancel();
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (attempt < retries) await sleep(Math.min(delay, maxDelay));
  }
  throw new SieveError('SIEVE_NETWORK', `${init.method ?? 'GET'} ${url} failed after ${retries + 1} attempts: ${last}`);
}
