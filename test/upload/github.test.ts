import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { SieveError, UsageError } from '../../src/model/errors.js';
import { parseGithubRepo, uploadSarif } from '../../src/upload/github.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A stand-in for the code scanning API on 127.0.0.1, answering from a script of handlers. */
async function fakeApi(handler: (seen: Seen, res: ServerResponse, index: number) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(entry);
      handler(entry, res, seen.length - 1);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const SHA = 'a'.repeat(40);
const SARIF = JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'Sieve (OSV)' } }, results: [] }] });
const base = { token: 't0ken', owner: 'example-org', repo: 'web', commitSha: SHA, ref: 'main', sarif: SARIF, pollIntervalMs: 10 };

describe('uploadSarif', () => {
  it('posts gzip+base64 SARIF, then polls until processing completes', async () => {
    const api = await fakeApi((seen, res, index) => {
      if (index === 0) return json(res, 202, { id: 'up-1', url: 'x' });
      json(res, 200, { processing_status: index < 2 ? 'pending' : 'complete', analyses_url: 'x' });
    });
    const result = await uploadSarif({ ...base, apiUrl: `${api.url}/`, checkoutUri: 'file:///work/web', toolName: 'Sieve' });
    expect(result).toEqual({ id: 'up-1', status: 'complete' });
    expect(api.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /repos/example-org/web/code-scanning/sarifs',
      'GET /repos/example-org/web/code-scanning/sarifs/up-1',
      'GET /repos/example-org/web/code-scanning/sarifs/up-1',
    ]);
    const post = api.seen[0]!;
    expect(post.headers.authorization).toBe('Bearer t0ken');
    expect(post.headers.accept).toBe('application/vnd.github+json');
    const body = JSON.parse(post.body) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['checkout_uri', 'commit_sha', 'ref', 'sarif', 'tool_name']);
    expect(body).toMatchObject({ commit_sha: SHA, ref: 'refs/heads/main', checkout_uri: 'file:///work/web', tool_name: 'Sieve' });
    expect(gunzipSync(Buffer.from(body.sarif!, 'base64')).toString('utf8')).toBe(SARIF);
  });

  it('returns the processing errors of a failed upload', async () => {
    const api = await fakeApi((_seen, res, index) =>
      index === 0 ? json(res, 202, { id: 'up-2' }) : json(res, 200, { processing_status: 'failed', errors: ['locationFromSarifResult: expected artifact location'] }),
    );
    const result = await uploadSarif({ ...base, apiUrl: api.url, ref: 'refs/pull/4/head' });
    expect(result).toEqual({ id: 'up-2', status: 'failed', errors: ['locationFromSarifResult: expected artifact location'] });
    expect(JSON.parse(api.seen[0]!.body).ref).toBe('refs/pull/4/head');
  });

  it('gives up polling after pollTimeoutMs and says it is still pending', async () => {
    const api = await fakeApi((_seen, res, index) => (index === 0 ? json(res, 202, { id: 'up-3' }) : json(res, 200, { processing_status: 'pending' })));
    expect(await uploadSarif({ ...base, apiUrl: api.url, pollTimeoutMs: 50 })).toEqual({ id: 'up-3', status: 'pending' });
  });

  it.each([
    [401, {}, { message: 'Bad credentials' }, /\(401\): the token is missing, expired or invalid\. GitHub said: Bad credentials/],
    [403, {}, { message: 'Resource not accessible by integration' }, /\(403\): the token lacks permission; it needs the security_events scope/],
    [403, {}, { message: 'Advanced Security must be enabled for this repository to use code scanning.' }, /GitHub Advanced Security\) is not enabled/],
    [403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1715673600' }, { message: 'API rate limit exceeded' }, /rate limit reached; try again after 2024-05-14T08:00:00\.000Z/],
    [404, {}, { message: 'Not Found' }, /\(404\): repository example-org\/web was not found, or the token cannot see it/],
    [413, {}, { message: 'Payload Too Large' }, /\(413\): the SARIF is too large/],
    [422, {}, { message: 'Invalid request', errors: ['ref is not a valid ref'] }, /\(422\): the SARIF or the ref "main".*refused as invalid\. GitHub said: Invalid request \(ref is not a valid ref\)/],
  ])('explains a %i answer', async (status, headers, body, expected) => {
    const api = await fakeApi((_seen, res) => json(res, status, body, headers));
    const error = await uploadSarif({ ...base, apiUrl: api.url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SieveError);
    expect((error as Error).message).toMatch(expected);
    expect(api.seen).toHaveLength(1);
  });

  it('refuses a short commit SHA before sending anything', async () => {
    await expect(uploadSarif({ ...base, apiUrl: 'http://127.0.0.1:9', commitSha: 'abc123' })).rejects.toThrow(UsageError);
  });
});

describe('parseGithubRepo', () => {
  it.each([
    ['https://github.com/jupyterhub/jupyterhub.git', { owner: 'jupyterhub', repo: 'jupyterhub' }],
    ['https://github.com/jupyterhub/jupyterhub', { owner: 'jupyterhub', repo: 'jupyterhub' }],
    ['https://token@github.com/o/r.git/', { owner: 'o', repo: 'r' }],
    ['git@github.com:o/my.repo.git', { owner: 'o', repo: 'my.repo' }],
    ['ssh://git@github.com/o/r.git', { owner: 'o', repo: 'r' }],
  ])('reads %s', (url, expected) => {
    expect(parseGithubRepo(url)).toEqual(expected);
  });

  it.each(['https://gitlab.com/o/r.git', 'https://github.com/o', 'https://github.com/o/r/tree/main', '../local', 'C:/src/repo', 'file:///github.com/o/r'])(
    'refuses %s',
    (url) => {
      expect(parseGithubRepo(url)).toBeUndefined();
    },
  );

  it('takes Enterprise hosts when told', () => {
    expect(parseGithubRepo('https://git.example.org/o/r.git', ['git.example.org'])).toEqual({ owner: 'o', repo: 'r' });
  });
});
