import type cliProgressModule from 'cli-progress';
import { createRequire } from 'node:module';
import type { Logger } from '../model/logger.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** One JSON object per line on stderr, for cron and log collectors. */
export function jsonLogger(io: CliIo, now: () => Date, minLevel: Level = 'info'): Logger {
  const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < LEVELS[minLevel]) return;
    io.stderr.write(`${JSON.stringify({ time: now().toISOString(), level, msg: message, ...fields })}\n`);
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    progress: () => undefined,
  };
}

function formatFields(fields?: Record<string, unknown>): string {
  if (!fields) return '';
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}

/** Human-readable lines on stderr, with a progress bar when stderr is a terminal. */
export function humanLogger(io: CliIo, verbose = false): Logger {
  const color = io.stderr.isTTY === true && !io.env.NO_COLOR;
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  let bar: cliProgressModule.SingleBar | undefined;
  const write = (prefix: string, message: string, fields?: Record<string, unknown>) => {
    const line = `${prefix}${message}${fields ? ` ${paint('2', formatFields(fields))}` : ''}\n`;
    if (bar) bar.stop();
    io.stderr.write(line);
    if (bar) {
      const { value, total } = bar as unknown as { value: number; total: number };
      bar.start(total, value);
    }
  };
  return {
    debug: (message, fields) => {
      if (verbose) write(paint('2', 'debug '), message, fields);
    },
    info: (message, fields) => write('', message, fields),
    warn: (message, fields) => write(paint('33', 'warning '), message, fields),
    error: (message, fields) => write(paint('31', 'error '), message, fields),
    progress: (done, total, label) => {
      if (io.stderr.isTTY !== true) return;
      if (!bar) {
        // Loaded on the first bar only: a command that never shows one never pays for it.
        const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule;
        bar = new cliProgress.SingleBar(
          { stream: io.stderr as NodeJS.WritableStream, format: ' {bar} {value}/{total} targets  {label}', hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, { label });
      }
      bar.update(done, { label });
      if (done >= total) {
        bar.stop();
        bar = undefined;
      }
    },
  };
}
