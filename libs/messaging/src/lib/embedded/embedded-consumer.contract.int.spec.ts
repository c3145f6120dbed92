import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { SqliteEventStore } from '@okr/event-store';
import { messagingContract, type MessagingFixture } from '../../testing/messaging.contract';
import { EmbeddedConsumer } from './embedded-consumer';

/**
 * The embedded adapter under the one messaging contract: a temporary SQLite file, produce = append
 * to the event store, and each `newConsumer` a new store and client on that file (as another process
 * would open it).
 */
messagingContract('EmbeddedConsumer', async (): Promise<MessagingFixture> => {
  const dir = mkdtempSync(join(tmpdir(), 'okr-embedded-contract-'));
  const file = join(dir, 'events.db');
  const store = SqliteEventStore.open({ file, synchronous: 'NORMAL' });
  const stores: SqliteEventStore[] = [store];
  const clients: EmbeddedConsumer[] = [];
  const client = (own: SqliteEventStore): EmbeddedConsumer => {
    const consumer = new EmbeddedConsumer({ store: own, file, leaseTtlMs: 2000, pollIntervalMs: 20 });
    clients.push(consumer);
    return consumer;
  };
  const inspector = client(store);

  return {
    async newConsumer() {
      const own = SqliteEventStore.open({ file, synchronous: 'NORMAL' });
      stores.push(own);
      return client(own);
    },
    async produce(_topic, events) {
      // One append per event, in the given order: the log order is the produce order across streams.
      for (const event of events) {
        await store.append(
          event.streamId,
          [
            {
              id: event.id ?? uuidv7(),
              type: event.type,
              data: event.data,
              metadata: {
                tenantId: 'tenant-a',
                actor: 'contract',
                correlationId: randomUUID(),
                causationId: randomUUID(),
                occurredAt: new Date().toISOString(),
                ...event.metadata,
              },
            },
          ],
          'any',
        );
      }
    },
    deadLetters: (group, topic) => inspector.deadLetters(group, topic),
    async cleanup() {
      for (const consumer of clients) await consumer.close();
      for (const own of stores) await own.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
