import type { AggregateSnapshot, SnapshotSpan, SnapshotStore } from './snapshot-store.port';

/** One event of a snapshot stream, as the store reads it back. */
export interface StoredSnapshotEvent {
  /** Its revision in the snapshot stream (not the aggregate's). */
  revision: number;
  type: string;
  data: unknown;
}

/**
 * What the snapshot store needs of KurrentDB's streams: reading one event, the last one, a whole
 * (small) stream, appending at an exact revision, and truncating. {@link KurrentDbSnapshotStreams} is
 * the client's; the unit tests run the store on an in-memory one, the contract suite on a live server.
 */
export interface SnapshotStreams {
  /** The event at `revision` (the first one after it when it was truncated away); undefined past the end. */
  readAt(stream: string, revision: number): Promise<StoredSnapshotEvent | undefined>;
  /** The stream's last event; undefined for an absent stream. */
  readLast(stream: string): Promise<StoredSnapshotEvent | undefined>;
  /** Every event still in the stream, oldest first. */
  readAll(stream: string): AsyncIterable<StoredSnapshotEvent>;
  /**
   * Appends one event when the stream's last revision is `expected` ('no_stream': absent; 'any': no
   * check). Its revision, or undefined when another writer got there first.
   */
  append(stream: string, type: string, data: Record<string, unknown>, expected: number | 'no_stream' | 'any'): Promise<number | undefined>;
  /** Events before `revision` are no longer read and are scavenged (`$tb`). */
  truncateBefore(stream: string, revision: number): Promise<void>;
  close(): Promise<void>;
}

/** The stream that holds an aggregate stream's snapshots (a system stream: no reader of `$all` gets them). */
export const snapshotStreamOf = (streamId: string): string => `$snapshots-${streamId}`;

/** The stream that lists a tenant's snapshot streams, for dropping them all after an erasure. */
export const tenantSnapshotIndexOf = (tenantId: string): string => `$snapshot-streams-${tenantId}`;

export const SNAPSHOT_TYPE = 'AggregateSnapshot';
export const DROPPED_TYPE = 'SnapshotsDropped';
const INDEX_TYPE = 'SnapshotStreamOpened';

/** Out-of-order chunks a snapshot event lists before it stops listing them (then `span` walks the segment). */
export const MAX_LATE = 256;

/**
 * A snapshot as stored: the snapshot, where its segment (the run of snapshots of one shape since the
 * stream's last drop or change of shape) starts in the snapshot stream, and the segment's snapshots whose
 * chunk holds an event earlier than the previous snapshot's latest (`late`: another writer's clock was
 * behind), as `[revision, chunkMinOccurredAt ms]`.
 */
export interface SnapshotEventData {
  snapshot: AggregateSnapshot;
  segmentStart: number;
  late: [number, number][];
  /** More than {@link MAX_LATE} late chunks: `late` is incomplete. */
  lateOverflow?: boolean;
}

interface Located {
  at: number;
  data: SnapshotEventData;
}

const isSnapshot = (event: StoredSnapshotEvent | undefined): event is StoredSnapshotEvent & { data: SnapshotEventData } =>
  event !== undefined && event.type === SNAPSHOT_TYPE && typeof event.data === 'object' && event.data !== null && 'snapshot' in event.data;

const maxOccurredAtOf = (data: SnapshotEventData): number => Date.parse(data.snapshot.maxOccurredAt);
const chunkMinOf = (data: SnapshotEventData): number => Date.parse(data.snapshot.chunkMinOccurredAt);

/** Appends that lost to another writer before the save gives up (a cache: the next fold keeps it again). */
const MAX_ATTEMPTS = 5;

