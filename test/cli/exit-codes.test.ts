import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeFor, runExitCode } from '../../src/cli/exit-codes.js';
import { CheckoutError } from '../../src/checkout/clone.js';
import { ConfigError, HomeBusyError, OutputError, ParseError, UsageError } from '../../src/model/errors.js';

describe('one exit switch', () => {
  it.each([
    [new UsageError('x'), ExitCode.usage],
    [new ConfigError('f', ['a']), ExitCode.usage],
    [new OutputError('/no/such/dir/x.md', 'the folder /no/such/dir does not exist'), ExitCode.usage],
    [new HomeBusyError('busy'), ExitCode.busy],
    [new ParseError('f', 'bad'), ExitCode.incomplete],
    [new CheckoutError('git failed'), ExitCode.incomplete],
    [new Error('anything else'), ExitCode.incomplete],
  ])('%s ends with its own exit code', (error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });

  it('a run that crossed --fail-on returns 1 even when a target failed; summary.json says both', () => {
    expect(runExitCode({ failedTargets: 0 })).toBe(ExitCode.ok);
    expect(runExitCode({ failedTargets: 0, failOn: { crossed: false } })).toBe(ExitCode.ok);
    expect(runExitCode({ failedTargets: 2, failOn: { crossed: false } })).toBe(ExitCode.incomplete);
    expect(runExitCode({ failedTargets: 0, failOn: { crossed: true } })).toBe(ExitCode.policyFailed);
    expect(runExitCode({ failedTargets: 1, failOn: { crossed: true } })).toBe(ExitCode.policyFailed);
  });
});
