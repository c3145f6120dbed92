/** Polls `probe` until it returns something other than undefined: read models follow writes a moment later. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, attempts = 400): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Gave up waiting for ${what}`);
}

/** The calendar date `days` from today (UTC). */
export const isoDay = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
