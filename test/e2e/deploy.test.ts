/**
 * The scale-out examples in deploy/ run as written: the shard and merge command lines are taken
 * from the manifests, run with the index variables the engine sets, over real local git repos,
 * and the merged store must equal one single-process scan, finding by finding.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, sharedDir, sieve, sieveBin } from '../helpers/cli.js';
import { TestRepo, tempDir } from '../helpers/git.js';

interface Container {
  command: string[];
  args: string[];
  env?: Array<{ name: string; value?: string }>;
  volumeMounts: Array<{ mountPath: string }>;
}
interface K8sJob {
  spec: { completions?: number; completionMode?: string; template: { spec: { containers: Container[] } } };
}
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Workflow {
  jobs: Record<string, { needs?: string | string[]; strategy?: { matrix: { shard: number[] } }; steps: Step[] }>;
}

function lock(name: string, version: string): string {
  return JSON.stringify({ name: 'x', lockfileVersion: 3, packages: { '': { name: 'x', dependencies: { [name]: version } }, [`node_modules/${name}`]: { version } } });
}

const root = tempDir('sieve-deploy-');
const osv = join(sharedDir, 'osv-db');
/** `sieve` and `npx sieve` on PATH run this worktree's built CLI; npx never reaches a registry here. */
const binDir = join(root, 'bin');
const PATH = `${binDir}:${process.env.PATH ?? ''}`;
let targets: Array<{ name: string; repo: string }> = [];
let single: { findings: string[]; alerts: string[] };

function findingsOf(home: string): string[] {
  const all = JSON.parse(sieve(['findings', '--home', home, '--format', 'json']).stdout) as Array<{ id: string; target: string; state: string; severity: string }>;
  return all.map((finding) => `${finding.target} ${finding.id} ${finding.state} ${finding.severity}`).sort();
}

function alertsOf(runDir: string): string[] {
  return (JSON.parse(readFileSync(join(runDir, 'new.json'), 'utf8')) as Array<{ id: string; target: string }>).map((finding) => `${finding.target} ${finding.id}`).sort();
}

function bundleTargets(runDir: string): string[] {
  return (JSON.parse(readFileSync(join(runDir, 'bundle.json'), 'utf8')) as { targets: Array<{ target: { name: string } }> }).targets.map((entry) => entry.target.name);
}

function onlyRun(runsDir: string): string {
  const runs = readdirSync(runsDir);
  expect(runs).toHaveLength(1);
  return join(runsDir, runs[0]!);
}

/** Runs a container's `sh -c` script with each volume's mountPath moved under `base`. */
function runContainer(container: Container, base: string, env: Record<string, string>): number {
  expect(container.command).toEqual(['/bin/sh', '-c']);
  let script = container.args[0] ?? '';
  for (const mount of [...container.volumeMounts].sort((a, b) => b.mountPath.length - a.mountPath.length)) {
    const escaped = mount.mountPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    script = script.replace(new RegExp(`(^|[\\s"'=])${escaped}(?=/|\\s|"|$)`, 'gm'), `$1${base}${mount.mountPath}`);
  }
  const fromManifest = Object.fromEntries((container.env ?? []).filter((entry) => entry.value !== undefined).map((entry) => [entry.name, entry.value as string]));
  try {
    execFileSync('/bin/sh', ['-c', script], { cwd: root, env: { ...process.env, NO_COLOR: '1', PATH, ...fromManifest, ...env }, stdio: 'pipe' });
    return 0;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

/** `${{ a.b }}` expressions of the workflow, from a table. */
function expand(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_match, expression: string) => {
    if (!(expression in values)) throw new Error(`test does not know the expression ${expression}`);
    return values[expression] as string;
  });
}

