import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../model/logger.js';
import { UsageError } from '../model/errors.js';
import { humanLogger, jsonLogger, type CliIo } from './logger.js';

export interface GlobalOptions {
  home?: string;
  json?: boolean;
  verbose?: boolean;
  /** Stack traces of unexpected errors (cli/main.ts prints them). */
  debug?: boolean;
}

/** What every command gets: where things live, the clock, the logger, the streams. */
export interface CommandContext {
  io: CliIo;
  home: string;
  json: boolean;
  now: () => Date;
  logger: Logger;
  version: string;
  /** Resolves a user-given path against the working directory. */
  path(value: string): string;
}

let cachedVersion: string | undefined;
export function sieveVersion(): string {
  if (!cachedVersion) {
    const packageJson = join(fileURLToPath(new URL('.', import.meta.url)), '../../package.json');
    cachedVersion = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  }
  return cachedVersion;
}

/** `SIEVE_NOW` pins the clock (tests, replays); otherwise the real time. */
export function clockFrom(env: NodeJS.ProcessEnv): () => Date {
  const pinned = env.SIEVE_NOW;
  if (!pinned) return () => new Date();
  const at = new Date(pinned);
  if (Number.isNaN(at.getTime())) throw new UsageError(`SIEVE_NOW: "${pinned}" is not an ISO 8601 time`);
  return () => new Date(at.getTime());
}

export function createContext(io: CliIo, options: GlobalOptions): CommandContext {
  const now = clockFrom(io.env);
  const path = (value: string) => (isAbsolute(value) ? value : resolve(io.cwd, value));
  const home = path(options.home ?? io.env.SIEVE_HOME ?? '.sieve');
  const json = options.json === true;
  return {
    io,
    home,
    json,
    now,
    logger: json ? jsonLogger(io, now, options.verbose ? 'debug' : 'info') : humanLogger(io, options.verbose),
    version: sieveVersion(),
    path,
  };
}
