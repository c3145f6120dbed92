import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { ERASED_PERSON } from '@okr/okr-domain';
import { PersonalDataProtection, ProtectedEventStore, SqliteEventStore, SqliteKeyStore, publishedEvents } from '@okr/event-store';
import type { IntegrationEvent } from './integration-event';
import type { ConsumerOptions, IntegrationEventConsumer, IntegrationEventPublisher, RunningConsumer } from './messaging.port';
import { OpeningConsumer } from './opening-consumer';
import { Relay } from './relay/relay';
import { SqliteRelayStateStore } from './relay/sqlite-relay-state';
import { waitFor } from '../testing/wait-for';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Stands for Kafka: keeps what the relay published and hands it to the started consumer as stored. */
class RecordingBus implements IntegrationEventPublisher, IntegrationEventConsumer {
  readonly published: IntegrationEvent[] = [];
  options: ConsumerOptions | undefined;
  async publish(_topic: string, events: readonly IntegrationEvent[]): Promise<void> {
    this.published.push(...events);
  }
  async start(options: ConsumerOptions): Promise<RunningConsumer> {
    this.options = options;
    return { stop: async () => undefined };
  }
  async deliverAll(): Promise<void> {
    for (const event of this.published) await this.options?.handlers[event.type]?.(event);
  }
  async reset(): Promise<void> {
    this.published.length = 0;
  }
  async lag(): Promise<[]> {
    return [];
  }
  async caughtUp(): Promise<boolean> {
    return true;
  }
  async listGroups(): Promise<string[]> {
    return [];
  }
  async deleteIdleGroups(): Promise<{ deleted: string[]; kept: [] }> {
    return { deleted: [], kept: [] };
  }
  async close(): Promise<void> {
    this.options = undefined;
  }
}

describe('personal data on the bus', () => {
  let dir: string;
  let store: ProtectedEventStore;
  let state: SqliteRelayStateStore;
  let relay: Relay | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-opening-'));
    store = new ProtectedEventStore(SqliteEventStore.open({ file: join(dir, 'events.sqlite') }), SqliteKeyStore.open({ file: join(dir, 'keys.sqlite') }));
    state = new SqliteRelayStateStore(join(dir, 'events.sqlite'));
  });
  afterEach(async () => {
    await relay?.stop();
    await state.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes personal data sealed; the platform’s consumers read it opened, and "erased person" after the erasure', async () => {
    const metadata = { tenantId: 'acme', actor: 'ann', correlationId: 'c', causationId: 'c', occurredAt: '2026-10-01T09:00:00.000Z' };
    await store.append('objective-o1', [{ id: uuidv7(), type: 'ObjectiveSet', data: { objectiveId: 'o1', cycleId: 'c1', teamId: 'web', ownerId: 'ann', title: 'Faster checkout' }, metadata }], 'no_stream');
    const bus = new RecordingBus();
    relay = new Relay({ name: 'goals', topic: 'okr.goals.v1', categories: ['objective'], store: publishedEvents(store), publisher: bus, state, logger: silent, leaseTtlMs: 300 });
    relay.start();
    await waitFor(() => bus.published.length === 1, 0, () => 'the relay to publish the objective');

    const [published] = bus.published;
    expect(JSON.stringify(published)).not.toContain('"ann"');
    expect(published?.data).toMatchObject({ title: 'Faster checkout', teamId: 'web', ownerId: expect.stringMatching(/^pd1\./) });

    const seen: IntegrationEvent[] = [];
    await new OpeningConsumer(bus, new PersonalDataProtection(store.keys)).start({
      group: 'insights',
      topics: ['okr.goals.v1'],
      handlers: { ObjectiveSet: async (event) => void seen.push(event) },
    });
    await bus.deliverAll();
    expect(seen[0]?.metadata.actor).toBe('ann');
    expect(seen[0]?.data).toMatchObject({ ownerId: 'ann', title: 'Faster checkout' });

    // The event was published before the erasure; a consumer reading it afterwards (a replay) sees no one.
    await store.keys.destroy((await store.keys.keyIdOf('acme', 'ann')) as string);
    await bus.deliverAll();
    expect(seen[1]?.metadata.actor).toBe(ERASED_PERSON);
    expect(seen[1]?.data).toMatchObject({ ownerId: ERASED_PERSON, title: 'Faster checkout', objectiveId: 'o1', cycleId: 'c1' });
  });

  it('hands a group started sealed the events as the topic carries them', async () => {
    const metadata = { tenantId: 'acme', actor: 'ann', correlationId: 'c', causationId: 'c', occurredAt: '2026-10-01T09:00:00.000Z' };
    await store.append('objective-o1', [{ id: uuidv7(), type: 'ObjectiveSet', data: { objectiveId: 'o1', cycleId: 'c1', teamId: 'web', ownerId: 'ann', title: 'Faster checkout' }, metadata }], 'no_stream');
    const bus = new RecordingBus();
    relay = new Relay({ name: 'goals', topic: 'okr.goals.v1', categories: ['objective'], store: publishedEvents(store), publisher: bus, state, logger: silent, leaseTtlMs: 300 });
    relay.start();
    await waitFor(() => bus.published.length === 1, 0, () => 'the relay to publish the objective');
    const seen: IntegrationEvent[] = [];
    await new OpeningConsumer(bus, new PersonalDataProtection(store.keys)).start({
      group: 'insights.read-model',
      topics: ['okr.goals.v1'],
      sealed: true,
      handlers: { ObjectiveSet: async (event) => void seen.push(event) },
    });
    await bus.deliverAll();
    expect(seen[0]?.metadata.actor).toMatch(/^pd1\./);
    expect(seen[0]?.data).toMatchObject({ ownerId: expect.stringMatching(/^pd1\./), title: 'Faster checkout' });
  });
});
