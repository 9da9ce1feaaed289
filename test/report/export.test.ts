import { describe, expect, it } from 'vitest';
import type { FindingEvent } from '../../src/model/records.js';
import { UsageError } from '../../src/model/errors.js';
import { buildDiff, csvField, diffFormats, isDiffFormat, parseSince } from '../../src/report/export.js';
import { codeFinding, dependencyFinding } from './fixtures.js';

const C3 = '3333333333333333333333333333333333333333';
const C4 = '4444444444444444444444444444444444444444';

const lodash = dependencyFinding();
const xss = codeFinding({ lastTransition: 'new', newReason: 'code-change', message: 'plain' });
const minimist = dependencyFinding({
  id: 'dep-minimist-1',
  target: 'api',
  severity: 'critical',
  score: 9.8,
  title: 'Prototype pollution in minimist',
  vulnerability: { id: 'GHSA-xvch-5gv4-984h', aliases: ['CVE-2021-44906'], fixedVersions: ['1.2.6'] },
  package: { ecosystem: 'npm', name: 'minimist', version: '1.2.5', purl: 'pkg:npm/minimist@1.2.5', direct: false, scope: 'dev' },
  location: { path: 'yarn.lock', startLine: 7 },
  firstSeen: '2024-04-01T02:00:00Z',
  lastSeen: '2024-05-12T02:00:00Z',
});
const formula = codeFinding({
  id: 'code-formula-1',
  target: 'api',
  severity: 'low',
  title: '=HYPERLINK("http://x","a, b")',
  rule: { id: 'no-eval', tool: 'eslint' },
  location: { path: 'lib/a|b.js', startLine: 3 },
  firstSeen: '2024-05-14T02:00:00Z',
  lastSeen: '2024-05-14T02:00:00Z',
});

const events: FindingEvent[] = [
  { runId: 'r1', at: '2024-05-02T02:00:00Z', target: 'web', commit: C3, transition: 'new', reason: 'new-target', finding: lodash },
  { runId: 'r2', at: '2024-05-09T02:00:00Z', target: 'web', commit: C3, transition: 'new', reason: 'code-change', finding: xss },
  { runId: 'r3', at: '2024-05-10T02:00:00Z', target: 'web', commit: C4, transition: 'fixed', finding: lodash },
  { runId: 'r4', at: '2024-05-12T02:00:00Z', target: 'api', commit: C4, transition: 'reopened', reason: 'reopened', finding: minimist },
  { runId: 'r5', at: '2024-05-14T02:00:00Z', target: 'api', commit: C4, transition: 'new', reason: 'code-change', finding: formula },
  { runId: 'r6', at: '2024-05-15T00:00:00Z', target: 'api', commit: C4, transition: 'fixed', finding: formula },
];
const openNow = [xss, minimist, formula, codeFinding({ id: 'gone', state: 'fixed' })];
const window = { since: '2024-05-08T00:00:00Z', until: '2024-05-15T00:00:00Z' };

