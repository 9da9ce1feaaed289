/**
 * Exactly-once alerts under SIGKILL: a real scan is killed at several points (inside recording,
 * after 1, 3 and 5 of 5 targets; while a webhook request is in flight), then one complete run.
 * Every finding must reach exactly one new.json and the webhook exactly once (deduplicated by the
 * delivery's Idempotency-Key, as a receiver would), and nothing may be marked fixed.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedDir, sieve, sieveAsync, sieveBin } from '../helpers/cli.js';
import { TestRepo, tempDir } from '../helpers/git.js';
import { fakeServer } from '../notify/fake-server.js';

const PACKAGES: Array<Record<string, string>> = [
  { semver: '4.3.0', lodash: '4.17.4' },
  { moment: '2.11.0', minimist: '0.0.8' },
  { qs: '0.6.0', ms: '0.7.0' },
  { lodash: '4.17.4', moment: '2.11.0' },
  { semver: '4.3.0', qs: '0.6.0' },
];

function lock(packages: Record<string, string>): string {
  const entries = Object.fromEntries(Object.entries(packages).map(([name, version]) => [`node_modules/${name}`, { version }]));
  return JSON.stringify({ name: 'x', lockfileVersion: 3, packages: { '': { name: 'x', dependencies: packages }, ...entries } });
}

const root = tempDir('sieve-kill-');
let config = '';
let hold = false;
const held: ServerResponse[] = [];
let onRequest: () => void = () => {};
let server: Awaited<ReturnType<typeof fakeServer>>;

beforeAll(async () => {
  server = await fakeServer((_seen, res) => {
    onRequest();
    if (hold) held.push(res);
    else res.writeHead(204).end();
  });
  const targets = PACKAGES.map((packages, index) => {
    const repo = new TestRepo(root, `t${index}`).write({ 'package-lock.json': lock(packages) });
    repo.commit('lockfile');
    return { name: `t${index}`, repo: repo.url };
  });
  config = join(root, 'scan-targets.json');
  writeFileSync(config, JSON.stringify({ notify: { webhooks: [{ url: `${server.url}/hook` }] }, targets }));
});
afterAll(async () => {
  for (const res of held) res.destroy();
  await server.close();
});

function scanArgs(home: string): string[] {
  return [sieveBin, '--json', '--home', home, 'scan', '--targets', config, '--osv-db', join(sharedDir, 'osv-db'), '--concurrency', '1'];
}

/** Runs a scan (or other args) and SIGKILLs it when `when` says so, given each log line (or a webhook request). */
function killedScan(home: string, when: { afterTargets?: number; onWebhook?: boolean }, args = scanArgs(home)): Promise<{ signal: string | null; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    let scanned = 0;
    const kill = () => child.kill('SIGKILL');
    if (when.onWebhook) {
      hold = true;
      onRequest = kill;
    }
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      scanned = log.split('\n').filter((line) => line.includes('"msg":"target scanned"')).length;
      if (when.afterTargets !== undefined && scanned >= when.afterTargets) kill();
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      hold = false;
      onRequest = () => {};
      resolve({ signal, log });
    });
  });
}

function alertsInNewJson(home: string): string[] {
  const runs = join(home, 'runs');
  return readdirSync(runs)
    .map((run) => join(runs, run, 'new.json'))
    .filter((file) => existsSync(file))
    .flatMap((file) => (JSON.parse(readFileSync(file, 'utf8')) as Array<{ id: string }>).map((finding) => finding.id));
}

function findingIds(home: string, state: string): string[] {
  return (JSON.parse(sieve(['findings', '--home', home, '--state', state, '--format', 'json']).stdout) as Array<{ id: string }>).map((finding) => finding.id).sort();
}

/** What the webhook received, a request counted once per Idempotency-Key. */
function webhookAlerts(from: number): { findings: string[]; requests: number } {
  const seen = new Set<string>();
  const findings: string[] = [];
  const requests = server.seen.slice(from);
  for (const request of requests) {
    const key = String(request.headers['idempotency-key']);
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(...(JSON.parse(request.body) as { findings: Array<{ id: string }> }).findings.map((finding) => finding.id));
  }
  return { findings: findings.sort(), requests: requests.length };
}

describe('a scan killed at any moment, then one complete run', () => {
  let everything: string[] = [];

  it('baseline: one uninterrupted run alerts every finding once', async () => {
    const home = join(root, 'baseline');
    const from = server.seen.length;
    // Async: the webhook server answers from this process.
    const result = await sieveAsync(scanArgs(home).slice(1), { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    everything = findingIds(home, 'open');
    expect(everything.length).toBeGreaterThanOrEqual(10);
    expect(alertsInNewJson(home).sort()).toEqual(everything);
    expect(webhookAlerts(from).findings).toEqual(everything);
  });

  it.each([1, 3, 5])('killed after %i of 5 targets were recorded', async (afterTargets) => {
    const home = join(root, `after-${afterTargets}`);
    const from = server.seen.length;
    const killed = await killedScan(home, { afterTargets });
    expect(killed.signal).toBe('SIGKILL');
    const result = await sieveAsync(scanArgs(home).slice(1), { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    expect(findingIds(home, 'open')).toEqual(everything);
    expect(findingIds(home, 'fixed')).toEqual([]);
    const alerts = alertsInNewJson(home);
    expect(alerts.sort()).toEqual(everything);
    expect(new Set(alerts).size).toBe(alerts.length);
    expect(webhookAlerts(from).findings).toEqual(everything);
  });

  it('killed while a webhook request is in flight: the next run re-sends that delivery only, with the same key', async () => {
    const home = join(root, 'in-delivery');
    const from = server.seen.length;
    const killed = await killedScan(home, { onWebhook: true });
    expect(killed.signal).toBe('SIGKILL');
    // The killed run had written its new.json before it notified: its alerts are delivered there.
    expect(alertsInNewJson(home).sort()).toEqual(everything);
    const inFlight = server.seen.length - from;
    expect(inFlight).toBe(1);
    const result = await sieveAsync(scanArgs(home).slice(1), { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    expect(alertsInNewJson(home).sort()).toEqual(everything);
    expect(findingIds(home, 'fixed')).toEqual([]);
    const received = webhookAlerts(from);
    expect(received.findings).toEqual(everything);
    // One request per target; only the one in flight was sent twice.
    expect(received.requests).toBe(PACKAGES.length + 1);
    const keys = server.seen.slice(from).map((request) => request.headers['idempotency-key']);
    expect(keys[1]).toBe(keys[0]);
  });

  it('the same in merge: killed after 2 of 5 targets, then merged again', async () => {
    const shardHome = join(root, 'shard');
    const shard = await sieveAsync([...scanArgs(shardHome).slice(1), '--shard', '1/1'], { cwd: root });
    expect(shard.code, shard.stderr).toBe(0);
    const bundleDir = join(shardHome, 'runs', readdirSync(join(shardHome, 'runs'))[0]!);
    const home = join(root, 'merged');
    const from = server.seen.length;
    const mergeArgs = [sieveBin, '--json', '--home', home, 'merge', bundleDir];
    expect((await killedScan(home, { afterTargets: 2 }, mergeArgs)).signal).toBe('SIGKILL');
    const result = await sieveAsync(mergeArgs.slice(1), { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    expect(findingIds(home, 'open')).toEqual(everything);
    expect(findingIds(home, 'fixed')).toEqual([]);
    expect(alertsInNewJson(home).sort()).toEqual(everything);
    expect(webhookAlerts(from).findings).toEqual(everything);
  });
});