/**
 * Snapshots in KurrentDB, one system stream per aggregate stream (`$snapshots-{streamId}`), each
 * snapshot one event. The events of one shape since the stream's last drop form a segment kept in
 * increasing aggregate revision: a save appends at exactly the head it read (so two writers never
 * interleave out of order) and a save older than the head is dropped (its chunk is already covered; the
 * next snapshot's chunk then starts before it, which only makes as-of reads read more). So `nearest`
 * is a binary search over the segment (its snapshots' `maxOccurredAt` only grow), one read per step, and
 * `span` needs the snapshot after it and the `late` list of the head. Dropping a stream's snapshots
 * appends a marker and truncates the stream before it (`$tb`: the scavenge removes the states, personal
 * data included); so does a new shape (the old shape's snapshots are not read again). A tenant's
 * snapshot streams are listed in `$snapshot-streams-{tenantId}` for `deleteTenant`.
 *
 * System streams: with ACLs on, the connection's user must be allowed to write `$` streams ($admins by
 * default).
 */
export class KurrentDbSnapshotStore implements SnapshotStore {
  constructor(private readonly streams: SnapshotStreams) {}

  async save(snapshot: AggregateSnapshot): Promise<void> {
    const stream = snapshotStreamOf(snapshot.streamId);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const head = await this.streams.readLast(stream);
      const sameShape = isSnapshot(head) && head.data.snapshot.shape === snapshot.shape;
      let data: SnapshotEventData;
      if (sameShape) {
        const previous = head.data;
        // Already covered; or a chunk that would leave revisions after the head uncovered.
        if (snapshot.revision < previous.snapshot.revision) return;
        if (snapshot.chunkFrom !== undefined && snapshot.chunkFrom > previous.snapshot.revision + 1) return;
        data = { snapshot, segmentStart: previous.segmentStart, ...lateAfter(previous, snapshot) };
      } else {
        // A run starts at the stream's start: a fold that began at a snapshot now dropped starts none.
        if (snapshot.chunkFrom !== undefined && snapshot.chunkFrom !== 0) return;
        data = { snapshot, segmentStart: head ? head.revision + 1 : 0, late: [] };
      }
      const appended = await this.streams.append(stream, SNAPSHOT_TYPE, data as unknown as Record<string, unknown>, head ? head.revision : 'no_stream');
      if (appended === undefined) continue;
      if (!sameShape) {
        await this.streams.append(tenantSnapshotIndexOf(snapshot.tenantId), INDEX_TYPE, { streamId: snapshot.streamId }, 'any');
        // Another shape's snapshots (or a drop's marker) before it: scavenged.
        if (head) await this.streams.truncateBefore(stream, appended);
      }
      return;
    }
  }

  async nearest(streamId: string, shape: string, until: Date): Promise<AggregateSnapshot | undefined> {
    const segment = await this.segment(streamId, shape);
    return segment && (await this.nearestIn(snapshotStreamOf(streamId), segment, until.getTime()))?.data.snapshot;
  }

  async span(streamId: string, shape: string, after: number, until: Date): Promise<SnapshotSpan> {
    const segment = await this.segment(streamId, shape);
    if (!segment) return { through: after, coveredTo: -1 };
    const coveredTo = segment.data.snapshot.revision;
    if (coveredTo <= after) return { through: after, coveredTo };
    const stream = snapshotStreamOf(streamId);
    const untilMs = until.getTime();
    let through: number;
    if (segment.data.lateOverflow) {
      through = await this.walkBack(stream, segment, after, untilMs);
    } else {
      // Snapshots in clock order: every one up to the nearest holds an event at or before `until`, the
      // one after it may, and none after that (its chunk starts at or after its predecessor's latest).
      const nearest = await this.nearestIn(stream, segment, untilMs);
      const nextAt = nearest ? nearest.at + 1 : segment.data.segmentStart;
      const next = nextAt === segment.at ? segment.data : nextAt < segment.at ? await this.dataAt(stream, nextAt) : undefined;
      through = next && chunkMinOf(next) <= untilMs ? next.snapshot.revision : (nearest?.data.snapshot.revision ?? -1);
      // Snapshots out of clock order: listed on the head.
      for (const [revision, chunkMin] of segment.data.late) if (revision > through && chunkMin <= untilMs) through = revision;
    }
    return { through: Math.max(through, after), coveredTo };
  }

  async deleteStream(streamId: string): Promise<void> {
    const stream = snapshotStreamOf(streamId);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const head = await this.streams.readLast(stream);
      if (!head || head.type === DROPPED_TYPE) return;
      const marker = await this.streams.append(stream, DROPPED_TYPE, {}, head.revision);
      if (marker === undefined) continue;
      await this.streams.truncateBefore(stream, marker);
      return;
    }
    // Lost to writers MAX_ATTEMPTS times: drop whatever is there now, unconditionally.
    const marker = await this.streams.append(stream, DROPPED_TYPE, {}, 'any');
    if (marker !== undefined) await this.streams.truncateBefore(stream, marker);
  }

  async deleteTenant(tenantId: string): Promise<void> {
    const index = tenantSnapshotIndexOf(tenantId);
    const streamIds = new Set<string>();
    let last: number | undefined;
    for await (const event of this.streams.readAll(index)) {
      const { streamId } = event.data as { streamId?: unknown };
      if (typeof streamId === 'string') streamIds.add(streamId);
      last = event.revision;
    }
    for (const streamId of streamIds) await this.deleteStream(streamId);
    // Streams opened after the read stay listed (past `last`).
    if (last !== undefined) await this.streams.truncateBefore(index, last + 1);
  }

  async close(): Promise<void> {
    await this.streams.close();
  }

  /** The head of the stream's segment of `shape`, if its last event is a snapshot of that shape. */
  private async segment(streamId: string, shape: string): Promise<Located | undefined> {
    const head = await this.streams.readLast(snapshotStreamOf(streamId));
    return isSnapshot(head) && head.data.snapshot.shape === shape ? { at: head.revision, data: head.data } : undefined;
  }

  private async dataAt(stream: string, at: number): Promise<SnapshotEventData | undefined> {
    const event = await this.streams.readAt(stream, at);
    return isSnapshot(event) && event.revision === at ? event.data : undefined;
  }

  /** The last snapshot of the segment whose `maxOccurredAt` is at or before `untilMs`: a binary search. */
  private async nearestIn(stream: string, segment: Located, untilMs: number): Promise<Located | undefined> {
    if (maxOccurredAtOf(segment.data) <= untilMs) return segment;
    let found: Located | undefined;
    let low = segment.data.segmentStart;
    let high = segment.at - 1;
    while (low <= high) {
      const middle = Math.floor((low + high) / 2);
      const data = await this.dataAt(stream, middle);
      // A segment holds only its snapshots; anything else means it was dropped meanwhile.
      if (!data || data.snapshot.shape !== segment.data.snapshot.shape) return undefined;
      if (maxOccurredAtOf(data) <= untilMs) {
        found = { at: middle, data };
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  /** The last snapshot after `after` whose chunk holds an event at or before `untilMs`, one read each. */
  private async walkBack(stream: string, segment: Located, after: number, untilMs: number): Promise<number> {
    for (let at = segment.at; at >= segment.data.segmentStart; at -= 1) {
      const data = at === segment.at ? segment.data : await this.dataAt(stream, at);
      if (!data || data.snapshot.revision <= after) break;
      if (chunkMinOf(data) <= untilMs) return data.snapshot.revision;
    }
    return after;
  }
}

/**
 * The late list a snapshot appended after `previous` carries: `previous`'s, with this snapshot added
 * when its chunk starts before `previous`'s latest event (a replacement of `previous`'s revision is
 * listed when it may start earlier than the one it replaces did). Listing an in-order snapshot too is
 * harmless: `span` checks each listed chunk's own time.
 */
export function lateAfter(previous: SnapshotEventData, snapshot: AggregateSnapshot): Pick<SnapshotEventData, 'late' | 'lateOverflow'> {
  const chunkMin = Date.parse(snapshot.chunkMinOccurredAt);
  const replacing = snapshot.revision === previous.snapshot.revision;
  const kept = replacing ? previous.late.filter(([revision]) => revision !== snapshot.revision) : previous.late;
  const wasLate = kept.length !== previous.late.length;
  const isLate = replacing ? wasLate || chunkMin < chunkMinOf(previous) : chunkMin < maxOccurredAtOf(previous);
  const late: [number, number][] = isLate ? [...kept, [snapshot.revision, chunkMin]] : kept;
  if (previous.lateOverflow || late.length > MAX_LATE) return { late: [], lateOverflow: true };
  return { late };
}
