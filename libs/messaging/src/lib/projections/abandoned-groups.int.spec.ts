import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@okr/event-store';
import { EmbeddedReadStore } from '@okr/read-store';
import { EmbeddedConsumer } from '../embedded/embedded-consumer';
import type { RunningConsumer } from '../messaging.port';
import { waitFor } from '../../testing';
import { COUNTED_TOPIC, appendCounted, categoriesOf, countedModel } from './catch-up.fixture';
import { abandonedGroups } from './followed-group';
import { ReadModelRunner, readModelGroup } from './read-model-runner';

const BASE = readModelGroup('svc', countedModel);

describe('abandoned consumer groups of a read model (embedded bus)', () => {
  let dir: string;
  let events: SqliteEventStore;
  let consumer: EmbeddedConsumer;
  const closing: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'okr-abandoned-groups-'));
    events = SqliteEventStore.open({ file: join(dir, 'events.db'), synchronous: 'NORMAL' });
    consumer = new EmbeddedConsumer({ store: events, file: join(dir, 'events.db'), categoriesOf, pollIntervalMs: 20 });
    await appendCounted(events, 200, 4);
  });

  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
    await consumer.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A runner of the counted model on a read store of its own file, run until it has applied everything. */
  const runOn = async (file: string): Promise<ReadModelRunner> => {
    const store = EmbeddedReadStore.open({ file: join(dir, file) });
    const runner = new ReadModelRunner(consumer, store, { service: 'svc', topics: [COUNTED_TOPIC], models: [countedModel] });
    closing.push(async () => {
      await runner.onModuleDestroy();
      await store.close();
    });
    await runner.onApplicationBootstrap();
    await runner.started();
    await waitFor(() => consumer.caughtUp(runner.groupOf(countedModel), [COUNTED_TOPIC]), 30_000, () => 'the runner caught up');
    return runner;
  };

  it('names as abandoned only the base group and {base}.{8 hex} groups other than the followed one', () => {
    const listed = [BASE, `${BASE}.0badf00d`, `${BASE}.cafebabe`, `${BASE}.cafebabe.reset-scan.1`, `${BASE}-other`, `${BASE}.XYZ`];
    expect(abandonedGroups(BASE, `${BASE}.cafebabe`, listed)).toEqual([BASE, `${BASE}.0badf00d`]);
  });

  it('a store that moved to a group of its own deletes the group it left once nobody consumes in it, and keeps a group with a live member', async () => {
    // A replica whose store was lost: it followed a group that a new store will not follow.
    const lost = await runOn('lost.read.db');
    const left = lost.groupOf(countedModel);
    await lost.onModuleDestroy();
    // Another group of the same model that a live member consumes in (a pod with a store of its own).
    const busy: RunningConsumer = await consumer.start({ group: `${BASE}.0badf00d`, topics: [COUNTED_TOPIC], handlers: { Counted: async () => undefined } });
    closing.push(() => busy.stop());
    await waitFor(() => consumer.caughtUp(`${BASE}.0badf00d`, [COUNTED_TOPIC]), 30_000, () => 'the busy group caught up');
    expect(await consumer.listGroups(BASE)).toEqual(expect.arrayContaining([left, `${BASE}.0badf00d`]));

    const fresh = await runOn('fresh.read.db');
    const followed = fresh.groupOf(countedModel);
    expect(followed).not.toBe(left);
    // The left group's positions are gone; the followed and the busy group are there.
    expect((await consumer.listGroups(BASE)).sort()).toEqual([`${BASE}.0badf00d`, followed].sort());
    expect(await consumer.deleteIdleGroups([`${BASE}.0badf00d`])).toEqual({
      deleted: [],
      kept: [{ group: `${BASE}.0badf00d`, reason: expect.stringContaining('holds its lease') }],
    });
  });
});
