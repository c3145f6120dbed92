import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  type JSONType,
} from '@kurrent/kurrentdb-client';
import type { SnapshotStreams, StoredSnapshotEvent } from './kurrentdb-snapshot-store';

interface ReadOptions {
  direction: typeof FORWARDS | typeof BACKWARDS;
  fromRevision: typeof START | typeof END | bigint;
  maxCount?: number;
}

/** {@link SnapshotStreams} on a KurrentDB (EventStoreDB) server, through `@kurrent/kurrentdb-client`. */
export class KurrentDbSnapshotStreams implements SnapshotStreams {
  /** Connects lazily: the first call reaches the server. */
  static connect(connectionString: string): KurrentDbSnapshotStreams {
    return new KurrentDbSnapshotStreams(KurrentDBClient.connectionString(connectionString));
  }

  constructor(private readonly client: KurrentDBClient) {}

  async readAt(stream: string, revision: number): Promise<StoredSnapshotEvent | undefined> {
    for await (const event of this.read(stream, { direction: FORWARDS, fromRevision: BigInt(revision), maxCount: 1 })) return event;
    return undefined;
  }

  async readLast(stream: string): Promise<StoredSnapshotEvent | undefined> {
    for await (const event of this.read(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) return event;
    return undefined;
  }

  readAll(stream: string): AsyncIterable<StoredSnapshotEvent> {
    return this.read(stream, { direction: FORWARDS, fromRevision: START });
  }

  async append(stream: string, type: string, data: Record<string, unknown>, expected: number | 'no_stream' | 'any'): Promise<number | undefined> {
    const streamState = expected === 'any' ? ANY : expected === 'no_stream' ? NO_STREAM : BigInt(expected);
    try {
      const result = await this.client.appendToStream(stream, jsonEvent({ type, data: data as JSONType }), { streamState });
      return Number(result.nextExpectedRevision);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return undefined;
      throw error;
    }
  }

  /** `$tb` on the stream's metadata (it replaces the stream's metadata: we set no other). */
  async truncateBefore(stream: string, revision: number): Promise<void> {
    await this.client.setStreamMetadata(stream, { truncateBefore: revision });
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private async *read(stream: string, options: ReadOptions): AsyncIterable<StoredSnapshotEvent> {
    try {
      for await (const resolved of this.client.readStream(stream, options)) {
        const event = resolved.event;
        if (!event || !event.isJson) continue;
        yield { revision: Number(event.revision), type: event.type, data: event.data };
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return;
      throw error;
    }
  }
}

/** A snapshot store on a KurrentDB server (see `KurrentDbSnapshotStore`). */
export const connectKurrentDbSnapshotStore = async (connectionString: string) => {
  const { KurrentDbSnapshotStore } = await import('./kurrentdb-snapshot-store');
  return new KurrentDbSnapshotStore(KurrentDbSnapshotStreams.connect(connectionString));
};
