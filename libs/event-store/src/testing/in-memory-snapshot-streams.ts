import type { SnapshotStreams, StoredSnapshotEvent } from '../lib/snapshots/kurrentdb-snapshot-store';

/**
 * KurrentDB's stream operations as the snapshot store uses them, in memory, for unit tests of the
 * store's own logic (the search, the runs, the drops): revisions from 0 per stream, appends checked
 * against the last revision, `$tb` hiding what is before it, data through JSON as on the wire. It is no
 * stand-in for the server: the KurrentDB contract run (EVENTSTORE_URL) is.
 */
export class InMemorySnapshotStreams implements SnapshotStreams {
  readonly streams = new Map<string, { events: StoredSnapshotEvent[]; truncatedBefore: number }>();
  /** Reads asked for, by kind. */
  readonly reads = { at: 0, last: 0, all: 0 };

  async readAt(stream: string, revision: number): Promise<StoredSnapshotEvent | undefined> {
    this.reads.at += 1;
    const kept = this.streams.get(stream);
    if (!kept) return undefined;
    return kept.events.find((event) => event.revision >= Math.max(revision, kept.truncatedBefore));
  }

  async readLast(stream: string): Promise<StoredSnapshotEvent | undefined> {
    this.reads.last += 1;
    const kept = this.streams.get(stream);
    const last = kept?.events[kept.events.length - 1];
    return last && kept && last.revision >= kept.truncatedBefore ? last : undefined;
  }

  async *readAll(stream: string): AsyncIterable<StoredSnapshotEvent> {
    this.reads.all += 1;
    const kept = this.streams.get(stream);
    for (const event of kept?.events ?? []) if (kept && event.revision >= kept.truncatedBefore) yield event;
  }

  async append(stream: string, type: string, data: Record<string, unknown>, expected: number | 'no_stream' | 'any'): Promise<number | undefined> {
    const kept = this.streams.get(stream) ?? { events: [], truncatedBefore: 0 };
    const last = kept.events.length === 0 ? 'no_stream' : kept.events.length - 1;
    if (expected !== 'any' && expected !== last) return undefined;
    const revision = kept.events.length;
    kept.events.push({ revision, type, data: JSON.parse(JSON.stringify(data)) as unknown });
    this.streams.set(stream, kept);
    return revision;
  }

  async truncateBefore(stream: string, revision: number): Promise<void> {
    const kept = this.streams.get(stream);
    if (kept) kept.truncatedBefore = revision;
  }

  /** What a scavenge would leave: the events at or after `$tb`. */
  scavenged(stream: string): StoredSnapshotEvent[] {
    const kept = this.streams.get(stream);
    return kept ? kept.events.filter((event) => event.revision >= kept.truncatedBefore) : [];
  }

  async close(): Promise<void> {
    // Nothing to release.
  }
}
