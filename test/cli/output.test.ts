import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SITE_MARKER, replaceSiteFolder, writeOutputFile } from '../../src/cli/output.js';
import { OutputError } from '../../src/model/errors.js';
import { tempDir } from '../helpers/git.js';

const page = (text: string) => (dir: string) => writeFileSync(join(dir, 'index.html'), text);

describe('outputs that never destroy', () => {
  it('writes a new site, replaces a site it wrote, and leaves nothing beside it', () => {
    const root = tempDir('sieve-site-');
    const out = join(root, 'site');
    replaceSiteFolder(out, root, 'v1', page('first'));
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('first');
    expect(readFileSync(join(out, SITE_MARKER), 'utf8')).toBe('v1');
    expect(statSync(out).mode & 0o777).toBe(0o755);
    writeFileSync(join(out, 'stale.html'), 'from the old site');
    replaceSiteFolder(out, root, 'v2', page('second'));
    expect(readdirSync(out).sort()).toEqual([SITE_MARKER, 'index.html']);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('second');
    expect(readdirSync(root)).toEqual(['site']);
  });

  it('fills an empty folder, and refuses a file, a folder with a user\'s files, and the current folder', () => {
    const root = tempDir('sieve-site-');
    const empty = join(root, 'empty');
    mkdirSync(empty);
    replaceSiteFolder(empty, root, 'm', page('ok'));
    expect(existsSync(join(empty, 'index.html'))).toBe(true);

    const mine = join(root, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'keep me');
    expect(() => replaceSiteFolder(mine, root, 'm', page('x'))).toThrow(/holds files Sieve did not write/);
    expect(readdirSync(mine)).toEqual(['notes.txt']);

    const file = join(root, 'file.txt');
    writeFileSync(file, 'keep me too');
    expect(() => replaceSiteFolder(file, root, 'm', page('x'))).toThrow(OutputError);
    expect(readFileSync(file, 'utf8')).toBe('keep me too');

    // Even an empty current folder (or one that holds it) is not swapped away under the user.
    const here = join(root, 'here');
    mkdirSync(here);
    expect(() => replaceSiteFolder(here, here, 'm', page('x'))).toThrow(/holds the current folder/);
    replaceSiteFolder(here, root, 'm', (dir) => mkdirSync(join(dir, 'deeper')));
    expect(() => replaceSiteFolder(here, join(here, 'deeper'), 'm', page('x'))).toThrow(/holds the current folder/);
    expect(readdirSync(here).sort()).toEqual([SITE_MARKER, 'deeper']);
    expect(() => replaceSiteFolder(join(root, 'no', 'such'), root, 'm', page('x'))).toThrow(/does not exist/);
    expect(readdirSync(root).sort()).toEqual(['empty', 'file.txt', 'here', 'mine']);
  });

  it('a failure while writing leaves the old site in place', () => {
    const root = tempDir('sieve-site-');
    const out = join(root, 'site');
    replaceSiteFolder(out, root, 'v1', page('first'));
    expect(() => replaceSiteFolder(out, root, 'v2', () => { throw new Error('render failed'); })).toThrow('render failed');
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('first');
    expect(readdirSync(root)).toEqual(['site']);
  });

  it('-o FILE: a folder or a missing parent folder is an OutputError naming the path', () => {
    const root = tempDir('sieve-out-');
    writeOutputFile(join(root, 'diff.md'), 'text');
    expect(readFileSync(join(root, 'diff.md'), 'utf8')).toBe('text');
    expect(() => writeOutputFile(root, 'text')).toThrow(`${root}: is a folder`);
    expect(() => writeOutputFile(join(root, 'no', 'x.md'), 'text')).toThrow(`the folder ${join(root, 'no')} does not exist`);
  });

  it('-o through a device or a symbolic link writes through it and never replaces it', () => {
    // /dev/null is a character device: a temp file renamed over it would replace the device.
    writeOutputFile('/dev/null', 'discarded\n');
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);

    const dir = tempDir('sieve-output-link-');
    writeFileSync(join(dir, 'real.md'), 'old');
    symlinkSync(join(dir, 'real.md'), join(dir, 'link.md'));
    writeOutputFile(join(dir, 'link.md'), 'new');
    expect(lstatSync(join(dir, 'link.md')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real.md'), 'utf8')).toBe('new');
  });
});
