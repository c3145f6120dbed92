import type { FactoryProvider } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { EVENT_STORE, WrongExpectedRevisionError, type EventStore } from '@okr/event-store';
import { IDEMPOTENCY_STORE, sha256, type IdempotencyRecord, type IdempotencyStore } from './idempotency-store';

/** Stream category of stored idempotent responses; relays publishing domain categories skip it. */
export const IDEMPOTENCY_CATEGORY = 'idempotency';
/** Event type of a stored response. */
export const IDEMPOTENT_RESPONSE_RECORDED = 'IdempotentResponseRecorded';

/**
 * An {@link IdempotencyStore} on the event store port: one stream per scope,
 * `idempotency-<sha256(scope)>`, holding one `IdempotentResponseRecorded` event appended with expected
 * revision `no_stream`. Losing that race ({@link WrongExpectedRevisionError}) means another request
 * stored first, so its record is read back and returned. It survives restarts and works in every
 * event store mode without other infrastructure.
 */
export class EventStoreIdempotencyStore implements IdempotencyStore {
  constructor(private readonly store: EventStore) {}

  /** The stream of a scope key. */
  static streamOf(scopeKey: string): string {
    return `${IDEMPOTENCY_CATEGORY}-${sha256(scopeKey)}`;
  }

  async get(scopeKey: string): Promise<IdempotencyRecord | undefined> {
    for await (const event of this.store.readStream(EventStoreIdempotencyStore.streamOf(scopeKey), { maxCount: 1 })) {
      if (event.type === IDEMPOTENT_RESPONSE_RECORDED) return event.data as unknown as IdempotencyRecord;
    }
    return undefined;
  }

  async put(scopeKey: string, record: IdempotencyRecord): Promise<IdempotencyRecord> {
    const streamId = EventStoreIdempotencyStore.streamOf(scopeKey);
    try {
      await this.store.append(
        streamId,
        [
          {
            id: uuidv7(),
            type: IDEMPOTENT_RESPONSE_RECORDED,
            schemaVersion: 1,
            data: record,
            metadata: {
              tenantId: record.tenantId,
              actor: record.actor,
              correlationId: record.correlationId,
              causationId: record.correlationId,
              occurredAt: record.storedAt,
            },
          },
        ],
        'no_stream',
      );
      return record;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      const stored = await this.get(scopeKey);
      if (!stored) throw error;
      return stored;
    }
  }
}

/** Binds {@link IDEMPOTENCY_STORE} to an {@link EventStoreIdempotencyStore} over the app's `EVENT_STORE`. */
export const eventStoreIdempotencyProvider: FactoryProvider<IdempotencyStore> = {
  provide: IDEMPOTENCY_STORE,
  useFactory: (store: EventStore) => new EventStoreIdempotencyStore(store),
  inject: [EVENT_STORE],
};
