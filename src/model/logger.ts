/** How stages report progress and problems; cli/ decides whether it is a TTY display or JSON lines. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Progress of long work: `done` of `total` units, with what is under way. */
  progress(done: number, total: number, label: string): void;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  progress: () => undefined,
};
