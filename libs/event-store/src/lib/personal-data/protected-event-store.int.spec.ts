import { ERASED_PERSON, type EventMetadata } from '@okr/okr-domain';
import { v7 as uuidv7 } from 'uuid';
import { collect } from '../../testing/event-store.contract';
import { exportStreams, verifyExport, verifyTenantLog } from '../chain-audit';
import { verifyChain } from '../event-chain';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { ProtectedEventStore, openSealedValues, publishedEvents, storedEvents } from './protected-event-store';
import { SqliteKeyStore } from './sqlite-key-store';

const tenantId = 'acme';
const meta = (actor: string, occurredAt: string): EventMetadata => ({ tenantId, actor, correlationId: 'c', causationId: 'c', occurredAt });
const stream = 'checkins-kr1';

describe('ProtectedEventStore', () => {
  let store: ProtectedEventStore;

  beforeEach(async () => {
    store = new ProtectedEventStore(SqliteEventStore.open({ file: ':memory:' }), SqliteKeyStore.open({ file: ':memory:' }));
    await store.append(
      stream,
      [
        { id: uuidv7(), type: 'CheckInRecorded', data: { checkInId: 'ci1', keyResultId: 'kr1', objectiveId: 'o1', value: 40, confidence: 3, note: 'Ann was ill', blockers: ['hiring'], effectiveAt: '2026-10-01', recordedAt: '2026-10-01T09:00:00.000Z' }, metadata: meta('ann', '2026-10-01T09:00:00.000Z') },
        { id: uuidv7(), type: 'CheckInRecorded', data: { checkInId: 'ci2', keyResultId: 'kr1', objectiveId: 'o1', value: 55, confidence: 4, note: 'Bob shipped it', effectiveAt: '2026-10-08', recordedAt: '2026-10-08T09:00:00.000Z' }, metadata: meta('bob', '2026-10-08T09:00:00.000Z') },
      ],
      'no_stream',
    );
  });
  afterEach(() => store.close());

  it('stores personal fields sealed and everything else as written', async () => {
    const stored = await collect(storedEvents(store).readStream(stream));
    const bytes = JSON.stringify(stored);
    for (const secret of ['Ann was ill', 'hiring', 'Bob shipped it', '"ann"', '"bob"']) expect(bytes).not.toContain(secret);
    expect(stored[0]?.metadata.actor).toMatch(/^pd1\./);
    expect(stored[0]?.data).toMatchObject({ value: 40, confidence: 3, effectiveAt: '2026-10-01', note: expect.stringMatching(/^pd1\./) });
  });

  it('reads them back opened on every read path', async () => {
    const [first] = await collect(store.readStream(stream));
    expect(first?.metadata.actor).toBe('ann');
    expect(first?.data).toMatchObject({ note: 'Ann was ill', blockers: ['hiring'] });
    expect((await collect(store.readAll())).map((e) => e.metadata.actor)).toEqual(['ann', 'bob']);
    const abort = new AbortController();
    const live: string[] = [];
    for await (const event of store.subscribe({ signal: abort.signal })) {
      live.push(event.metadata.actor);
      if (live.length === 2) abort.abort();
    }
    expect(live).toEqual(['ann', 'bob']);
  });

  it('after the key is destroyed, reads "erased person" where her data was and keeps every other fact and the chain', async () => {
    const annKey = await store.keys.keyIdOf(tenantId, 'ann');
    expect(await store.keys.destroy(annKey as string)).toBe(true);

    const [ann, bob] = await collect(store.readStream(stream));
    expect(ann?.metadata.actor).toBe(ERASED_PERSON);
    expect(ann?.data).toEqual({ checkInId: 'ci1', keyResultId: 'kr1', objectiveId: 'o1', value: 40, confidence: 3, note: ERASED_PERSON, blockers: [ERASED_PERSON], effectiveAt: '2026-10-01', recordedAt: '2026-10-01T09:00:00.000Z' });
    expect(bob?.metadata.actor).toBe('bob');
    expect(bob?.data).toMatchObject({ note: 'Bob shipped it', value: 55 });

    expect((await verifyChain(stream, storedEvents(store).readStream(stream))).intact).toBe(true);
    expect((await verifyTenantLog(store, tenantId)).intact).toBe(true);
  });

  it("exports the auditor's file readable, erased where erased, and verifiable offline", async () => {
    await store.keys.destroy((await store.keys.keyIdOf(tenantId, 'ann')) as string);
    const lines = await collect(exportStreams(store, tenantId, [stream], { stream }));
    const file = lines.join('');
    expect(file).not.toContain('Ann was ill');
    expect(file).toContain('Bob shipped it');
    expect(JSON.parse(lines[0] as string).data.note).toBe(ERASED_PERSON);
    const check = await verifyExport((async function* () {
      for (const line of file.split('\n')) yield line;
    })());
    expect(check).toMatchObject({ intact: true, problems: [] });

    const forged = file.replace('Bob shipped it', 'Bob broke it');
    const forgedCheck = await verifyExport((async function* () {
      for (const line of forged.split('\n')) yield line;
    })());
    expect(forgedCheck.intact).toBe(false);
  });

  it('opens an event of an older schema version before lifting it to the latest', async () => {
    await store.append(
      'objective-o1',
      [{ id: uuidv7(), type: 'ObjectiveOwnershipTransferred', schemaVersion: 1, data: { objectiveId: 'o1', from: 'ann', to: 'bob', reason: 'Ann moved team' }, metadata: meta('cy', '2026-10-02T09:00:00.000Z') }],
      'no_stream',
    );
    const [stored] = await collect(store.readStream('objective-o1', { asStored: true }));
    expect(stored).toMatchObject({ schemaVersion: 1, data: { reason: expect.stringMatching(/^pd1\./) } });
    const [read] = await collect(store.readStream('objective-o1'));
    expect(read?.schemaVersion).toBeGreaterThan(1);
    expect(read?.metadata.actor).toBe('cy');
    expect(read?.data).toMatchObject({ fromOwnerId: 'ann', toOwnerId: 'bob', reason: 'Ann moved team' });
  });

  it('opens the sealed values a read document copied from the events, anywhere in it, and an erased person reads "erased person"', async () => {
    const [first, second] = await collect(publishedEvents(store).readStream(stream));
    // A read model's document keeps the values as the events carry them (sealed), beside plain facts.
    const document = { _id: 'kr1', value: 40, who: [first?.metadata.actor], notes: { first: first?.data['note'], second: second?.data['note'] }, at: '2026-10-01' };
    expect(JSON.stringify(document)).not.toMatch(/ann|Bob shipped/);
    expect(await openSealedValues(store, document)).toEqual({ _id: 'kr1', value: 40, who: ['ann'], notes: { first: 'Ann was ill', second: 'Bob shipped it' }, at: '2026-10-01' });
    expect(document.who).toEqual([first?.metadata.actor]); // the caller's document is left as it was

    await store.keys.destroy((await store.keys.keyIdOf(tenantId, 'ann')) as string);
    expect(await openSealedValues(store, document)).toEqual({ _id: 'kr1', value: 40, who: [ERASED_PERSON], notes: { first: ERASED_PERSON, second: 'Bob shipped it' }, at: '2026-10-01' });
    const plain = { a: ['x'], b: 1 };
    expect(await openSealedValues(store, plain)).toBe(plain);
    expect(await openSealedValues(storedEvents(store), document)).toBe(document); // a store that protects nothing opens nothing
  });
});
