/** The time as a service's rules see it; injected, so that tests (and test clocks) set `now`. */
export interface Clock {
  now(): Date;
}

/** A clock of its own per app (not a shared object), so a test that stubs one app's clock stubs only it. */
export const systemClock = (): Clock => ({ now: () => new Date() });

/** Where a failed run is logged: pino's and Nest's loggers both fit. */
export interface PeriodicLogger {
  error(obj: object, msg: string): void;
}

/**
 * Runs a task every `seconds` (0: never), one run at a time (a tick while a run is in progress is
 * skipped), logging a failed run and trying again at the next tick; `stop` waits for the run in
 * progress. The timer does not keep the process alive.
 */
export class Periodic {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    /** Logged with the error when a run fails. */
    private readonly failureMessage: string,
    private readonly logger: PeriodicLogger,
  ) {}

  start(seconds: number, task: () => Promise<unknown>, options: { immediately?: boolean } = {}): void {
    if (seconds === 0) return;
    if (options.immediately) this.tick(task);
    this.timer = setInterval(() => this.tick(task), seconds * 1000);
    this.timer.unref();
  }

  /** Runs the task now unless a run is in progress. */
  tick(task: () => Promise<unknown>): void {
    if (this.running) return;
    this.running = task()
      .catch((error: unknown) => this.logger.error({ err: error }, this.failureMessage))
      .finally(() => (this.running = undefined));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
