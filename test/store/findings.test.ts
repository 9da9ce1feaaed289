import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/types.js';
import { Store } from '../../src/store/store.js';
import type { TargetEvidenceInput } from '../../src/store/record.js';
import { tempDir } from '../helpers/git.js';

function dependency(id: string, aliases: string[], version = '1.0.0', lockfile = 'package-lock.json'): Finding {
  return {
    kind: 'dependency',
    source: 'osv',
    severity: 'high',
    title: `${id} in lodash@${version}`,
    location: { path: lockfile, startLine: 10 },
    cwes: [],
    package: { ecosystem: 'npm', name: 'lodash', version, purl: `pkg:npm/lodash@${version}`, direct: true, scope: 'runtime' },
    vulnerability: { id, aliases, fixedVersions: ['4.17.21'] },
  };
}

function code(ruleId: string, path: string, line: number): Finding {
  return { kind: 'code', source: 'eslint', severity: 'medium', title: ruleId, location: { path, startLine: line }, cwes: [], rule: { id: ruleId, tool: 'eslint' } };
}

describe('store reconcile', () => {
  let store: Store;
  let run = 0;
  beforeEach(() => {
    store = Store.open(join(tempDir(), 'sieve.db'));
  });
  afterEach(() => store.close());

  function reconcile(findings: TargetEvidenceInput['findings'], failures: TargetEvidenceInput['failures'] = [], changedTools: string[] = [], extra: Partial<TargetEvidenceInput> = {}) {
    run += 1;
    const runId = `run-${run}`;
    const at = `2026-11-${String(run).padStart(2, '0')}T00:00:00.000Z`;
    store.beginRun(runId, at);
    return store.recordTarget({ runId, target: { name: 'app', key: 'app' }, at, startedAt: at, commit: `c${run}`, findings, failures, changedTools, ...extra }, undefined).touched;
  }
  const transitions = (touched: ReturnType<typeof reconcile>) => touched.map((finding) => `${finding.vulnerability?.id ?? finding.rule?.id} ${finding.lastTransition}`).sort();

  it('keeps a dependency finding when its advisory gains an alias, and reports it under its first id', () => {
    const first = reconcile([{ finding: dependency('GHSA-aaaa', []) }]);
    expect(transitions(first)).toEqual(['GHSA-aaaa new']);
    const second = reconcile([{ finding: dependency('GHSA-aaaa', ['CVE-2020-1']) }]);
    expect(transitions(second)).toEqual(['GHSA-aaaa unchanged']);
    expect(second[0]?.id).toBe(first[0]?.id);
    expect(second[0]?.vulnerability?.aliases).toEqual(['CVE-2020-1']);
    // The same problem reported under the alias as its primary id is still the same finding.
    const third = reconcile([{ finding: dependency('CVE-2020-1', ['GHSA-aaaa']) }]);
    expect(third[0]?.id).toBe(first[0]?.id);
    expect(third[0]?.vulnerability?.id).toBe('GHSA-aaaa');
    expect(third[0]?.lastTransition).toBe('unchanged');
  });

  it('folds two results that alias each other into one finding', () => {
    const touched = reconcile([{ finding: dependency('GHSA-bbbb', ['CVE-2021-2']) }, { finding: dependency('CVE-2021-2', ['GHSA-bbbb']) }]);
    expect(touched).toHaveLength(1);
  });

  it('keeps the id across a version bump and per lockfile', () => {
    const first = reconcile([{ finding: dependency('GHSA-cccc', [], '1.0.0') }, { finding: dependency('GHSA-cccc', [], '1.0.0', 'web/package-lock.json') }]);
    expect(first).toHaveLength(2);
    const second = reconcile([{ finding: dependency('GHSA-cccc', [], '1.0.1') }, { finding: dependency('GHSA-cccc', [], '1.0.0', 'web/package-lock.json') }]);
    expect(transitions(second)).toEqual(['GHSA-cccc unchanged', 'GHSA-cccc unchanged']);
  });

  it('fixes what is gone, reopens what comes back', () => {
    reconcile([{ finding: dependency('GHSA-dddd', []) }]);
    expect(transitions(reconcile([]))).toEqual(['GHSA-dddd fixed']);
    const back = reconcile([{ finding: dependency('GHSA-dddd', []) }]);
    expect(transitions(back)).toEqual(['GHSA-dddd reopened']);
    expect(back[0]?.newReason).toBe('reopened');
  });

  it('never fixes findings a failed stage covers', () => {
    reconcile([{ finding: dependency('GHSA-eeee', []) }, { finding: code('no-eval', 'src/a.js', 3), codeFingerprint: 'abc:1' }]);
    expect(reconcile([], [{ stage: 'inventory', scope: { kind: 'dependencies', lockfile: 'package-lock.json' }, message: 'broken' }, { stage: 'analyzer', scope: { kind: 'code', tools: ['eslint'] }, message: 'crashed' }])).toEqual([]);
    expect(reconcile([], [{ stage: 'osv', scope: { kind: 'dependencies', ecosystem: 'npm' }, message: 'no data' }, { stage: 'sarif', scope: { kind: 'code' }, message: 'bad log' }])).toEqual([]);
    expect(reconcile([], [{ stage: 'checkout', scope: { kind: 'target' }, message: 'clone failed' }])).toEqual([]);
    // A package whose version could not be judged keeps its own findings, and only those.
    const narrowed = reconcile([], [
      { stage: 'osv', scope: { kind: 'dependencies', lockfile: 'package-lock.json', package: 'lodash' }, message: 'unreadable version' },
      { stage: 'analyzer', scope: { kind: 'code', tools: ['eslint'] }, message: 'crashed' },
    ]);
    expect(narrowed).toEqual([]);
    const otherPackage = reconcile([], [
      { stage: 'osv', scope: { kind: 'dependencies', lockfile: 'package-lock.json', package: 'left-pad' }, message: 'unreadable version' },
      { stage: 'analyzer', scope: { kind: 'code', tools: ['eslint'] }, message: 'crashed' },
    ]);
    expect(transitions(otherPackage)).toEqual(['GHSA-eeee fixed']);
    reconcile([{ finding: dependency('GHSA-eeee', []) }, { finding: code('no-eval', 'src/a.js', 3), codeFingerprint: 'abc:1' }]);
    // A failure elsewhere protects nothing here.
    const touched = reconcile([], [{ stage: 'inventory', scope: { kind: 'dependencies', lockfile: 'other/package-lock.json' }, message: 'broken' }]);
    expect(transitions(touched)).toEqual(['GHSA-eeee fixed', 'no-eval fixed']);
    expect(store.findings({ target: 'app', state: 'open' })).toEqual([]);
  });

  it('names code findings by fingerprint, not by line', () => {
    const first = reconcile([{ finding: code('no-eval', 'src/a.js', 3), codeFingerprint: 'abc:1' }]);
    const moved = reconcile([{ finding: code('no-eval', 'src/a.js', 9), codeFingerprint: 'abc:1' }]);
    expect(moved[0]?.id).toBe(first[0]?.id);
    expect(moved[0]?.lastTransition).toBe('unchanged');
    expect(moved[0]?.location.startLine).toBe(9);
  });

  it('says why a finding is new', () => {
    expect(reconcile([{ finding: code('no-eval', 'src/a.js', 3), codeFingerprint: 'a:1' }])[0]?.newReason).toBe('new-target');
    const later = reconcile([
      { finding: code('no-eval', 'src/a.js', 3), codeFingerprint: 'a:1' },
      { finding: code('no-eval', 'src/b.js', 3), codeFingerprint: 'b:1' },
      { finding: code('no-implied-eval', 'src/a.js', 4), codeFingerprint: 'a2:1' },
    ], [], ['eslint']);
    expect(later.filter((finding) => finding.lastTransition === 'new').map((finding) => finding.newReason)).toEqual(['tool-change', 'tool-change']);
    const plain = reconcile([{ finding: code('no-eval', 'src/c.js', 1), codeFingerprint: 'c:1' }]);
    expect(plain.find((finding) => finding.lastTransition === 'new')?.newReason).toBe('code-change');
  });

  it('records transitions as events for the weekly diff', () => {
    reconcile([{ finding: dependency('GHSA-ffff', []) }]);
    reconcile([]);
    const events = store.events('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z');
    expect(events.map((event) => `${event.transition} ${event.finding.vulnerability?.id}`)).toEqual(['new GHSA-ffff', 'fixed GHSA-ffff']);
  });
});