function runStep(step: Step, cwd: string, values: Record<string, string>): number {
  const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, expand(String(value), values)]));
  try {
    execFileSync('bash', ['-e', '-c', expand(step.run ?? '', values)], { cwd, env: { ...process.env, NO_COLOR: '1', PATH, ...env }, stdio: 'pipe' });
    return 0;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

beforeAll(() => {
  mkdirSync(binDir);
  writeFileSync(join(binDir, 'sieve'), `#!/bin/sh\nexec "${process.execPath}" "${sieveBin}" "$@"\n`);
  writeFileSync(join(binDir, 'npx'), `#!/bin/sh\n[ "$1" = sieve ] || { echo "npx $1: not in this test" >&2; exit 127; }\nshift\nexec "${process.execPath}" "${sieveBin}" "$@"\n`);
  chmodSync(join(binDir, 'sieve'), 0o755);
  chmodSync(join(binDir, 'npx'), 0o755);
  const lockfiles: Array<[string, string]> = [['semver', '4.3.0'], ['moment', '2.11.0'], ['lodash', '4.17.4'], ['ms', '0.7.0'], ['qs', '0.6.0'], ['minimist', '0.0.8']];
  targets = lockfiles.map(([name, version], index) => {
    const repo = new TestRepo(root, `repo-${index}`).write({ 'package-lock.json': lock(name, version) });
    repo.commit('lockfile');
    return { name: `repo-${index}`, repo: repo.url };
  });
  writeFileSync(join(root, 'scan-targets.json'), JSON.stringify({ targets }));
  // The baseline: one process scans everything.
  const result = sieve(['--json', '--home', join(root, 'single'), 'scan', '--targets', join(root, 'scan-targets.json'), '--osv-db', osv], { cwd: root });
  expect(result.code, result.stderr).toBe(0);
  single = { findings: findingsOf(join(root, 'single')), alerts: alertsOf(onlyRun(join(root, 'single', 'runs'))) };
  expect(single.alerts.length).toBeGreaterThan(5);
});

describe('deploy/kubernetes', () => {
  it('an Indexed Job of shards and a merge Job, run as the manifests write them, equal one process', () => {
    const scanJob = parse(readFileSync(join(repoRoot, 'deploy/kubernetes/scan-shards-job.yaml'), 'utf8')) as K8sJob;
    const mergeJob = parse(readFileSync(join(repoRoot, 'deploy/kubernetes/merge-job.yaml'), 'utf8')) as K8sJob;
    const base = join(root, 'k8s');
    // The volumes: the config map, the rules map, and the shared data volume with the OSV data in the central home.
    mkdirSync(join(base, 'config'), { recursive: true });
    mkdirSync(join(base, 'rules'), { recursive: true });
    mkdirSync(join(base, 'data', 'central'), { recursive: true });
    cpSync(join(root, 'scan-targets.json'), join(base, 'config', 'scan-targets.json'));
    symlinkSync(osv, join(base, 'data', 'central', 'osv'));

    const completions = scanJob.spec.completions ?? 1;
    expect(scanJob.spec.completionMode).toBe('Indexed');
    const scanner = scanJob.spec.template.spec.containers[0]!;
    expect(scanner.env?.find((entry) => entry.name === 'SHARDS')?.value).toBe(String(completions));
    const scanned: string[] = [];
    for (let index = 0; index < completions; index++) {
      expect(runContainer(scanner, base, { JOB_COMPLETION_INDEX: String(index) })).toBe(0);
      scanned.push(...bundleTargets(onlyRun(join(base, 'data', 'shards', String(index + 1), 'runs'))));
    }
    // Each target on exactly one shard.
    expect(scanned.sort()).toEqual(targets.map((target) => target.name).sort());
    expect(runContainer(mergeJob.spec.template.spec.containers[0]!, base, {})).toBe(0);

    const central = join(base, 'data', 'central');
    expect(findingsOf(central)).toEqual(single.findings);
    expect(alertsOf(onlyRun(join(central, 'runs')))).toEqual(single.alerts);
    // Merged run folders moved aside, so the next night merges only its own bundles.
    expect(readdirSync(join(base, 'data', 'merged'))).toHaveLength(completions);
  });
});

describe('deploy/github-actions', () => {
  it('a shard matrix and a merge job that needs it, passing bundles as artifacts, equal one process', () => {
    const workflow = parse(readFileSync(join(repoRoot, 'deploy/github-actions/sieve-nightly.yml'), 'utf8')) as Workflow;
    const scan = workflow.jobs.scan!;
    const merge = workflow.jobs.merge!;
    expect([merge.needs].flat()).toContain('scan');
    const shards = scan.strategy?.matrix.shard ?? [];
    expect(shards.length).toBeGreaterThan(1);
    const scanStep = scan.steps.find((step) => step.run?.includes('sieve') && / scan /.test(step.run))!;
    const osvDownload = scan.steps.find((step) => step.uses?.startsWith('actions/download-artifact'))!;
    const upload = scan.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'))!;
    const download = merge.steps.find((step) => step.uses?.startsWith('actions/download-artifact'))!;
    const mergeStep = merge.steps.find((step) => step.run?.includes('sieve') && / merge /.test(step.run))!;
    const base = join(root, 'gha');
    const mergeWorkspace = join(base, 'merge');
    mkdirSync(mergeWorkspace, { recursive: true });

    const scanned: string[] = [];
    for (const shard of shards) {
      const values = { 'matrix.shard': String(shard), 'strategy.job-total': String(shards.length), 'secrets.SIEVE_GITHUB_TOKEN': '' };
      // actions/checkout brings scan-targets.json; the osv artifact lands where the workflow says.
      const workspace = join(base, `shard-${shard}`);
      mkdirSync(workspace, { recursive: true });
      cpSync(join(root, 'scan-targets.json'), join(workspace, 'scan-targets.json'));
      symlinkSync(osv, join(workspace, osvDownload.with?.path ?? ''));
      expect(runStep(scanStep, workspace, values)).toBe(0);
      scanned.push(...bundleTargets(onlyRun(join(workspace, upload.with?.path ?? ''))));
      // upload-artifact of `path`, then download-artifact with a pattern: one folder per artifact name.
      const name = expand(upload.with?.name ?? '', values);
      expect(name).toMatch(new RegExp(`^${(download.with?.pattern ?? '').replace('*', '.*')}$`));
      cpSync(join(workspace, upload.with?.path ?? ''), join(mergeWorkspace, download.with?.path ?? '', name), { recursive: true });
    }
    expect(scanned.sort()).toEqual(targets.map((target) => target.name).sort());
    expect(runStep(mergeStep, mergeWorkspace, { 'secrets.SIEVE_GITHUB_TOKEN': '' })).toBe(0);

    const central = join(mergeWorkspace, '.sieve');
    expect(findingsOf(central)).toEqual(single.findings);
    expect(alertsOf(onlyRun(join(central, 'runs')))).toEqual(single.alerts);
  });
});
