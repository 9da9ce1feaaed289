/** Figures for the report writers at fleet scale: SARIF with cuts, the weekly diff, the dashboard. */
import type { FindingEvent, StoredFinding } from '../src/model/records.js';
import type { Severity } from '../src/model/types.js';
import { codeScanningSarif } from '../src/report/code-scanning.js';
import { buildDiff, diffFormats } from '../src/report/export.js';
import { renderSite } from '../src/report/site/index.js';

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'unknown'];

function finding(index: number, target: string): StoredFinding {
  const dependency = index % 2 === 0;
  return {
    id: `f-${target}-${index}`,
    kind: dependency ? 'dependency' : 'code',
    source: dependency ? 'osv' : 'eslint',
    severity: SEVERITIES[index % SEVERITIES.length]!,
    title: `Finding number ${index} with <b>markup</b>`,
    message: `Message ${index}`,
    location: { path: dependency ? `pkg${index % 5}/package-lock.json` : `src/file${index % 300}.js`, startLine: (index % 900) + 1 },
    cwes: ['CWE-79'],
    ...(dependency
      ? {
          vulnerability: { id: `GHSA-${index % 400}`, aliases: [`CVE-2024-${index}`], fixedVersions: ['2.0.0'], affectedRanges: ['introduced 0, fixed 2.0.0'] },
          package: { ecosystem: 'npm' as const, name: `pkg-${index % 700}`, version: '1.0.0', purl: `pkg:npm/pkg-${index % 700}@1.0.0`, direct: false, scope: 'runtime' as const },
        }
      : { rule: { id: `rule-${index % 50}`, tool: 'eslint' }, fingerprints: { 'primaryLocationLineHash/v1': `${index}:1` } }),
    target,
    state: 'open',
    firstSeen: '2024-05-01T02:00:00Z',
    lastSeen: '2024-05-14T02:00:00Z',
    lastCommit: 'a'.repeat(40),
    lastTransition: index % 3 === 0 ? 'new' : 'unchanged',
  };
}

function time<T>(label: string, fn: () => T): T {
  const start = performance.now();
  const result = fn();
  console.log(`${label}: ${(performance.now() - start).toFixed(0)} ms`);
  return result;
}

export async function bench(): Promise<void> {
  const many = Array.from({ length: 40_000 }, (_, index) => finding(index, 'web'));
  const { log, cut } = time('report: code-scanning SARIF, 40,000 open findings', () =>
    codeScanningSarif({ target: 'web', findings: many, tools: { eslint: '9' }, retiredCategories: [] }),
  );
  const text = JSON.stringify(log);
  console.log(`report: SARIF ${log.runs.length} runs, ${log.runs.reduce((n, r) => n + (r.results?.length ?? 0), 0)} results, ${(text.length / 1e6).toFixed(1)} MB, cut ${cut.reduce((n, c) => n + c.dropped, 0)}`);

  const events: FindingEvent[] = many.map((f, index) => ({
    runId: `r${index % 14}`,
    at: new Date(Date.parse('2024-05-01T02:00:00Z') + (index % 14) * 86_400_000).toISOString(),
    target: `t${index % 100}`,
    transition: (['new', 'fixed', 'reopened'] as const)[index % 3]!,
    finding: f,
  }));
  const model = time('report: weekly diff model, 40,000 events', () =>
    buildDiff(events, many, { since: '2024-05-07T00:00:00Z', until: '2024-05-15T00:00:00Z' }),
  );
  for (const format of ['csv', 'md', 'html'] as const) {
    const out = time(`report: weekly diff ${format}, ${model.rows.length} rows`, () => diffFormats[format](model));
    console.log(`report: weekly diff ${format} size ${(out.length / 1e6).toFixed(1)} MB`);
  }

  const targets = Array.from({ length: 100 }, (_, t) => ({
    name: `org/repo-${t}`,
    repo: `https://github.com/org/repo-${t}.git`,
    history: [],
    open: Array.from({ length: 200 }, (_, index) => finding(index, `org/repo-${t}`)),
    newThisWeek: t % 7,
  }));
  const files = time('report: dashboard, 100 targets x 200 open findings', () =>
    renderSite({ generatedAt: '2024-05-14T06:00:00Z', targets, trend: [{ at: '2024-05-01T00:00:00Z', open: 5 }] }),
  );
  console.log(`report: dashboard ${files.size} files, ${([...files.values()].reduce((n, f) => n + f.length, 0) / 1e6).toFixed(1)} MB`);
}
