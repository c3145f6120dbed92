import { Periodic } from './periodic';

describe('Periodic', () => {
  afterEach(() => jest.useRealTimers());

  it('runs at start when asked, then every period, never two runs at once, and logs a failure', async () => {
    jest.useFakeTimers();
    const errors: string[] = [];
    const periodic = new Periodic('test run failed; retrying on the next tick', { error: (_obj, msg) => errors.push(msg) });
    let runs = 0;
    let release: () => void = () => undefined;
    periodic.start(
      10,
      () => {
        runs += 1;
        if (runs === 2) return Promise.reject(new Error('boom'));
        return runs === 3 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
      },
      { immediately: true },
    );
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(2);
    expect(errors).toEqual(['test run failed; retrying on the next tick']);
    await jest.advanceTimersByTimeAsync(10_000);
    await jest.advanceTimersByTimeAsync(10_000); // run 3 still in progress: this tick is skipped
    expect(runs).toBe(3);
    const stopped = periodic.stop();
    release();
    await stopped;
    await jest.advanceTimersByTimeAsync(30_000);
    expect(runs).toBe(3);
  });

  it('runs again right after the run in progress when asked to during it (once for several asks), and not after stop', async () => {
    const periodic = new Periodic('failed', { error: () => undefined });
    const releases: Array<() => void> = [];
    let runs = 0;
    const task = (): Promise<void> => {
      runs += 1;
      return new Promise<void>((resolve) => releases.push(resolve));
    };
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    periodic.again(task);
    expect(runs).toBe(1);
    periodic.again(task);
    periodic.again(task);
    expect(runs).toBe(1);
    releases.shift()?.();
    await settle();
    expect(runs).toBe(2);
    releases.shift()?.();
    await settle();
    expect(runs).toBe(2);
    periodic.again(task);
    expect(runs).toBe(3);
    periodic.again(task);
    const stopped = periodic.stop();
    releases.shift()?.();
    await stopped;
    await settle();
    expect(runs).toBe(3);
    periodic.again(task);
    expect(runs).toBe(3);
  });

  it('never runs with a period of 0', async () => {
    jest.useFakeTimers();
    let runs = 0;
    new Periodic('never', { error: () => undefined }).start(0, async () => void (runs += 1), { immediately: true });
    await jest.advanceTimersByTimeAsync(100_000);
    expect(runs).toBe(0);
  });
});
