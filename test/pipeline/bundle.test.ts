import { describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../src/config/load.js';
import { ParseError } from '../../src/model/errors.js';
import { shareableBundle, validateBundle } from '../../src/pipeline/bundle.js';
import type { ScanBundle, TargetEvidence } from '../../src/pipeline/scan.js';

const target: TargetConfig = {
  name: 'app',
  key: 'app',
  kind: 'repo',
  repo: 'https://x-access-token:ghs_SECRET@github.com/org/app.git',
  analyzers: [],
  sarif: [],
  paths: [],
  exclude: [],
  skipEcosystems: [],
  includeTestFixtures: false,
  rules: [],
  notify: { webhooks: [{ url: 'https://hooks.slack.invalid/services/T000/B000/SECRET' }] },
};

const evidence: TargetEvidence = {
  target,
  startedAt: '2026-11-01T00:00:00Z',
  finishedAt: '2026-11-01T00:01:00Z',
  commit: 'a'.repeat(40),
  ref: 'refs/heads/master',
  packages: [],
  lockfiles: ['package-lock.json'],
  findings: [],
  failures: [],
  keepOpen: [],
  warnings: [],
  tools: [],
  toolVersions: {},
};

const bundle: ScanBundle = {
  format: 'sieve-bundle/1',
  runId: '20261101T000000Z-abcdef',
  startedAt: '2026-11-01T00:00:00Z',
  finishedAt: '2026-11-01T00:02:00Z',
  shard: { index: 1, count: 2 },
  notify: { webhooks: [{ url: 'https://hooks.slack.invalid/services/T000/B000/SECRET' }], githubIssues: { repo: 'org/app' } },
  targets: [evidence],
};

describe('bundle.json', () => {
  it('carries no webhook URL, no notification settings and no credentials, and passes its own schema', () => {
    const shared = shareableBundle(bundle);
    const text = JSON.stringify(shared);
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('notify');
    expect(shared.targets[0]?.target.repo).toBe('https://github.com/org/app.git');
    expect(validateBundle(JSON.parse(text), 'bundle.json')).toEqual(shared);
  });

  it('merge refuses a bundle that does not fit the schema, naming the file and the path', () => {
    expect(() => validateBundle(bundle, '/runs/x/bundle.json')).toThrow(ParseError);
    expect(() => validateBundle(bundle, '/runs/x/bundle.json')).toThrow(/\/runs\/x\/bundle.json: not a valid Sieve bundle[\s\S]*notification settings/);
    expect(() => validateBundle({ ...shareableBundle(bundle), targets: [{ ...evidence, target: { ...target, notify: undefined } }] }, 'b.json')).toThrow(/credentials/);
    expect(() => validateBundle({ format: 'sieve-bundle/1', runId: 'r', startedAt: 's', finishedAt: 'f', targets: [{ target: { name: 'x' } }] }, 'b.json')).toThrow(/targets\[0\]\.target: missing required key "key"/);
    expect(() => validateBundle([], 'b.json')).toThrow(/b.json: not a valid Sieve bundle/);
  });
});
