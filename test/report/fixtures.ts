/** StoredFinding / TargetScanRecord builders shared by the report tests. */
import type { StoredFinding, TargetScanRecord } from '../../src/model/records.js';

export function dependencyFinding(overrides: Partial<StoredFinding> = {}): StoredFinding {
  return {
    id: 'dep-lodash-1',
    kind: 'dependency',
    source: 'osv',
    severity: 'high',
    score: 7.4,
    title: 'Prototype pollution in lodash',
    location: { path: 'package-lock.json', startLine: 42 },
    cwes: ['CWE-1321'],
    vulnerability: {
      id: 'GHSA-p6mc-m468-83gw',
      aliases: ['CVE-2020-8203'],
      summary: 'Prototype pollution in lodash',
      details: 'Prototype pollution attack when using _.zipObjectDeep.',
      fixedVersions: ['4.17.20'],
      affectedRanges: ['introduced 0, fixed 4.17.20'],
      references: ['https://nvd.nist.gov/vuln/detail/CVE-2020-8203', 'javascript:alert(1)'],
    },
    package: {
      ecosystem: 'npm',
      name: 'lodash',
      version: '4.17.15',
      purl: 'pkg:npm/lodash@4.17.15',
      direct: true,
      scope: 'runtime',
    },
    target: 'web',
    state: 'open',
    firstSeen: '2024-05-01T02:00:00Z',
    lastSeen: '2024-05-14T02:00:00Z',
    firstCommit: '1111111111111111111111111111111111111111',
    lastCommit: '2222222222222222222222222222222222222222',
    lastTransition: 'new',
    newReason: 'new-advisory',
    ...overrides,
  };
}

export function codeFinding(overrides: Partial<StoredFinding> = {}): StoredFinding {
  return {
    id: 'code-xss-1',
    kind: 'code',
    source: 'eslint',
    severity: 'medium',
    title: 'Unsafe innerHTML assignment',
    message: 'Assignment to innerHTML with <script>alert(1)</script> | `tick`',
    location: { path: 'src/app view.js', startLine: 10, endLine: 12, startColumn: 3, endColumn: 20 },
    cwes: ['CWE-79'],
    rule: {
      id: 'no-unsanitized/property',
      tool: 'eslint',
      toolVersion: '9.1.0',
      description: 'Disallow unsanitized property assignment',
      helpUri: 'https://example.org/rules/no-unsanitized',
    },
    fingerprints: { 'primaryLocationLineHash/v1': 'abc123:1' },
    target: 'web',
    state: 'open',
    firstSeen: '2024-05-08T02:00:00Z',
    lastSeen: '2024-05-14T02:00:00Z',
    lastCommit: '2222222222222222222222222222222222222222',
    lastTransition: 'unchanged',
    ...overrides,
  };
}

export function scanRecord(overrides: Partial<TargetScanRecord> = {}): TargetScanRecord {
  return {
    runId: 'run-2024-05-14',
    target: 'web',
    repo: 'https://github.com/example-org/web.git',
    ref: 'main',
    commit: '2222222222222222222222222222222222222222',
    status: 'ok',
    startedAt: '2024-05-14T02:00:00Z',
    finishedAt: '2024-05-14T02:03:00Z',
    errors: [],
    counts: { new: 1, unchanged: 1, fixed: 0, reopened: 0, withdrawn: 0, suppressed: 0, open: 2 },
    ...overrides,
  };
}
