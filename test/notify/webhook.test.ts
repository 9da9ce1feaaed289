import { afterEach, describe, expect, it } from 'vitest';
import { SieveError } from '../../src/model/errors.js';
import { sendDigest } from '../../src/notify/webhook.js';
import { codeFinding, dependencyFinding } from '../report/fixtures.js';
import { fakeServer, reply } from './fake-server.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const findings = [
  codeFinding({ title: 'XSS via <img> & co', lastCommit: 'c0ffee' }),
  dependencyFinding({ severity: 'critical', score: 9.8 }),
  dependencyFinding({ id: 'low-1', severity: 'low', score: undefined }),
];

describe('sendDigest', () => {
  it('posts a JSON digest of the findings at or above minSeverity, most severe first', async () => {
    const server = await fakeServer((_seen, res) => reply(res, 204, ''));
    close = server.close;
    await sendDigest({ url: `${server.url}/hook/SECRET`, format: 'json', findings, runId: 'run-1', minSeverity: 'medium' });
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]?.method).toBe('POST');
    expect(server.seen[0]?.url).toBe('/hook/SECRET');
    expect(server.seen[0]?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(server.seen[0]!.body) as { runId: string; count: number; findings: Array<Record<string, unknown>> };
    expect(body.runId).toBe('run-1');
    expect(body.count).toBe(2);
    expect(body.findings.map((f) => [f.id, f.severity])).toEqual([
      ['dep-lodash-1', 'critical'],
      ['code-xss-1', 'medium'],
    ]);
    expect(body.findings[0]).toMatchObject({
      package: { ecosystem: 'npm', name: 'lodash', version: '4.17.15' },
      vulnerability: { id: 'GHSA-p6mc-m468-83gw', aliases: ['CVE-2020-8203'] },
      fixedVersions: ['4.17.20'],
      location: { path: 'package-lock.json', startLine: 42 },
    });
  });

  it('posts Slack-compatible text with mrkdwn control characters escaped', async () => {
    const server = await fakeServer((_seen, res) => reply(res, 200, 'ok'));
    close = server.close;
    await sendDigest({ url: server.url, format: 'slack', findings, runId: 'run-1' });
    expect(JSON.parse(server.seen[0]!.body)).toEqual({
      text: [
        '*Sieve: 3 new findings* in run run-1',
        '• [critical] web: Prototype pollution in lodash (GHSA-p6mc-m468-83gw in npm lodash@4.17.15)',
        '• [medium] web: XSS via &lt;img&gt; &amp; co (eslint no-unsanitized/property at src/app view.js:10)',
        '• [low] web: Prototype pollution in lodash (GHSA-p6mc-m468-83gw in npm lodash@4.17.15)',
      ].join('\n'),
    });
  });

  it('sends nothing when no finding reaches minSeverity', async () => {
    const server = await fakeServer((_seen, res) => reply(res, 200, 'ok'));
    close = server.close;
    await sendDigest({ url: server.url, format: 'json', findings, runId: 'run-1', minSeverity: 'critical' });
    await sendDigest({ url: server.url, format: 'json', findings: [findings[0]!], runId: 'run-1', minSeverity: 'high' });
    expect(server.seen.map((s) => JSON.parse(s.body).count)).toEqual([1]);
  });

  it('throws a clear error on a non-2xx answer without leaking the URL path', async () => {
    const server = await fakeServer((_seen, res) => reply(res, 500, 'internal trouble'));
    close = server.close;
    const error = await sendDigest({ url: `${server.url}/hook/SECRET`, format: 'json', findings, runId: 'r' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SieveError);
    expect((error as Error).message).toBe(`the webhook at ${new URL(server.url).host} answered 500 Internal Server Error: internal trouble`);
    expect((error as Error).message).not.toContain('SECRET');
  });
});
