/**
 * What reaches the person running Sieve when something goes wrong: a typed error naming the file,
 * or the system's reason in words; a stack trace only with --debug.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { describeError, main } from '../../src/cli/main.js';
import { tempDir } from '../helpers/git.js';
import { bombZip } from '../helpers/zip.js';

async function run(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const code = await main(argv, { stdout, stderr, env: { NO_COLOR: '1', SIEVE_NOW: '2026-01-01T00:00:00Z' }, cwd });
  return { code, stdout: out, stderr: err };
}

const ALIAS_BOMB = `a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
rules: [*e]
`;

describe('sieve: errors a user sees', () => {
  it('a YAML alias bomb in a rules file is a configuration error naming the file (exit 2)', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'rules'));
    mkdirSync(join(dir, 'project'));
    writeFileSync(join(dir, 'rules', 'bomb.yaml'), ALIAS_BOMB);
    writeFileSync(join(dir, 'scan-targets.json'), JSON.stringify({ targets: [{ name: 'project', path: 'project' }] }));
    const result = await run(['--home', join(dir, 'home'), 'scan', '--targets', 'scan-targets.json', '--rules', 'rules', '--offline'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(dir, 'rules', 'bomb.yaml')}: invalid configuration`);
    expect(result.stderr).toMatch(/not valid YAML: .*alias.* \(aliases may expand at most 100 times\)/i);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a full disk is said in words', () => {
    let full: unknown;
    try {
      // A real ENOSPC: /dev/full refuses every write (written in place, never replaced).
      writeFileSync('/dev/full', 'x');
    } catch (error) {
      full = error;
    }
    expect(describeError(full)).toMatch(/^no space left on the device: ENOSPC: no space left on device/);
  });

  it('an error Sieve did not expect is one line without a stack trace, unless --debug (exit 3)', async () => {
    const home = tempDir();
    writeFileSync(join(home, 'sieve.db'), 'this is not a database, it is a text file of some length '.repeat(100));
    const plain = await run(['--home', home, 'findings'], home);
    expect(plain.code).toBe(3);
    expect(plain.stderr).toBe('sieve: the store is not a SQLite database: file is not a database\n');
    const debug = await run(['--home', home, '--debug', 'findings'], home);
    expect(debug.code).toBe(3);
    expect(debug.stderr).toMatch(/^sieve: the store is not a SQLite database: file is not a database\n.*\n\s+at /s);
  });
});

describe('sieve db import: a zip bomb', () => {
  it('is refused with the file and the limit named, exit 3, and no stack trace', async () => {
    const dir = tempDir();
    const zip = join(dir, 'all.zip');
    writeFileSync(zip, bombZip(40, 15 * 1024 * 1024));
    const result = await run(['--home', join(dir, 'home'), 'db', 'import', zip], dir);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${zip}: archive unpacks to 629145600 bytes, over the 536870912-byte limit per archive (MAX_ARCHIVE_UNPACKED_BYTES)`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
