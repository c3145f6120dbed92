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
  /** A run asked for by {@link again} while one was in progress: it runs when that one ends. */
  private queued?: () => Promise<unknown>;
  private stopped = false;

  constructor(
    /** Logged with the error when a run fails. */
    private readonly failureMessage: string,
    private readonly logger: PeriodicLogger,
  ) {}

  start(seconds: number, task: () => Promise<unknown>, options: { immediately?: boolean } = {}): void {
    this.stopped = false;
    if (seconds === 0) return;
    if (options.immediately) this.tick(task);
    this.timer = setInterval(() => this.tick(task), seconds * 1000);
    this.timer.unref();
  }

  /** Runs the task now unless a run is in progress. */
  tick(task: () => Promise<unknown>): void {
    if (this.running || this.stopped) return;
    this.running = task()
      .catch((error: unknown) => this.logger.error({ err: error }, this.failureMessage))
      .finally(() => {
        this.running = undefined;
        const queued = this.queued;
        this.queued = undefined;
        if (queued) this.tick(queued);
      });
  }

  /**
   * Runs the task now, or once more right after the run in progress (which may have started before
   * what calls for this run happened). Several calls during one run make one more run.
   */
  again(task: () => Promise<unknown>): void {
    if (this.stopped) return;
    if (this.running) this.queued = task;
    else this.tick(task);
  }

  /** Stops the timer (and any run asked for by {@link again}), then waits for the run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queued = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
