/**
 * The Monday views at fleet scale: 100 targets x 200 open findings with a year of nightly history.
 * Goals: the dashboard and the weekly diff each render in under 1 s; the fleet remediation plan
 * is computed in under 0.2 s.
 */
import type { FindingEvent, StoredFinding, TargetScanRecord } from '../src/model/records.js';
import type { Severity } from '../src/model/types.js';
import { planRemediation } from '../src/osv/remediation.js';
import { buildDiff, diffFormats } from '../src/report/export.js';
import { renderSite, type SiteModel } from '../src/report/site/index.js';

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'unknown'];
const TARGETS = 100;
const PER_TARGET = 200;
const DAYS = 365;
const NOW = Date.parse('2026-11-30T06:00:00Z');
const DAY = 86_400_000;

function finding(index: number, target: string): StoredFinding {
  const dependency = index % 4 !== 0;
  const pkg = index % 150;
  const fixed = `${2 + (index % 3)}.${index % 7}.0`;
  return {
    id: `f-${target}-${index}`,
    kind: dependency ? 'dependency' : 'code',
    source: dependency ? 'osv' : 'semgrep',
    severity: SEVERITIES[index % SEVERITIES.length]!,
    score: index % 10,
    title: dependency ? `GHSA-${index % 400} in pkg-${pkg}@1.${index % 5}.0: Prototype pollution <b>${index}</b>` : `Command injection ${index}`,
    location: { path: dependency ? `svc${index % 5}/package-lock.json` : `src/file${index % 300}.js`, startLine: (index % 900) + 1 },
    cwes: ['CWE-78'],
    ...(dependency
      ? {
          vulnerability: {
            id: `GHSA-${index % 400}`,
            aliases: [`CVE-2025-${10_000 + (index % 400)}`],
            fixedVersions: [fixed],
            affectedRanges: [`SEMVER: introduced 0, fixed ${fixed}`],
          },
          package: { ecosystem: 'npm' as const, name: `pkg-${pkg}`, version: `1.${index % 5}.0`, purl: `pkg:npm/pkg-${pkg}@1.${index % 5}.0`, direct: index % 2 === 0, scope: 'runtime' as const },
        }
      : { rule: { id: `rule-${index % 50}`, tool: 'semgrep' } }),
    ...(index % 97 === 0 ? { knownExploited: { cve: `CVE-2025-${10_000 + (index % 400)}`, dateAdded: '2025-06-01' } } : {}),
    target,
    state: 'open',
    firstSeen: new Date(NOW - (index % DAYS) * DAY).toISOString(),
    lastSeen: new Date(NOW - DAY).toISOString(),
    lastCommit: 'a'.repeat(40),
    lastTransition: index % 3 === 0 ? 'new' : 'unchanged',
  };
}

function time<T>(label: string, goalMs: number, fn: () => T): T {
  const start = performance.now();
  const result = fn();
  const ms = performance.now() - start;
  console.log(`views: ${label}: ${ms.toFixed(0)} ms (goal < ${goalMs} ms)${ms > goalMs ? ' OVER GOAL' : ''}`);
  return result;
}

export async function bench(): Promise<void> {
  const names = Array.from({ length: TARGETS }, (_, t) => `org/repo-${t}`);
  const open = new Map(names.map((name) => [name, Array.from({ length: PER_TARGET }, (_, index) => finding(index + names.indexOf(name), name))]));
  const all = [...open.values()].flat();
  // A year of nightly scans per target, and the year's transitions (new, fixed, reopened) over the fleet.
  const history = (name: string): TargetScanRecord[] =>
    Array.from({ length: DAYS }, (_, day) => {
      const at = new Date(NOW - (DAYS - day) * DAY).toISOString();
      return { runId: `run-${day}`, target: name, commit: 'b'.repeat(40), status: 'ok', startedAt: at, finishedAt: at, errors: [], counts: { new: day % 4, unchanged: PER_TARGET, fixed: day % 3, reopened: day % 5 === 0 ? 1 : 0, withdrawn: 0, suppressed: 0, open: PER_TARGET } };
    });
  const events: FindingEvent[] = all.flatMap((f, index) =>
    Array.from({ length: 3 }, (_, k) => ({
      runId: `run-${(index + k * 120) % DAYS}`,
      at: new Date(NOW - ((index + k * 120) % DAYS) * DAY - 3_600_000).toISOString(),
      target: f.target,
      transition: (['new', 'fixed', 'reopened'] as const)[k]!,
      finding: f,
    })),
  );
  const since = new Date(NOW - 7 * DAY).toISOString();
  const until = new Date(NOW).toISOString();
  const recent = events.filter((event) => event.at >= since);

  const plan = time(`fleet remediation plan, ${all.length} open findings`, 200, () => planRemediation(all));
  console.log(`views: plan has ${plan.length} packages; first: ${plan[0]?.name} to ${plan[0]?.version}`);

  const model: SiteModel = {
    generatedAt: until,
    since,
    targets: names.map((name) => ({
      name,
      repo: `https://github.com/${name}.git`,
      latest: history(name).at(-1),
      history: history(name),
      open: open.get(name)!,
      newThisWeek: recent.filter((event) => event.target === name && event.transition !== 'fixed').length,
      remediation: planRemediation(open.get(name)!),
    })),
    trend: Array.from({ length: DAYS }, (_, day) => ({ at: new Date(NOW - (DAYS - day) * DAY).toISOString(), open: TARGETS * PER_TARGET })),
    trendBySeverity: Array.from({ length: DAYS }, (_, day) => ({
      at: new Date(NOW - (DAYS - day) * DAY).toISOString(),
      counts: { critical: 4000 + day, high: 4000, medium: 4000, low: 4000, unknown: 4000 - day },
    })),
    changes: recent,
    remediation: plan,
    staleAfterHours: 36,
    osv: { source: 'offline', ecosystems: [{ ecosystem: 'npm', records: 3000, lastModified: '2020-06-01T00:00:00Z' }], maxAgeDays: 14 },
  };
  if (process.env.SIEVE_BENCH_PARTS) {
    const { indexPage, searchPage, targetPage } = await import('../src/report/site/templates.js');
    const slugs = new Map(names.map((name) => [name, name.replace('/', '-')]));
    for (let i = 0; i < 3; i += 1) {
      time('index', 1000, () => indexPage(model, slugs));
      time('search', 1000, () => searchPage(model, slugs));
      time('targets', 1000, () => model.targets.map((target) => targetPage(target, model.generatedAt)));
    }
  }
  const files = time(`dashboard, ${TARGETS} targets x ${PER_TARGET} open findings, ${DAYS} days of history (first, cold)`, 1000, () => renderSite(model));
  // `sieve report` renders once per process, so the cold figure is the one users wait for; the warm one shows the work itself.
  time('dashboard again (warm)', 1000, () => renderSite(model));
  console.log(`views: dashboard ${files.size} files, ${([...files.values()].reduce((n, f) => n + f.length, 0) / 1e6).toFixed(1)} MB`);

  const diff = time(`weekly diff model, ${events.length} events in the year`, 1000, () => buildDiff(events, all, { since, until }, { remediation: plan }));
  for (const format of ['html', 'md', 'csv'] as const) {
    const text = time(`weekly diff ${format}, ${diff.rows.length} rows`, 1000, () => diffFormats[format](diff));
    console.log(`views: weekly diff ${format} ${(text.length / 1e6).toFixed(1)} MB`);
  }
}
