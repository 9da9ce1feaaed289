import { describe, expect, it } from 'vitest';
import { uploadRef } from '../../../src/cli/commands/upload.js';
import { UsageError } from '../../../src/model/errors.js';

describe('the ref sieve upload sends', () => {
  it('is the ref the scan recorded, never a guessed main', () => {
    expect(uploadRef('refs/heads/master', 'app')).toBe('refs/heads/master');
    expect(uploadRef('refs/tags/v1.2.0', 'app')).toBe('refs/tags/v1.2.0');
    // Scans recorded before full refs kept the target's branch as written.
    expect(uploadRef('develop', 'app')).toBe('refs/heads/develop');
    expect(() => uploadRef(undefined, 'app')).toThrow(UsageError);
    expect(() => uploadRef('0123456789abcdef0123456789abcdef01234567', 'app')).toThrow(/--ref: the latest scan of "app" names no branch/);
  });
});