describe('buildDiff', () => {
  const model = buildDiff(events, openNow, window);

  it('keeps the events inside [since, until), by transition, then known exploited, then most severe', () => {
    expect(model.rows.map((row) => [row.target, row.transition, row.id])).toEqual([
      ['web', 'new', 'code-xss-1'],
      ['api', 'new', 'code-formula-1'],
      ['api', 'reopened', 'dep-minimist-1'],
      ['web', 'fixed', 'dep-lodash-1'],
    ]);
    const kev = buildDiff(
      [...events, { runId: 'r5', at: '2024-05-14T03:00:00Z', target: 'api', transition: 'new', reason: 'new-advisory', finding: dependencyFinding({ id: 'dep-kev', target: 'api', severity: 'low', knownExploited: { cve: 'CVE-2020-8203', dateAdded: '2024-01-02' } }) }],
      openNow,
      window,
    );
    expect(kev.rows.map((row) => row.id).slice(0, 3)).toEqual(['dep-kev', 'code-xss-1', 'code-formula-1']);
    expect(kev.rows[0]).toMatchObject({ knownExploited: '2024-01-02', aliases: 'CVE-2020-8203', fixedIn: '4.17.20', title: 'Prototype pollution in lodash' });
    expect(kev.totals.knownExploited).toBe(1);
  });

  it('leaves suppressed findings out of new and reopened, counts them apart, and shows the triage decision', () => {
    const triaged = dependencyFinding({
      id: 'dep-triaged',
      target: 'api',
      triage: { status: 'accepted-risk', reason: 'not reachable', until: '2024-06-01', by: 'sec', at: '2024-05-01T00:00:00Z' },
      suppression: { rule: 'triage', reason: 'not reachable', until: '2024-06-01' },
    });
    const quiet = buildDiff(
      [...events, { runId: 'r5', at: '2024-05-14T03:00:00Z', target: 'api', transition: 'new', finding: triaged }, { runId: 'r6', at: '2024-05-14T04:00:00Z', target: 'api', transition: 'fixed', finding: triaged }],
      [...openNow, triaged],
      window,
    );
    expect(quiet.totals.suppressed).toBe(1);
    expect(quiet.rows.filter((row) => row.id === 'dep-triaged').map((row) => [row.transition, row.triage, row.triageUntil])).toEqual([['fixed', 'accepted-risk: not reachable', '2024-06-01']]);
  });

  it('never repeats the id in a title', () => {
    const repeated = dependencyFinding({
      id: 'dep-nswg',
      title: 'NSWG-ECO-328 in marked@0.3.5: Sanitization bypass',
      vulnerability: { id: 'NSWG-ECO-328', aliases: [], fixedVersions: [] },
      package: { ecosystem: 'npm', name: 'marked', version: '0.3.5', purl: 'pkg:npm/marked@0.3.5', direct: true, scope: 'runtime' },
    });
    const diff = buildDiff([{ runId: 'r', at: '2024-05-09T00:00:00Z', target: 'web', transition: 'new', finding: repeated }], [], window);
    expect(diff.rows[0]?.title).toBe('Sanitization bypass');
    expect(diffFormats.md(diff)).toContain('NSWG-ECO-328: Sanitization bypass');
    expect(diffFormats.md(diff)).not.toContain('NSWG-ECO-328: NSWG-ECO-328');
  });

  it('counts per target and severity, with the still-open count', () => {
    expect(model.totals).toEqual({ new: 2, reopened: 1, fixed: 1, withdrawn: 0, open: 3, suppressed: 0, knownExploited: 0 });
    expect(model.summary).toEqual([
      { target: 'api', severity: 'critical', new: 0, reopened: 1, fixed: 0, withdrawn: 0, open: 1, suppressed: 0 },
      { target: 'api', severity: 'low', new: 1, reopened: 0, fixed: 0, withdrawn: 0, open: 1, suppressed: 0 },
      { target: 'web', severity: 'high', new: 0, reopened: 0, fixed: 1, withdrawn: 0, open: 0, suppressed: 0 },
      { target: 'web', severity: 'medium', new: 1, reopened: 0, fixed: 0, withdrawn: 0, open: 1, suppressed: 0 },
    ]);
  });

  it('shows withdrawn advisories apart from fixes, and leaves suppressed findings out of new and open', () => {
    const withdrawn = buildDiff(
      [
        { ...events[2]!, transition: 'withdrawn' },
        { ...events[1]!, finding: { ...xss, suppression: { rule: 'triage', reason: 'sandboxed' } } },
      ],
      [{ ...xss, suppression: { rule: 'triage', reason: 'sandboxed' } }],
      window,
    );
    expect(withdrawn.rows.map((row) => row.transition)).toEqual(['withdrawn']);
    expect(withdrawn.totals).toMatchObject({ fixed: 0, withdrawn: 1, open: 0, suppressed: 1 });
    expect(diffFormats.md(withdrawn)).toContain('## Withdrawn advisories (not fixes) (1)');
  });

  it('writes CSV per RFC 4180 with formula cells neutralised, with aliases, fix, KEV, triage and why-new columns', () => {
    expect(diffFormats.csv(model).split('\r\n')).toEqual([
      'transition,at,target,severity,known_exploited,kind,id,title,vulnerability_or_rule,aliases,package,location,fixed_in,triage,triage_until,reason,first_seen,last_seen,commit',
      `new,2024-05-09T02:00:00Z,web,medium,,code,code-xss-1,Unsafe innerHTML assignment,eslint/no-unsanitized/property,,,src/app view.js:10,,,,code-change,2024-05-08T02:00:00Z,2024-05-14T02:00:00Z,${C3}`,
      `new,2024-05-14T02:00:00Z,api,low,,code,code-formula-1,"'=HYPERLINK(""http://x"",""a, b"")",eslint/no-eval,,,lib/a|b.js:3,,,,code-change,2024-05-14T02:00:00Z,2024-05-14T02:00:00Z,${C4}`,
      `reopened,2024-05-12T02:00:00Z,api,critical,,dependency,dep-minimist-1,Prototype pollution in minimist,GHSA-xvch-5gv4-984h,CVE-2021-44906,npm minimist@1.2.5,yarn.lock:7,1.2.6,,,reopened,2024-04-01T02:00:00Z,2024-05-12T02:00:00Z,${C4}`,
      `fixed,2024-05-10T02:00:00Z,web,high,,dependency,dep-lodash-1,Prototype pollution in lodash,GHSA-p6mc-m468-83gw,CVE-2020-8203,npm lodash@4.17.15,package-lock.json:42,4.17.20,,,,2024-05-01T02:00:00Z,2024-05-14T02:00:00Z,${C4}`,
      '',
    ]);
  });

  it('escapes CSV fields and neutralises every formula prefix', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx'].map(csvField)).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx"]);
  });

  it('writes JSON that parses back to the model', () => {
    expect(JSON.parse(diffFormats.json(model))).toEqual(model);
  });

  it('writes Markdown with escaped cells', () => {
    const text = diffFormats.md(model);
    expect(text.split('\n').slice(0, 8)).toEqual([
      '# Sieve weekly diff',
      '',
      'From 2024-05-08T00:00:00Z to 2024-05-15T00:00:00Z. New means alerting: new or reopened, and not suppressed by triage or policy.',
      '',
      '| New | Reopened | Fixed | Withdrawn | Open now | Suppressed | Known exploited |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      '| 2 | 1 | 1 | 0 | 3 | 0 | 0 |',
      '',
    ]);
    const summary = text.split('\n');
    const at = summary.indexOf('## By target and severity');
    expect(summary.slice(at, at + 9)).toEqual([
      '## By target and severity',
      '',
      '| Target | Severity | New | Reopened | Fixed | Withdrawn | Open now | Suppressed |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      '| api | critical | 0 | 1 | 0 | 0 | 1 | 0 |',
      '| api | low | 1 | 0 | 0 | 0 | 1 | 0 |',
      '| web | high | 0 | 0 | 1 | 0 | 0 | 0 |',
      '| web | medium | 1 | 0 | 0 | 0 | 1 | 0 |',
      '',
    ]);
    expect(text).toContain(
      '| low | api | eslint/no-eval: =HYPERLINK("http://x","a, b") |  | lib/a\\|b.js:3 |  |  | code-change | 2024-05-14T02:00:00Z | code-formula-1 |',
    );
    expect(text).toContain('## Fixed (1)');
    expect(text).toContain('## What to upgrade');
  });

  it('writes a self-contained HTML page with everything escaped', () => {
    const withScript = buildDiff(
      [{ ...events[1]!, finding: { ...xss, title: '<script>alert(1)</script>' } }],
      [],
      window,
    );
    const page = diffFormats.html(withScript);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script');
    expect(page).not.toMatch(/(src|href)="https?:/);
    expect(page).toContain('<h2 id="new">New (1)</h2>');
    expect(page).toContain('sev sev-medium');
  });

  it('knows its format names', () => {
    expect(Object.keys(diffFormats)).toEqual(['csv', 'json', 'md', 'html']);
    expect(isDiffFormat('csv')).toBe(true);
    expect(isDiffFormat('toString')).toBe(false);
  });
});

describe('parseSince', () => {
  const now = new Date('2024-05-15T12:00:00Z');
  it.each([
    ['7d', '2024-05-08T12:00:00.000Z'],
    ['2w', '2024-05-01T12:00:00.000Z'],
    ['24h', '2024-05-14T12:00:00.000Z'],
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T06:30:00+02:00', '2024-05-01T04:30:00.000Z'],
    ['2024-05-01T06:30:00Z', '2024-05-01T06:30:00.000Z'],
  ])('reads %s', (value, expected) => {
    expect(parseSince(value, now).toISOString()).toBe(expected);
  });

  it.each(['yesterday', '7', '2024-02-30', '2024-05-01T06:30', '-7d', ''])('refuses %j with a usage error', (value) => {
    expect(() => parseSince(value, now)).toThrow(UsageError);
  });
});
