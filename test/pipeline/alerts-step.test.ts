import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/types.js';
import { deliverAlerts } from '../../src/pipeline/alerts-step.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/git.js';

function code(ruleId: string, line: number): Finding {
  return { kind: 'code', source: 'eslint', severity: 'medium', title: ruleId, location: { path: 'a.js', startLine: line }, cwes: [], rule: { id: ruleId, tool: 'eslint' } };
}

describe('deliverAlerts: the alert outbox', () => {
  let home: string;
  let store: Store;
  beforeEach(() => {
    home = tempDir();
    store = Store.open(join(home, 'sieve.db'));
  });
  afterEach(() => store.close());

  /** Records a run of the target with these findings and raises its new ones, as a scan does. */
  function record(runId: string, findings: Finding[]) {
    const at = `2026-11-0${runId.slice(-1)}T00:00:00.000Z`;
    store.beginRun(runId, at);
    store.atomically(() => {
      const recorded = store.recordTarget(
        { runId, target: { name: 'app', key: 'app' }, at, startedAt: at, commit: 'c', findings: findings.map((finding) => ({ finding })), failures: [], tools: ['eslint'] },
        undefined,
      );
      store.raiseAlerts(runId, at, recorded.alerts);
    });
  }
  const deliver = (runId: string) => deliverAlerts(store, { home, runDir: join(home, 'runs', runId), runId, at: '2026-11-09T00:00:00.000Z' }).map((finding) => finding.title).sort();
  const newJson = (runId: string) => (JSON.parse(readFileSync(join(home, 'runs', runId, 'new.json'), 'utf8')) as Array<{ title: string }>).map((finding) => finding.title).sort();

  it('delivers each alert in exactly one new.json, including those a killed run raised', () => {
    record('run-1', [code('a', 1), code('b', 2)]);
    // run-1 was killed before delivering: run-2 delivers its alerts and its own.
    record('run-2', [code('a', 1), code('b', 2), code('c', 3)]);
    expect(deliver('run-2')).toEqual(['a', 'b', 'c']);
    expect(newJson('run-2')).toEqual(['a', 'b', 'c']);
    record('run-3', [code('a', 1), code('b', 2), code('c', 3)]);
    expect(deliver('run-3')).toEqual([]);
  });

  it('a run killed after claiming but before writing new.json: the next run delivers its claims', () => {
    record('run-1', [code('a', 1)]);
    store.claimAlerts('run-1');
    expect(existsSync(join(home, 'runs', 'run-1', 'new.json'))).toBe(false);
    record('run-2', [code('a', 1), code('b', 2)]);
    expect(deliver('run-2')).toEqual(['a', 'b']);
  });

  it('a run killed after writing new.json but before confirming: its alerts count as delivered', () => {
    record('run-1', [code('a', 1)]);
    store.claimAlerts('run-1');
    mkdirSync(join(home, 'runs', 'run-1'), { recursive: true });
    writeFileSync(join(home, 'runs', 'run-1', 'new.json'), '[]');
    record('run-2', [code('a', 1), code('b', 2)]);
    expect(deliver('run-2')).toEqual(['b']);
  });

  it('an alert whose finding was fixed before delivery is not announced', () => {
    record('run-1', [code('a', 1), code('b', 2)]);
    record('run-2', [code('b', 2)]);
    expect(deliver('run-2')).toEqual(['b']);
  });
});
