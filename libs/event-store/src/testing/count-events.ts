import type { EventStore } from '../lib/event-store.port';

/** Counts every event in the store: a failed command must leave it unchanged. */
export async function countEvents(store: EventStore): Promise<number> {
  let count = 0;
  for await (const _ of store.readAll()) count++;
  return count;
}
