import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { EventEnvelope } from '@okr/okr-domain';
import type { EventSink } from './event-export';

/**
 * JSON Lines: each event's envelope (id, type, schemaVersion, streamId, revision, position, data,
 * metadata, hash) on a line. Waits for the file to drain when its buffer is full, so a slow disk slows
 * the read instead of filling memory.
 */
export function jsonlSink(file: string): EventSink {
  const out = createWriteStream(file);
  let failure: Error | undefined;
  out.on('error', (error) => (failure = error));
  return {
    async write(event: EventEnvelope) {
      if (failure) throw failure;
      if (!out.write(`${JSON.stringify(event)}\n`)) await once(out, 'drain');
    },
    async close() {
      out.end();
      if (!out.closed) await once(out, 'close');
      if (failure) throw failure;
    },
  };
}
