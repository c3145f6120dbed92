/**
 * Process-wide turns of the event loop for work that runs in pieces beside an HTTP server: every
 * piece (a consumer member's batch, each further slice of a read model's batch, a step of a sweep)
 * waits here, and ONE waiter is let through per event-loop turn (setImmediate), in arrival order.
 *
 * Without it, every piece that yielded with its own `setImmediate` resumes in the same check phase
 * and runs there, so the loop is held for the sum of their pieces (8 read models catching up:
 * 600-1,000 ms per turn with whole batches, measured; 8 slices of 20 ms each with sliced batches) and
 * an HTTP request waits that long for each hop it needs. With it, the server's I/O is polled between
 * any two pieces, whoever they belong to.
 */
const waiting: Array<() => void> = [];
let scheduled = false;

const letNextThrough = (): void => {
  waiting.shift()?.();
  scheduled = waiting.length > 0;
  if (scheduled) setImmediate(letNextThrough);
};

/** Resolves on a later turn of the event loop, when every piece that asked before has had its turn. */
export const nextTurn = (): Promise<void> =>
  new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(letNextThrough);
    }
  });
