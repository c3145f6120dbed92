import type { EventStore } from '@okr/event-store';
import type { EventEnvelope } from '@okr/okr-domain';
import type { ExportOptions } from './export-options';

/** Where exported events go, one at a time; `close` finishes the file. */
export interface EventSink {
  write(event: EventEnvelope): Promise<void> | void;
  close(): Promise<void>;
}

export interface ExportProgress {
  /** Events read from the log (every tenant of the chosen categories). */
  read: number;
  /** Events written to the file. */
  written: number;
  done: boolean;
}

export interface ExportReport {
  read: number;
  written: number;
}

/**
 * Streams one tenant's events of the chosen categories, in log order and latest schema versions (as
 * the event store hands them out), into `sink`. Holds one event at a time (the store reads pages), so
 * memory does not grow with the log. `onProgress` is called every `progressEvery` events read, and
 * once at the end.
 */
export async function exportEvents(
  store: EventStore,
  options: Pick<ExportOptions, 'tenant' | 'from' | 'to' | 'categories'>,
  sink: EventSink,
  onProgress: (progress: ExportProgress) => void = () => undefined,
  progressEvery = 100_000,
): Promise<ExportReport> {
  const from = options.from?.getTime() ?? Number.NEGATIVE_INFINITY;
  const to = options.to?.getTime() ?? Number.POSITIVE_INFINITY;
  let read = 0;
  let written = 0;
  try {
    for await (const event of store.readAll({ categories: options.categories })) {
      read += 1;
      const at = Date.parse(event.metadata.occurredAt);
      if (event.metadata.tenantId === options.tenant && at >= from && at < to) {
        await sink.write(event);
        written += 1;
      }
      if (read % progressEvery === 0) onProgress({ read, written, done: false });
    }
  } finally {
    await sink.close();
  }
  onProgress({ read, written, done: true });
  return { read, written };
}
