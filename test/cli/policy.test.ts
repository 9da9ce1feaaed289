import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesFolder } from '../../src/cli/policy.js';
import { UsageError } from '../../src/model/errors.js';
import { tempDir } from '../helpers/git.js';

describe('which rules folder is in force', () => {
  const root = tempDir('sieve-rules-');
  const elsewhere = join(root, 'elsewhere');
  mkdirSync(elsewhere);
  const context = { path: (value: string) => join(elsewhere, value) };

  it('a --rules folder that is not there is an error, never "no rules"', () => {
    expect(() => rulesFolder('rulez', root, context)).toThrow(UsageError);
    expect(() => rulesFolder('rulez', root, context)).toThrow(/--rules: .*rulez is not a folder/);
    writeFileSync(join(elsewhere, 'a-file'), '');
    expect(() => rulesFolder('a-file', root, context)).toThrow(UsageError);
    mkdirSync(join(elsewhere, 'mine'));
    expect(rulesFolder('mine', root, context)).toBe(join(elsewhere, 'mine'));
  });

  it('without --rules, rules/ beside the configuration file, not in the current folder', () => {
    mkdirSync(join(elsewhere, 'rules'), { recursive: true });
    expect(rulesFolder(undefined, root, context)).toBeUndefined();
    mkdirSync(join(root, 'rules'));
    expect(rulesFolder(undefined, root, context)).toBe(join(root, 'rules'));
    expect(rulesFolder(undefined, undefined, context)).toBeUndefined();
  });
});
