/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `predicate` until it holds; rejects after `timeoutMs` with `describe()` in the message, so a
 * test that waits for something that never comes fails with what it was waiting for instead of
 * Jest's bare timeout.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string = () => 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`waitFor: timed out after ${timeoutMs} ms waiting for ${describe()}`);
    await sleep(20);
  }
}
