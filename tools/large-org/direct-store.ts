import type { EventEnvelope } from '@okr/okr-domain';
import {
  ProtectedEventStore,
  SqliteEventStore,
  SqliteKeyStore,
  type AppendResult,
  type EventStore,
  type PersonalDataKeyStore,
  type ReadStreamOptions,
  type StreamAppend,
  type SubjectKey,
} from '@okr/event-store';

/**
 * The embedded store as the services open it (the SQLite adapter, personal data sealed with the keys
 * of the data folder's key store), for a build that is the only writer while it runs: a person's key
 * is asked of the key store once (the services ask on every seal, because another replica may have
 * destroyed it meanwhile; nothing is erased during a build).
 */
export function openDirectStore(files: { events: string; keys: string }): EventStore {
  const events = SqliteEventStore.open({ file: files.events });
  try {
    return new ProtectedEventStore(events, new KeysOncePerPerson(SqliteKeyStore.open({ file: files.keys })));
  } catch (error) {
    void events.close();
    throw error;
  }
}

class KeysOncePerPerson implements PersonalDataKeyStore {
  private readonly keys = new Map<string, Promise<SubjectKey>>();

  constructor(private readonly inner: PersonalDataKeyStore) {}

  keyFor(tenantId: string, subjectId: string): Promise<SubjectKey> {
    const name = `${tenantId}\u0000${subjectId}`;
    let key = this.keys.get(name);
    if (!key) this.keys.set(name, (key = this.inner.keyFor(tenantId, subjectId)));
    return key;
  }
  keyIdOf(tenantId: string, subjectId: string) {
    return this.inner.keyIdOf(tenantId, subjectId);
  }
  keyById(keyId: string) {
    return this.inner.keyById(keyId);
  }
  destroy(keyId: string): Promise<boolean> {
    this.keys.clear();
    return this.inner.destroy(keyId);
  }
  close() {
    return this.inner.close();
  }
}

const done: IteratorResult<EventEnvelope> = { done: true, value: undefined };
const nothing: AsyncIterable<EventEnvelope> = { [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve(done) }) };

/**
 * The store seen by the only writer of a tenant's streams: it knows each stream's head from its own
 * appends, so a fold that asks for events after the head it cached (every command of the build does)
 * is answered without a query. Streams it has not written are read from the store, unless the store
 * was empty when the build began (then they do not exist).
 */
export class SoleWriterStore implements EventStore {
  private readonly heads = new Map<string, number>();

  constructor(
    private readonly inner: EventStore,
    private readonly startedEmpty: boolean,
  ) {}

  append(streamId: string, events: Parameters<EventStore['append']>[1], expected: Parameters<EventStore['append']>[2]): Promise<AppendResult> {
    return this.appendMany([{ streamId, events, expected }]).then(([result]) => result as AppendResult);
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const results = await this.inner.appendMany(appends);
    appends.forEach(({ streamId }, i) => this.heads.set(streamId, (results[i] as AppendResult).nextExpectedRevision));
    return results;
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<EventEnvelope> {
    const forwardsNow = options.until === undefined && options.direction !== 'backwards';
    const head = this.heads.get(streamId);
    if (forwardsNow && head !== undefined && (options.fromRevision ?? 0) > head) return nothing;
    if (forwardsNow && head === undefined && this.startedEmpty) return nothing;
    return this.inner.readStream(streamId, options);
  }

  readAll: EventStore['readAll'] = (options) => this.inner.readAll(options);
  subscribe: EventStore['subscribe'] = (options) => this.inner.subscribe(options);
  headPosition = () => this.inner.headPosition();
  close = () => this.inner.close();
}
