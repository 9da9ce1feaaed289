/**
 * Start-up cost of the CLI: `sieve --version` and `sieve sbom` on a one-lockfile folder, each
 * minus bare `node -e 0` (goals: at most 0.15 s and 0.35 s over Node). Runs the built CLI
 * (bin/sieve.js → dist/; `npm run build` first). Medians of several runs, since a shared machine
 * is noisy.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

// Prints the child's own CPU time (user + system) at exit: on a busy machine wall time mostly
// measures the wait for a core, CPU time what start-up costs.
const CPU_PROBE = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('\\ncpu-us '+(u.user+u.system)+'\\n')})`;

function time(args: string[]): { wall: number; cpu: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, ['--import', CPU_PROBE, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    wall.push((performance.now() - started) / 1000);
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    cpu.push(Number(/cpu-us (\d+)/.exec(result.stderr)?.[1] ?? NaN) / 1e6);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

function line(label: string, value: { wall: number; cpu: number }, node: { wall: number; cpu: number }, goal: number): string {
  return `${label}: wall ${value.wall.toFixed(3)} s, ${(value.wall - node.wall).toFixed(3)} s over Node; CPU ${value.cpu.toFixed(3)} s, ${(value.cpu - node.cpu).toFixed(3)} s over Node (goal <= ${goal.toFixed(3)})`;
}

export async function bench(): Promise<void> {
  const bin = join(root, 'bin', 'sieve.js');
  if (!existsSync(join(root, 'dist', 'cli', 'bin.js'))) throw new Error('dist/ is not built: run npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 'sieve-bench-startup-'));
  try {
    writeFileSync(
      join(dir, 'package-lock.json'),
      JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app', dependencies: { lodash: '4.17.4' } }, 'node_modules/lodash': { version: '4.17.4' } } }),
    );
    const node = time(['-e', '0']);
    const version = time([bin, '--version']);
    const sbom = time([bin, 'sbom', dir]);
    console.log(`node -e 0: wall ${node.wall.toFixed(3)} s, CPU ${node.cpu.toFixed(3)} s (medians of ${RUNS})`);
    console.log(line('sieve --version', version, node, 0.15));
    console.log(line('sieve sbom (one lockfile)', sbom, node, 0.35));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
