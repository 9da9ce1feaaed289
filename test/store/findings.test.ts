import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/types.js';
import { PolicyEngine } from '../../src/policy/evaluate.js';
import { compileRule } from '../../src/policy/rules.js';
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

describe('the one record path (store/record.ts)', () => {
  let store: Store;
  let run = 0;
  beforeEach(() => {
    store = Store.open(join(tempDir(), 'sieve.db'));
  });
  afterEach(() => store.close());

  function record(findings: TargetEvidenceInput['findings'], extra: Partial<TargetEvidenceInput> = {}, policy?: PolicyEngine, day?: number) {
    run += 1;
    const runId = `run-${run}`;
    const at = `2026-11-${String(day ?? run).padStart(2, '0')}T00:00:00.000Z`;
    store.beginRun(runId, at);
    return store.recordTarget({ runId, target: { name: 'app', key: 'app' }, at, startedAt: at, commit: `c${run}`, findings, failures: [], ...extra }, policy);
  }
  const withKey = (finding: Finding, lineKey: string): Finding => ({ ...finding, lineKey });

  it('keeps a code finding when its line hash changed but rule, path and the line text match, taking the nearest line', () => {
    const first = record([
      { finding: withKey(code('no-eval', 'src/a.js', 3), 'eval-line'), codeFingerprint: 'h1:1' },
      { finding: withKey(code('no-eval', 'src/a.js', 30), 'eval-line'), codeFingerprint: 'h2:1' },
    ]);
    const [near, far] = [...first.touched].sort((a, b) => (a.location.startLine ?? 0) - (b.location.startLine ?? 0));
    // An edit on the line below changes the hash of line 3; line 4 is nearer to 3 than to 30.
    const second = record([
      { finding: withKey(code('no-eval', 'src/a.js', 4), 'eval-line'), codeFingerprint: 'h1-edited:1' },
      { finding: withKey(code('no-eval', 'src/a.js', 30), 'eval-line'), codeFingerprint: 'h2:1' },
    ]);
    expect(second.scan.counts).toMatchObject({ new: 0, fixed: 0, unchanged: 2 });
    expect(second.touched.find((finding) => finding.location.startLine === 4)?.id).toBe(near!.id);
    expect(second.touched.find((finding) => finding.location.startLine === 30)?.id).toBe(far!.id);
    // Another rule, or other text on the line, is another finding.
    const third = record([
      { finding: withKey(code('no-implied-eval', 'src/a.js', 4), 'eval-line'), codeFingerprint: 'h3:1' },
      { finding: withKey(code('no-eval', 'src/a.js', 30), 'eval-line'), codeFingerprint: 'h2:1' },
    ]);
    expect(third.scan.counts).toMatchObject({ new: 1, fixed: 1, unchanged: 1 });
  });

  it('fixes a code finding only when its tool spoke in this run', () => {
    record([{ finding: code('no-eval', 'src/a.js', 3), codeFingerprint: 'a:1' }]);
    expect(record([], { tools: ['semgrep'] }).scan.counts.fixed).toBe(0);
    expect(record([], { tools: ['eslint'] }).scan.counts.fixed).toBe(1);
  });

  it('closes a finding whose package did not change as withdrawn, not fixed, and the diff shows it apart', () => {
    record([{ finding: dependency('GHSA-wwww', []) }, { finding: dependency('GHSA-ffff', [], '1.0.0', 'web/package-lock.json') }]);
    const inventory = { lockfiles: new Map([['package-lock.json', ['pkg:npm/lodash@1.0.0']], ['web/package-lock.json', ['pkg:npm/lodash@4.17.21']]]), failed: [] };
    const closed = record([], { inventory });
    expect(closed.scan.counts).toMatchObject({ fixed: 1, withdrawn: 1 });
    const byPath = Object.fromEntries(closed.touched.map((finding) => [finding.location.path, finding.closedReason]));
    expect(byPath).toEqual({ 'package-lock.json': 'withdrawn', 'web/package-lock.json': 'fixed' });
    const events = store.events('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z');
    expect(events.map((event) => `${event.transition} ${event.finding.location.path}`).slice(-2).sort()).toEqual(['fixed web/package-lock.json', 'withdrawn package-lock.json']);
  });

  it('stores the judgement: rules at the run, triage when decided, expiry at the time of reading, one expiry alert', () => {
    const policy = new PolicyEngine([
      compileRule({ id: 'low-eval', action: 'set-severity', severity: 'low', match: { rule: 'no-eval' } }, { file: 'rules.yml', path: 'rules[0]' }, 0),
      compileRule({ id: 'ignore-a', action: 'ignore', reason: 'vendored', until: '2026-11-03', match: { vulnerability: 'GHSA-aaaa' } }, { file: 'rules.yml', path: 'rules[1]' }, 1),
    ]);
    const first = record([{ finding: code('no-eval', 'src/a.js', 3), codeFingerprint: 'a:1' }, { finding: dependency('GHSA-aaaa', []) }], {}, policy, 1);
    expect(first.alerts.map((finding) => finding.rule?.id ?? finding.vulnerability?.id)).toEqual(['no-eval']);
    const at = '2026-11-01T12:00:00.000Z';
    const judged = () => Object.fromEntries(store.judged({ target: 'app' }, at).map((finding) => [finding.rule?.id ?? finding.vulnerability?.id, finding]));
    expect(judged()['no-eval']).toMatchObject({ severity: 'low' });
    expect(judged()['GHSA-aaaa']?.suppression).toMatchObject({ rule: 'ignore-a', reason: 'vendored' });

    const eval_ = judged()['no-eval']!;
    store.triage(eval_.id, { status: 'accepted-risk', reason: 'sandboxed', until: '2026-11-05', by: 'sam', at });
    expect(judged()['no-eval']?.suppression).toMatchObject({ rule: 'triage', reason: 'sandboxed', until: '2026-11-05' });
    expect(store.judged({ target: 'app', suppressed: true }, at)).toHaveLength(2);
    // Read after the decision's day: the same stored judgement reads as lapsed.
    expect(store.judged({ target: 'app' }, '2026-11-06T00:00:00.000Z').find((finding) => finding.id === eval_.id)?.suppression).toBeUndefined();

    const seen = [{ finding: code('no-eval', 'src/a.js', 3), codeFingerprint: 'a:1' }, { finding: dependency('GHSA-aaaa', []) }];
    expect(record(seen, {}, policy, 2).alerts).toEqual([]);
    // Day 4: the ignore rule has expired (through Nov 3): alerts once.
    expect(record(seen, {}, policy, 4).alerts.map((finding) => `${finding.vulnerability?.id} ${finding.newReason}`)).toEqual(['GHSA-aaaa triage-expired']);
    expect(record(seen, {}, policy, 5).alerts).toEqual([]);
    // Day 6: the triage decision has expired: alerts once.
    expect(record(seen, {}, policy, 6).alerts.map((finding) => `${finding.rule?.id} ${finding.newReason}`)).toEqual(['no-eval triage-expired']);
    expect(record(seen, {}, policy, 7).alerts).toEqual([]);
  });
});
