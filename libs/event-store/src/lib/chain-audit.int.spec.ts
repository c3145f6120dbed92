import { collect, newEvent, uniqueStream } from '../testing/event-store.contract';
import { exportStreams, verifyExport, verifyTenantLog, type ExportManifest } from './chain-audit';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

async function* linesOf(text: string): AsyncIterable<string> {
  yield* text.split('\n');
}

describe('chain audit: tenant verification and auditor exports', () => {
  let store: SqliteEventStore;
  const [a, b] = [uniqueStream('objective'), uniqueStream('checkins')];

  beforeAll(async () => {
    store = SqliteEventStore.open({ file: ':memory:' });
    await store.append(a, [newEvent('Opened', { title: 'Grow' }), newEvent('Renamed', { title: 'Grow faster' })], 'no_stream');
    await store.append(b, [newEvent('CheckedIn', { value: 3 })], 'no_stream');
    const other = newEvent('Opened', { title: 'Elsewhere' });
    await store.append(uniqueStream('objective'), [{ ...other, metadata: { ...other.metadata, tenantId: 'tenant-b' } }], 'no_stream');
  });
  afterAll(() => store.close());

  it("verifies every stream of one tenant in one pass, and only that tenant's", async () => {
    expect(await verifyTenantLog(store, 'tenant-a')).toEqual({ tenantId: 'tenant-a', streams: 2, events: 3, intact: true, unchained: [], broken: [] });
  });

  it('exports streams as JSON Lines with a manifest that an offline check accepts', async () => {
    const text = (await collect(exportStreams(store, 'tenant-a', [a, b], { cycleId: 'q3' }))).join('');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const { manifest } = JSON.parse(lines[3]) as { manifest: ExportManifest };
    const events = await collect(store.readStream(a));
    expect(manifest).toMatchObject({ scheme: 'okr-event-chain-v1', tenantId: 'tenant-a', scope: { cycleId: 'q3' } });
    expect(manifest.streams.map((s) => [s.streamId, s.events, s.headHash])).toEqual([[a, 2, events[1].hash], [b, 1, expect.any(String)]]);

    expect(await verifyExport(linesOf(text))).toMatchObject({ intact: true, digestMatches: true, problems: [] });
  });

  it('finds an export whose event line was edited', async () => {
    const text = (await collect(exportStreams(store, 'tenant-a', [a], { stream: a }))).join('');
    const edited = text.replace('Grow faster', 'Grow slower');
    const check = await verifyExport(linesOf(edited));
    expect(check.intact).toBe(false);
    expect(check.digestMatches).toBe(false);
    expect(check.streams[0]).toMatchObject({ intact: false, firstBrokenLink: { revision: 1, reason: 'hash-mismatch' } });
  });
});
