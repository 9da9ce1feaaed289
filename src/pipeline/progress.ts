import type { Logger } from '../model/logger.js';

/**
 * The fleet as the TTY shows it: targets done, failed and skipped, and the stage each running
 * target is in. One object per run; the logger decides whether and how to draw it.
 */
export class FleetProgress {
  private done = 0;
  private failed = 0;
  private skipped = 0;
  private readonly running = new Map<string, string>();

  constructor(
    private readonly total: number,
    private readonly logger: Logger,
  ) {}

  stage(target: string, stage: string): void {
    this.running.set(target, stage);
    this.draw();
  }

  finished(target: string, outcome: 'ok' | 'partial' | 'failed' | 'skipped'): void {
    this.running.delete(target);
    this.done += 1;
    if (outcome === 'failed' || outcome === 'partial') this.failed += 1;
    if (outcome === 'skipped') this.skipped += 1;
    this.draw();
  }

  label(): string {
    const running = [...this.running].map(([target, stage]) => `${target}: ${stage}`).join(', ');
    return `failed ${this.failed} skipped ${this.skipped}${running ? ` | ${running}` : ''}`;
  }

  private draw(): void {
    this.logger.progress(this.done, this.total, this.label());
  }
}
