import { afterEach, describe, expect, it } from 'vitest';
import { fileIssues } from '../../src/notify/github-issues.js';
import { codeFinding, dependencyFinding } from '../report/fixtures.js';
import { fakeServer, reply } from './fake-server.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const findings = [
  codeFinding({ title: 'Ping @security-team | `x` <b>' }),
  dependencyFinding({ severity: 'critical' }),
  dependencyFinding({ id: 'already', severity: 'high' }),
];

describe('fileIssues', () => {
  it('files one issue per finding, never one already filed', async () => {
    let next = 1;
    const server = await fakeServer((_seen, res) => reply(res, 201, { html_url: `https://issues.example/${next++}` }));
    close = server.close;
    const result = await fileIssues({
      apiUrl: server.url,
      token: 'tok',
      owner: 'example-org',
      repo: 'security',
      findings: [...findings, findings[1]!],
      mode: 'per-finding',
      runId: 'run-7',
      alreadyFiled: new Set(['already']),
    });
    expect(result).toEqual({
      filed: [
        { findingId: 'dep-lodash-1', issueUrl: 'https://issues.example/1' },
        { findingId: 'code-xss-1', issueUrl: 'https://issues.example/2' },
      ],
      errors: [],
    });
    expect(server.seen.map((s) => `${s.method} ${s.url} ${s.headers.authorization}`)).toEqual([
      'POST /repos/example-org/security/issues Bearer tok',
      'POST /repos/example-org/security/issues Bearer tok',
    ]);
    const first = JSON.parse(server.seen[0]!.body) as { title: string; body: string };
    expect(first.title).toBe('[Sieve] critical: GHSA-p6mc-m468-83gw in npm lodash@4.17.15 (web)');
    expect(first.body).toContain('| Fixed in | 4.17.20 |');
    expect(first.body).toContain('| Finding id | dep-lodash-1 |');
    const second = JSON.parse(server.seen[1]!.body) as { title: string; body: string };
    expect(second.body.split('\n')[0]).toBe('**Ping @\u2060security-team \\| \\`x\\` &lt;b&gt;**');
  });

  it('files one digest issue listing every new finding', async () => {
    const server = await fakeServer((_seen, res) => reply(res, 201, { html_url: 'https://issues.example/9' }));
    close = server.close;
    const result = await fileIssues({
      apiUrl: server.url,
      token: 'tok',
      owner: 'o',
      repo: 'r',
      findings,
      mode: 'digest',
      runId: 'run-7',
      alreadyFiled: new Set(['already']),
    });
    expect(result.filed).toEqual([
      { findingId: 'dep-lodash-1', issueUrl: 'https://issues.example/9' },
      { findingId: 'code-xss-1', issueUrl: 'https://issues.example/9' },
    ]);
    expect(server.seen).toHaveLength(1);
    const issue = JSON.parse(server.seen[0]!.body) as { title: string; body: string };
    expect(issue.title).toBe('[Sieve] 2 new findings in run run-7');
    expect(issue.body).not.toContain('| already |');
  });

  it('stops at the first fatal error and reports it', async () => {
    const server = await fakeServer((_seen, res) => reply(res, 403, { message: 'Resource not accessible by integration' }));
    close = server.close;
    const result = await fileIssues({
      apiUrl: server.url,
      token: 'tok',
      owner: 'o',
      repo: 'r',
      findings,
      mode: 'per-finding',
      runId: 'run-7',
      alreadyFiled: new Set(),
    });
    expect(result.filed).toEqual([]);
    expect(result.errors).toEqual([
      'dep-lodash-1: 403, the token may not open issues in o/r (needs issues: write): Resource not accessible by integration',
      '2 more findings not filed after that error',
    ]);
    expect(server.seen).toHaveLength(1);
  });

  it('does nothing when every finding was filed before', async () => {
    const result = await fileIssues({
      apiUrl: 'http://127.0.0.1:9',
      token: 'tok',
      owner: 'o',
      repo: 'r',
      findings,
      mode: 'digest',
      runId: 'r',
      alreadyFiled: new Set(findings.map((f) => f.id)),
    });
    expect(result).toEqual({ filed: [], errors: [] });
  });
});
