import type { ExpectedRevision, NewEvent, StreamAppend } from './event-store.port';

/**
 * The category of a stream id: the prefix before the first '-' (`objective-0193…` -> `objective`).
 * Same rule as `categoryOf` in `@okr/okr-domain`; kept here so the adapters load with no path alias at
 * run time (child processes and the benchmark require them by relative path).
 */
export const categoryOfStream = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
};

/** Milliseconds since the epoch of `metadata.occurredAt`; rejects what is not an instant. */
export const occurredAtMillis = (event: NewEvent): number => {
  const millis = Date.parse(event.metadata.occurredAt);
  if (Number.isNaN(millis)) {
    throw new RangeError(`Event ${event.id}: metadata.occurredAt is not an ISO-8601 instant: ${event.metadata.occurredAt}`);
  }
  return millis;
};

/** Rejects appends no adapter can store the same way, before any I/O. */
export const assertAppendable = (streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): void => {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new RangeError('streamId must be a non-empty string');
  if (streamId.startsWith('$')) throw new RangeError(`Stream ${streamId}: '$' streams are reserved for the store`);
  if (events.length === 0) throw new RangeError(`Append to ${streamId} has no events`);
  if (typeof expected === 'number' && (!Number.isSafeInteger(expected) || expected < 0)) {
    throw new RangeError(`Expected revision must be 'any', 'no_stream' or a revision >= 0, got ${expected}`);
  }
  const ids = new Set<string>();
  for (const event of events) {
    if (typeof event.id !== 'string' || event.id.length === 0) throw new RangeError(`Append to ${streamId}: an event has no id`);
    if (ids.has(event.id)) throw new RangeError(`Append to ${streamId}: event id ${event.id} appears twice`);
    ids.add(event.id);
  }
};

/** Rejects a multi-stream append no adapter can store atomically the same way: each part as an append, each stream once. */
export const assertAppendableMany = (appends: readonly StreamAppend[]): void => {
  if (appends.length === 0) throw new RangeError('appendMany has no streams to append to');
  const streams = new Set<string>();
  const ids = new Set<string>();
  for (const { streamId, events, expected } of appends) {
    assertAppendable(streamId, events, expected);
    if (streams.has(streamId)) throw new RangeError(`appendMany: stream ${streamId} appears twice (give its events as one part)`);
    streams.add(streamId);
    for (const event of events) {
      if (ids.has(event.id)) throw new RangeError(`appendMany: event id ${event.id} appears twice`);
      ids.add(event.id);
    }
  }
};

/** Where a retry of an append with `expected` must have put its first event, if that is known. */
export const retryStartRevision = (expected: ExpectedRevision): number | undefined =>
  expected === 'any' ? undefined : expected === 'no_stream' ? 0 : expected + 1;
