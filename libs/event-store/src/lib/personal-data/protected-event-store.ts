import type { EventEnvelope } from '@okr/okr-domain';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StreamAppend,
  SubscribeOptions,
} from '../event-store.port';
import { readPath } from '../read-path';
import type { PersonalDataKeyStore } from './key-store.port';
import { PersonalDataProtection, liftSealed } from './personal-data-protection';

/**
 * The event store every service uses: the configured adapter with personal data sealed before it is
 * stored and opened on every read. `stored` is the adapter itself, for what must see the stored bytes:
 * the hash chain's verifiers and the relay (Kafka carries what is stored).
 */
export class ProtectedEventStore implements EventStore {
  readonly protection: PersonalDataProtection;

  constructor(
    readonly stored: EventStore,
    readonly keys: PersonalDataKeyStore,
  ) {
    this.protection = new PersonalDataProtection(keys);
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const sealed: NewEvent[] = [];
    for (const event of events) sealed.push(await this.protection.seal(event));
    return this.stored.append(streamId, sealed, expected);
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const sealed: StreamAppend[] = [];
    for (const { streamId, events, expected } of appends) {
      const each: NewEvent[] = [];
      for (const event of events) each.push(await this.protection.seal(event));
      sealed.push({ streamId, events: each, expected });
    }
    return this.stored.appendMany(sealed);
  }

  /**
   * Every read (subscriptions too) takes the stored event, opens it with the stored version's field
   * names, then lifts it: upcasters read plain values. `asStored`: exactly as stored, sealed (the hash
   * chain, the auditor's export).
   */
  readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<EventEnvelope> {
    if (options.asStored) return this.stored.readStream(streamId, options);
    return this.opened(this.stored.readStream(streamId, { ...options, asStored: true }));
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<EventEnvelope> {
    if (options.asStored) return this.stored.readAll(options);
    return this.opened(this.stored.readAll({ ...options, asStored: true }));
  }

  subscribe(options: SubscribeOptions = {}): AsyncIterable<EventEnvelope> {
    if (options.asStored) return this.stored.subscribe(options);
    return this.opened(this.stored.subscribe({ ...options, asStored: true }));
  }

  headPosition(): Promise<number> {
    return this.stored.headPosition();
  }

  async close(): Promise<void> {
    await this.stored.close();
    await this.keys.close();
  }

  /** Opens first, then lifts to the latest schema version: upcasters read plain values. */
  private async *opened(events: AsyncIterable<EventEnvelope>): AsyncIterable<EventEnvelope> {
    for await (const event of events) yield readPath(await this.protection.open(event));
  }
}

/** The events as stored (personal fields sealed), whether or not `store` protects personal data. */
export const storedEvents = (store: EventStore): EventStore => (store instanceof ProtectedEventStore ? store.stored : store);

/**
 * `value` (a read model's document, a query's answer) with every sealed personal-data string in it
 * opened with the store's keys, erased people reading "erased person"
 * ({@link PersonalDataProtection.openDocument}); `value` as it is when the store protects nothing.
 */
export const openSealedValues = <T>(store: EventStore, value: T): Promise<T> =>
  store instanceof ProtectedEventStore ? store.protection.openDocument(value) : Promise.resolve(value);

/**
 * The events as the relay publishes them: personal data sealed, each event in its latest schema
 * version, lifted by upcasters that read plain values (see `liftSealed`). `asStored` reads pass through.
 */
export function publishedEvents(store: EventStore): EventStore {
  if (!(store instanceof ProtectedEventStore)) return store;
  const { stored, protection } = store;
  const lifted = async function* (events: AsyncIterable<EventEnvelope>): AsyncIterable<EventEnvelope> {
    for await (const event of events) yield await liftSealed(protection, event);
  };
  return {
    append: (streamId, events, expected) => stored.append(streamId, events, expected),
    appendMany: (appends) => stored.appendMany(appends),
    readStream: (streamId, options = {}) => (options.asStored ? stored.readStream(streamId, options) : lifted(stored.readStream(streamId, { ...options, asStored: true }))),
    readAll: (options = {}) => (options.asStored ? stored.readAll(options) : lifted(stored.readAll({ ...options, asStored: true }))),
    subscribe: (options = {}) => (options.asStored ? stored.subscribe(options) : lifted(stored.subscribe({ ...options, asStored: true }))),
    headPosition: () => stored.headPosition(),
    ...(stored.setStreamRetention ? { setStreamRetention: stored.setStreamRetention.bind(stored) } : {}),
    close: () => stored.close(),
  };
}
