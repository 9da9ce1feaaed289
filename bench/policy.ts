/**
 * Time to apply 1,000 rules to 100,000 findings, and to read the store's judged view of 100,000
 * findings recorded with those rules (goal for each: under 1 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredFinding } from '../src/model/records.js';
import { Store } from '../src/store/store.js';
import { PolicyEngine } from '../src/policy/evaluate.js';
import { compileRule, type RawRule } from '../src/policy/rules.js';

function findings(count: number): StoredFinding[] {
  const out: StoredFinding[] = [];
  for (let i = 0; i < count; i += 1) {
    const base = { id: `f${i}`, target: 'app', state: 'open' as const, firstSeen: '2026-11-01T00:00:00Z', lastSeen: '2026-11-01T00:00:00Z', lastTransition: 'new' as const };
    if (i % 4 === 0) {
      out.push({ ...base, kind: 'code', source: 'codeql', severity: 'medium', title: 't', location: { path: `src/module-${i % 500}/file-${i}.js`, startLine: 3 }, cwes: [i % 8 === 0 ? 'external/cwe/cwe-089' : 'CWE-79'], rule: { id: `js/rule-${i % 200}`, tool: 'CodeQL' } });
    } else {
      const name = `pkg-${i % 5000}`;
      out.push({
        ...base,
        kind: 'dependency',
        source: 'osv',
        severity: 'high',
        title: 't',
        location: { path: i % 3 === 0 ? 'package-lock.json' : `packages/p${i % 50}/package-lock.json` },
        cwes: ['CWE-1321'],
        vulnerability: { id: `GHSA-${i % 20000}`, aliases: [`CVE-2026-${i % 20000}`], fixedVersions: [] },
        package: { ecosystem: 'npm', name, version: '1.0.0', purl: `pkg:npm/${name}@1.0.0`, direct: i % 2 === 0, scope: i % 5 === 0 ? 'dev' : 'runtime' },
      });
    }
  }
  return out;
}

function rules(count: number): RawRule[] {
  const out: RawRule[] = [];
  for (let i = 0; i < count; i += 1) {
    if (i % 10 < 5) out.push({ id: `vuln-${i}`, action: 'ignore', reason: 'r', until: '2027-01-01', match: { vulnerability: `CVE-2026-${i * 7}` } });
    else if (i % 10 < 8) out.push({ id: `pkg-${i}`, action: 'set-severity', severity: 'low', match: { package: `pkg:npm/pkg-${i * 3}` } });
    else if (i % 10 < 9) out.push({ id: `rule-${i}`, action: 'ignore', reason: 'r', match: { rule: `js/rule-${i % 200}`, path: 'src/module-1*/**' } });
    else out.push({ id: `glob-${i}`, action: 'ignore', reason: 'r', match: { path: `vendor-${i}/**`, kind: 'code' } });
  }
  out.push({ id: 'injection-only', action: 'alert-only-on', match: { kind: 'code' }, when: { category: 'injection' } });
  return out;
}

export async function bench(): Promise<void> {
  const input = findings(100_000);
  const raw = rules(999);
  const compileStart = performance.now();
  const engine = new PolicyEngine(raw.map((rule, index) => compileRule(rule, { file: 'bench', path: `rules[${index}]` }, index)));
  const compileMs = performance.now() - compileStart;
  const times: number[] = [];
  let suppressed = 0;
  for (let round = 0; round < 3; round += 1) {
    const start = performance.now();
    const verdicts = engine.judge({ name: 'app', key: 'app' }, input, '2026-11-02T00:00:00Z');
    times.push(performance.now() - start);
    suppressed = verdicts.filter((verdict) => verdict.finding.suppression).length;
  }
  console.log(
    `policy: ${raw.length} rules x ${input.length} findings: first run ${times[0]!.toFixed(0)} ms, best of 3 ${Math.min(...times).toFixed(0)} ms (compile ${compileMs.toFixed(0)} ms; ${suppressed} suppressed; goal < 1000 ms)`,
  );
  await judgedQuery(input, engine);
}

/** The one record path stores 100,000 judged findings; then the judged query every output reads. */
async function judgedQuery(input: StoredFinding[], engine: PolicyEngine): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sieve-bench-judged-'));
  const store = Store.open(join(dir, 'sieve.db'));
  try {
    const at = '2026-11-02T00:00:00Z';
    store.beginRun('bench', at);
    const recordStart = performance.now();
    // One lockfile per dependency finding, so none of the 100,000 fold into another.
    const incoming = input.map(({ id: _id, target: _target, state: _state, firstSeen: _f, lastSeen: _l, lastTransition: _t, ...finding }, index) =>
      finding.kind === 'code'
        ? { finding, codeFingerprint: `line:${index}` }
        : { finding: { ...finding, location: { path: `packages/p${index}/package-lock.json` } } },
    );
    const recorded = store.recordTarget({ runId: 'bench', target: { name: 'app', key: 'app' }, at, startedAt: at, findings: incoming, failures: [] }, engine);
    const recordMs = performance.now() - recordStart;
    const times: number[] = [];
    let count = 0;
    let suppressed = 0;
    for (let round = 0; round < 3; round += 1) {
      const start = performance.now();
      const judged = store.judged({}, at);
      times.push(performance.now() - start);
      count = judged.length;
      suppressed = judged.filter((finding) => finding.suppression).length;
    }
    console.log(
      `judged query: ${count} findings recorded with ${engine.rules.length} rules: first read ${times[0]!.toFixed(0)} ms, best of 3 ${Math.min(...times).toFixed(0)} ms (${suppressed} suppressed; recording took ${(recordMs / 1000).toFixed(1)} s for ${recorded.scan.counts.new} new; goal < 1000 ms)`,
    );
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
