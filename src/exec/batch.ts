import { execa, type ResultPromise } from 'execa';
import { baseEnvironment, type RunOptions } from './run.js';
import { SieveError } from '../model/errors.js';

/**
 * A long-lived child that answers requests on stdin with a header line and an optional body on
 * stdout (`git cat-file --batch-command`). One process serves many reads, where a process per
 * read would cost more than the reading.
 */
export class BatchProcess {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private waiter: (() => void) | undefined;
  private stderr = '';
  // Requests are answered in order; one at a time keeps the protocol simple.
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly command: string,
    private readonly child: ResultPromise,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.wake();
    });
    child.stdout?.on('end', () => {
      this.ended = true;
      this.wake();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += chunk.toString('utf8');
    });
    // A child that dies early shows up as an ended stdout; the result itself is not awaited.
    child.catch(() => undefined);
  }

  static start(file: string, args: readonly string[], options: Pick<RunOptions, 'cwd' | 'env'> = {}): BatchProcess {
    const child = execa(file, args, {
      cwd: options.cwd,
      env: options.env ?? baseEnvironment(),
      extendEnv: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      encoding: 'buffer',
    });
    return new BatchProcess([file, ...args].join(' '), child);
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  private async need(bytes: number): Promise<void> {
    while (this.buffered < bytes) {
      if (this.ended) throw new SieveError('SIEVE_EXEC', `${this.command} stopped answering${this.stderr ? `: ${this.stderr.trim().split('\n').slice(-3).join('; ')}` : ''}`);
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  private take(bytes: number): Buffer {
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    const taken = all.subarray(0, bytes);
    const rest = all.subarray(bytes);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return taken;
  }

  private async readLine(maxBytes = 4096): Promise<string> {
    for (;;) {
      const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
      this.chunks = all.length ? [all] : [];
      const newline = all.indexOf(0x0a);
      if (newline >= 0) return this.take(newline + 1).subarray(0, newline).toString('utf8');
      if (all.length > maxBytes) throw new SieveError('SIEVE_EXEC', `${this.command}: an answer line is longer than ${maxBytes} bytes`);
      await this.need(all.length + 1);
    }
  }

  /**
   * Sends one request line and reads the header line of its answer; `body(header)` says how many
   * bytes of body follow (then a newline), or undefined for none.
   */
  request(line: string, body: (header: string) => number | undefined): Promise<{ header: string; body?: Buffer }> {
    const next = this.queue.then(async () => {
      this.child.stdin?.write(`${line}\n`);
      const header = await this.readLine();
      const size = body(header);
      if (size === undefined) return { header };
      await this.need(size + 1);
      const content = this.take(size + 1).subarray(0, size);
      return { header, body: content };
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Ends the child (closing stdin lets it exit on its own) and waits for it. */
  async close(): Promise<void> {
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    try {
      await this.child;
    } catch {
      // its exit status says nothing about answers already read
    } finally {
      clearTimeout(timer);
    }
  }
}
