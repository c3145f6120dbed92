import type { Logger } from '@nestjs/common';

/**
 * Runs a task every `seconds` (0: never), one run at a time, logging a failed run with its context
 * and trying again at the next tick; `stop` waits for the run in progress. The timer does not keep
 * the process alive.
 */
export class Periodic {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly what: string,
    private readonly logger: Logger,
  ) {}

  start(seconds: number, task: () => Promise<unknown>, options: { immediately?: boolean } = {}): void {
    if (seconds === 0) return;
    const tick = (): void => {
      if (this.running) return;
      this.running = task()
        .catch((error: unknown) => this.logger.error({ err: error }, `${this.what} failed; retrying on the next tick`))
        .finally(() => (this.running = undefined));
    };
    if (options.immediately) tick();
    this.timer = setInterval(tick, seconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
