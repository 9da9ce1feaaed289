/**
 * Nothing that fails for one target after its commit to the store may abort the run: a target
 * whose SBOM/SARIF cannot be written is a warning on that target, and later targets are recorded.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../src/config/load.js';
import type { Logger } from '../../src/model/logger.js';
import { outputErrorMessage, recordRun, type ScanBundle, type TargetEvidence } from '../../src/pipeline/scan.js';
import { Store } from '../../src/store/store.js';
import { SieveError } from '../../src/model/errors.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function target(name: string): TargetConfig {
  return { name, key: name, kind: 'directory', path: `/nonexistent/${name}`, analyzers: [], sarif: [], paths: [], exclude: [], skipEcosystems: [], includeTestFixtures: false, rules: [] };
}

function evidence(name: string): TargetEvidence {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    target: target(name),
    startedAt: at,
    finishedAt: at,
    commit: undefined,
    packages: [
      { ecosystem: 'npm', name: 'left-pad', version: '1.0.0', purl: 'pkg:npm/left-pad@1.0.0', direct: true, scope: 'runtime', location: { path: 'package-lock.json', line: 1 } },
    ],
    lockfiles: ['package-lock.json'],
    snapshot: { lockfiles: [['package-lock.json', ['pkg:npm/left-pad@1.0.0']]], failed: [] },
    findings: [],
    failures: [],
    keepOpen: [],
    warnings: [],
    tools: [],
    toolVersions: {},
  };
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), progress: () => undefined };
}

describe('recordRun: outputs after the store commit', () => {
  it('turns a target whose outputs cannot be written into a warning and still records the targets after it', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'sieve-record-outputs-'));
    temps.push(home);
    const runDir = path.join(home, 'runs', 'r1');
    // `targets/first` is a file, so the first target's output folder cannot be made (ENOTDIR/EEXIST).
    mkdirSync(path.join(runDir, 'targets'), { recursive: true });
    writeFileSync(path.join(runDir, 'targets', 'first'), '');
    const bundle: ScanBundle = {
      format: 'sieve-bundle/1',
      runId: 'r1',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:01.000Z',
      targets: [evidence('first'), evidence('second')],
    };
    const logger = recordingLogger();
    const result = await recordRun(bundle, { home, runDir, now: () => new Date('2026-01-01T00:00:02Z'), logger, toolVersion: 'test', offline: true });

    expect(result.summary.targets.map((summary) => [summary.name, summary.status])).toEqual([
      ['first', 'ok'],
      ['second', 'ok'],
    ]);
    expect(result.summary.targets[0]!.warnings).toEqual([expect.stringMatching(/^targets\/first: SBOM and code-scanning SARIF not written: .*E(NOTDIR|EXIST)/)]);
    expect(result.summary.targets[1]!.warnings).toEqual([]);
    expect(readFileSync(path.join(runDir, 'targets', 'second', 'sbom.cdx.json'), 'utf8')).toContain('left-pad');
    expect(logger.lines.some((line) => line.startsWith('warn targets/first: SBOM and code-scanning SARIF not written'))).toBe(true);
    const store = Store.open(path.join(home, 'sieve.db'));
    try {
      expect(store.targetScans('first')).toHaveLength(1);
      expect(store.targetScans('second')).toHaveLength(1);
    } finally {
      store.close();
    }
    expect(JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8')).targets).toHaveLength(2);
    expect(result.summary.failedTargets).toBe(0);
  });

  it('a run whose own outputs cannot be written ends in a typed error saying why (exit 3), with every target recorded', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'sieve-record-outputs-'));
    temps.push(home);
    const runDir = path.join(home, 'runs', 'r2');
    mkdirSync(runDir, { recursive: true });
    // new.json is a folder: the atomic rename onto it fails.
    mkdirSync(path.join(runDir, 'new.json'));
    writeFileSync(path.join(runDir, 'new.json', 'keep'), '');
    const bundle: ScanBundle = { format: 'sieve-bundle/1', runId: 'r2', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z', targets: [evidence('only')] };
    const failure = await recordRun(bundle, { home, runDir, now: () => new Date('2026-01-01T00:00:02Z'), logger: recordingLogger(), toolVersion: 'test', offline: true }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SieveError);
    expect((failure as SieveError).exitCode).toBe(3);
    expect((failure as SieveError).message).toMatch(/^cannot write the run's new.json and new.md in .*r2: .*; the results are stored, and undelivered alerts go into the next run's new.json$/);
    const store = Store.open(path.join(home, 'sieve.db'));
    try {
      expect(store.targetScans('only')).toHaveLength(1);
    } finally {
      store.close();
    }
  });

  it('words a full disk, a denied folder and an oversized document for people', () => {
    let full: unknown;
    try {
      // A real ENOSPC: /dev/full refuses every write.
      writeFileSync('/dev/full', 'x');
    } catch (error) {
      full = error;
    }
    expect(outputErrorMessage(full)).toMatch(/^no space left on the device \(ENOSPC/);
    let tooLong: unknown;
    try {
      'x'.repeat(2 ** 30);
    } catch (error) {
      tooLong = error;
    }
    expect(outputErrorMessage(tooLong)).toBe('the document is too large to serialise (Invalid string length)');
  });
});
