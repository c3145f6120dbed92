/**
 * How long to wait before retrying a delivery whose attempt number `attempt` (1-based) failed:
 * `initialMs * 2^(attempt-1)`, capped at `maxMs`, with "equal jitter" (half of it fixed, the other
 * half random), so deliveries that failed together during an outage do not come back together.
 * Result in [ceiling / 2, ceiling].
 *
 * libs/messaging's `backoffMs` computes the same curve for the bus, but its randomness cannot be
 * injected and its defaults (200 ms .. 10 s) fit in-process redelivery, not notifications.
 */
export function retryDelayMs(
  attempt: number,
  { initialMs = 1000, maxMs = 300_000 }: { initialMs?: number; maxMs?: number } = {},
  random: () => number = Math.random,
): number {
  const step = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  // 2 ** 1100 is Infinity, which Math.min caps just as well.
  const ceiling = Math.min(maxMs, initialMs * 2 ** (step - 1));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
