/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The least time {@link waitFor} waits without progress: CI machines are busy 2-core machines, and a
 * test waits for what it expects, never fails on the machine's speed.
 */
export const WAIT_FOR_MIN_STALL_MS = 30_000;

/**
 * Polls `predicate` until it holds; rejects with `describe()` in the message when it has not held for
 * `stallMs` (never less than {@link WAIT_FOR_MIN_STALL_MS}) without progress, so a test that waits for
 * something that never comes fails with what it was waiting for instead of Jest's bare timeout.
 * `progress` (e.g. a count of what has arrived) resets the wait whenever its value changes: a slow
 * machine that keeps making progress is never a failure.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  stallMs: number,
  describe: () => string = () => 'condition',
  progress?: () => unknown,
): Promise<void> {
  stallMs = Math.max(stallMs, WAIT_FOR_MIN_STALL_MS);
  let deadline = Date.now() + stallMs;
  let seen = progress?.();
  for (;;) {
    if (await predicate()) return;
    if (progress) {
      const now = progress();
      if (now !== seen) {
        seen = now;
        deadline = Date.now() + stallMs;
      }
    }
    if (Date.now() > deadline) throw new Error(`waitFor: no progress for ${stallMs} ms waiting for ${describe()}`);
    await sleep(20);
  }
}
