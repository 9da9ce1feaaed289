import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot, sharedDir, sieve } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';

const osvDb = join(sharedDir, 'osv-db');

function lodashApp(root: string): string {
  const app = join(root, 'app');
  mkdirSync(app, { recursive: true });
  // lodash 4.17.4: NSWG-ECO-493 (medium) and NSWG-ECO-368 (low).
  writeFileSync(
    join(app, 'package-lock.json'),
    JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app', dependencies: { lodash: '4.17.4' } }, 'node_modules/lodash': { version: '4.17.4' } } }),
  );
  return app;
}

function runDirOf(stdout: string): string {
  const match = /results in (\S+)/.exec(stdout);
  expect(match, stdout).not.toBeNull();
  return match![1] as string;
}

interface Summary {
  failedTargets: number;
  failOn?: { threshold: string; crossed: boolean };
  targets: Array<{ name: string; status: string; counts: Record<string, number> }>;
}

const summaryOf = (stdout: string) => JSON.parse(readFileSync(join(runDirOf(stdout), 'summary.json'), 'utf8')) as Summary;

/** No stack trace: a user error is one line that names the path. */
function expectCleanError(result: { code: number; stderr: string }, text: string): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).toContain(text);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('outputs that never destroy', () => {
  const root = tempDir('sieve-cli-out-');
  const home = join(root, 'home');
  const app = lodashApp(root);
  const config = join(root, 'scan-targets.json');
  writeFileSync(config, JSON.stringify({ targets: [{ name: 'app', path: app }] }));

  it('report -o leaves a folder with a user\'s file and a file alone, and replaces only a site it wrote', () => {
    expect(sieve(['scan', '--targets', config, '--osv-db', osvDb, '--home', home], { cwd: root }).code).toBe(0);

    const mine = join(root, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'thesis.tex'), 'years of work');
    expectCleanError(sieve(['report', '-o', mine, '--home', home], { cwd: root }), 'holds files Sieve did not write');
    expect(readdirSync(mine)).toEqual(['thesis.tex']);

    const file = join(root, 'notes.txt');
    writeFileSync(file, 'keep');
    expectCleanError(sieve(['report', '-o', file, '--home', home], { cwd: root }), 'is a file');
    expect(readFileSync(file, 'utf8')).toBe('keep');

    // "-o ." in a folder with the user's files: refused, nothing deleted.
    expectCleanError(sieve(['report', '-o', '.', '--home', home], { cwd: mine }), 'holds files Sieve did not write');
    expect(readdirSync(mine)).toEqual(['thesis.tex']);

    const site = join(root, 'site');
    const first = sieve(['report', '-o', site, '--home', home], { cwd: root });
    expect(first.code, first.stderr).toBe(0);
    expect(readdirSync(site)).toContain('.sieve-site');
    expect(readdirSync(site)).toContain('index.html');
    writeFileSync(join(site, 'leftover.html'), 'from an older site');
    expect(sieve(['report', '-o', site, '--home', home], { cwd: root }).code).toBe(0);
    expect(existsSync(join(site, 'leftover.html'))).toBe(false);
    // Nothing left beside it.
    expect(readdirSync(root).filter((name) => name.startsWith('.'))).toEqual([]);
    // The default <home>/site works the same way.
    expect(sieve(['report', '--home', home], { cwd: root }).code).toBe(0);
    expect(existsSync(join(home, 'site', '.sieve-site'))).toBe(true);
  });

  it('every -o error is a clear message and exit 2, no stack trace', () => {
    expectCleanError(sieve(['export', '--since', '7d', '-o', '/no/such/dir/x.md', '--home', home], { cwd: root }), '/no/such/dir/x.md: the folder /no/such/dir does not exist');
    expectCleanError(sieve(['export', '--since', '7d', '-o', root, '--home', home], { cwd: root }), `${root}: is a folder`);
    expectCleanError(sieve(['sbom', app, '-o', '/no/such/dir/bom.json'], { cwd: root }), 'does not exist');
    expectCleanError(sieve(['vex', 'export', '-o', '/no/such/dir/vex.json', '--home', home], { cwd: root }), 'does not exist');
    const ok = sieve(['export', '--since', '7d', '-o', join(root, 'diff.md'), '--home', home], { cwd: root });
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(join(root, 'diff.md'), 'utf8')).toContain('app');
  });
});

