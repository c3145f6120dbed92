import type { EventStore, NewEvent } from '@okr/event-store';
import { WrongExpectedRevisionError } from '@okr/event-store';
import { v7 as uuidv7 } from 'uuid';
import { LeaseLostError, type RelayStateStore } from './relay-state.port';

interface LeaseData {
  owner: string | null;
  expiresAt: number;
}

const SYSTEM = { tenantId: 'system', actor: 'relay', causationId: 'relay', correlationId: 'relay' };

/**
 * Events kept of a lease or checkpoint stream: only the last one is ever read; a few more show the
 * recent hand-overs when someone looks.
 */
export const RELAY_STREAM_MAX_COUNT = 10;

/**
 * Relay checkpoint and lease kept in the event store itself (streams `relaylease-{relay}` and
 * `relaycheckpoint-{relay}`), for production where the store is KurrentDB and there is no SQLite file.
 * The lease is a compare-and-set on the lease stream's expected revision. These streams grow by one
 * event per checkpoint or renewal, so before its first lease the store gives both a `$maxCount`
 * ({@link RELAY_STREAM_MAX_COUNT}) where it can drop events (KurrentDB); only their last event is read.
 */
export class EventStoreRelayStateStore implements RelayStateStore {
  private readonly retained = new Map<string, Promise<void>>();

  constructor(private readonly store: EventStore) {}

  async tryAcquire(relay: string, owner: string, ttlMs: number): Promise<boolean> {
    await this.retain(relay);
    const now = Date.now();
    const last = await this.last<LeaseData>(`relaylease-${relay}`);
    const free = !last || last.data.owner === null || last.data.owner === owner || last.data.expiresAt < now;
    if (!free) return false;
    try {
      await this.store.append(
        `relaylease-${relay}`,
        [this.event('RelayLeaseTaken', { owner, expiresAt: now + ttlMs })],
        last ? last.revision : 'no_stream',
      );
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return false;
      throw error;
    }
  }

  async release(relay: string, owner: string): Promise<void> {
    const last = await this.last<LeaseData>(`relaylease-${relay}`);
    if (!last || last.data.owner !== owner) return;
    await this.store
      .append(`relaylease-${relay}`, [this.event('RelayLeaseReleased', { owner: null, expiresAt: 0 })], last.revision)
      .catch((error: unknown) => {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      });
  }

  async checkpoint(relay: string): Promise<number> {
    return (await this.last<{ position: number }>(`relaycheckpoint-${relay}`))?.data.position ?? -1;
  }

  async saveCheckpoint(relay: string, owner: string, position: number): Promise<void> {
    const lease = await this.last<LeaseData>(`relaylease-${relay}`);
    if (!lease || lease.data.owner !== owner || lease.data.expiresAt < Date.now()) throw new LeaseLostError(relay, owner);
    await this.store.append(`relaycheckpoint-${relay}`, [this.event('RelayCheckpointSaved', { position })], 'any');
  }

  async close(): Promise<void> {
    // The store belongs to the caller.
  }

  /** Once per relay and process: setting the same metadata again would only add a metadata event. */
  private retain(relay: string): Promise<void> {
    const set = this.store.setStreamRetention?.bind(this.store);
    if (!set) return Promise.resolve();
    let done = this.retained.get(relay);
    if (!done) {
      done = Promise.all([
        set(`relaylease-${relay}`, { maxCount: RELAY_STREAM_MAX_COUNT }),
        set(`relaycheckpoint-${relay}`, { maxCount: RELAY_STREAM_MAX_COUNT }),
      ]).then(
        () => undefined,
        (error: unknown) => {
          this.retained.delete(relay); // tried again on the next acquire
          throw error;
        },
      );
      this.retained.set(relay, done);
    }
    return done;
  }

  private async last<T>(streamId: string): Promise<{ revision: number; data: T } | undefined> {
    for await (const event of this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 })) {
      return { revision: event.revision, data: event.data as T };
    }
    return undefined;
  }

  private event(type: string, data: unknown): NewEvent {
    return { id: uuidv7(), type, data, metadata: { ...SYSTEM, occurredAt: new Date().toISOString() } };
  }
}