describe('one exit switch', () => {
  it('a run that failed a target and crossed --fail-on exits 1, and summary.json says both', () => {
    const root = tempDir('sieve-cli-exit-');
    const app = lodashApp(root);
    const config = join(root, 'scan-targets.json');
    writeFileSync(config, JSON.stringify({ targets: [{ name: 'app', path: app }, { name: 'image', sbom: 'missing.cdx.json' }] }));
    const scan = (home: string, failOn?: string) =>
      sieve(['scan', '--targets', config, '--osv-db', osvDb, '--home', join(root, home), ...(failOn ? ['--fail-on', failOn] : [])], { cwd: root });

    const both = scan('a', 'low');
    expect(both.code, both.stderr).toBe(1);
    expect(summaryOf(both.stdout)).toMatchObject({ failedTargets: 1, failOn: { threshold: 'low', crossed: true } });
    expect(summaryOf(both.stdout).targets.map((target) => target.status).sort()).toEqual(['failed', 'ok']);

    const failedOnly = scan('b', 'critical');
    expect(failedOnly.code).toBe(3);
    expect(summaryOf(failedOnly.stdout)).toMatchObject({ failedTargets: 1, failOn: { threshold: 'critical', crossed: false } });

    const noGate = scan('c');
    expect(noGate.code).toBe(3);
    expect(summaryOf(noGate.stdout).failOn).toBeUndefined();
  });

  it('a home another run holds exits 4, not 2 ("usage")', () => {
    const root = tempDir('sieve-cli-busy-');
    const app = lodashApp(root);
    const config = join(root, 'scan-targets.json');
    writeFileSync(config, JSON.stringify({ targets: [{ name: 'app', path: app }] }));
    const home = join(root, 'home');
    mkdirSync(home);
    // This test process is alive: the lock is held.
    writeFileSync(join(home, 'scan.lock'), String(process.pid));
    const busy = sieve(['scan', '--targets', config, '--osv-db', osvDb, '--home', home], { cwd: root });
    expect(busy.code, busy.stderr).toBe(4);
    expect(busy.stderr).toContain(`another sieve scan (pid ${process.pid})`);
    expect(busy.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('--rules that cannot silently vanish', () => {
  it('a --rules folder that is not there is exit 2; the default rules/ is the one beside the targets file', () => {
    const root = tempDir('sieve-cli-rules-');
    const project = join(root, 'project');
    const app = lodashApp(project);
    const config = join(project, 'scan-targets.json');
    writeFileSync(config, JSON.stringify({ targets: [{ name: 'app', path: app }] }));
    mkdirSync(join(project, 'rules'));
    writeFileSync(
      join(project, 'rules', 'accepted.yaml'),
      'rules:\n  - id: lodash-low\n    action: ignore\n    reason: only trusted input reaches lodash\n    match: { vulnerability: NSWG-ECO-368 }\n',
    );
    const elsewhere = join(root, 'cron');
    mkdirSync(elsewhere);

    const missing = sieve(['scan', '--targets', config, '--osv-db', osvDb, '--home', join(root, 'h1'), '--rules', 'rulez'], { cwd: elsewhere });
    expectCleanError(missing, `--rules: ${join(elsewhere, 'rulez')} is not a folder`);
    expect(existsSync(join(root, 'h1', 'runs'))).toBe(false);
    const sarif = join(root, 'ci.sarif');
    writeFileSync(sarif, JSON.stringify({ version: '2.1.0', runs: [] }));
    expectCleanError(sieve(['import-sarif', '--target', 'app', '--commit', 'abcdef1', '--targets', config, '--rules', 'rulez', '--home', join(root, 'h1'), sarif], { cwd: elsewhere }), 'is not a folder');
    expect(existsSync(join(root, 'h1', 'runs'))).toBe(false);

    // Started from another folder (as cron does), the rules beside the targets file still apply.
    const scanned = sieve(['scan', '--targets', config, '--osv-db', osvDb, '--home', join(root, 'h2')], { cwd: elsewhere });
    expect(scanned.code, scanned.stderr).toBe(0);
    expect(summaryOf(scanned.stdout).targets[0]?.counts).toMatchObject({ open: 2, suppressed: 1 });
  });
});

describe('the CLI loads only what a command needs', () => {
  it('sieve --version loads no command module, no store, no CycloneDX, no ajv', () => {
    const dir = tempDir('sieve-cli-lazy-');
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}
`,
    );
    const script = `
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const seen = [];
port1.on('message', (url) => seen.push(url));
register(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { port: port2 }, transferList: [port2] });
const { main } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist/cli/main.js')).href)});
const out = [];
const io = { stdout: { write: (text) => out.push(text) }, stderr: { write: (text) => out.push(text) }, env: {}, cwd: process.cwd() };
const code = await main(['--version'], io);
await new Promise((done) => setTimeout(done, 200));
port1.close();
const required = Object.keys(createRequire(import.meta.url).cache);
process.stdout.write(JSON.stringify({ code, out: out.join(''), loaded: [...seen, ...required] }));
`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    const { code, out, loaded } = JSON.parse(result.stdout) as { code: number; out: string; loaded: string[] };
    expect(code).toBe(0);
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
    // The hooks saw the CLI's own modules load: the check can fail.
    expect(loaded.some((url) => url.includes('/dist/cli/main.js'))).toBe(true);
    const heavy = loaded.filter((url) =>
      /better-sqlite3|@cyclonedx|\/ajv|execa|js-yaml|fast-xml-parser|\/dist\/(store|sbom|osv|pipeline|inventory|report\/site|policy|analyzers|checkout|sarif|notify|upload)\//.test(url),
    );
    expect(heavy).toEqual([]);
  });
});
