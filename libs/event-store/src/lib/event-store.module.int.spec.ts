import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { collect, newEvent, uniqueStream } from '../testing/event-store.contract';
import { EventStoreModule } from './event-store.module';
import { EVENT_STORE, type EventStore } from './event-store.port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

describe('EventStoreModule', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-event-store-module-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('provides the configured store under EVENT_STORE and closes it on shutdown', async () => {
    const file = join(dir, 'events.db');
    const moduleRef = await Test.createTestingModule({ imports: [EventStoreModule.forRoot({ kind: 'sqlite', file })] }).compile();
    const app = await moduleRef.init();
    const store = app.get<EventStore>(EVENT_STORE);
    const streamId = uniqueStream();

    await store.append(streamId, [newEvent()], 'no_stream');
    await app.close();

    expect(store).toBeInstanceOf(SqliteEventStore);
    await expect(store.headPosition()).rejects.toThrow(/not open/);
    const reopened = SqliteEventStore.open({ file });
    expect(await collect(reopened.readStream(streamId))).toHaveLength(1);
    await reopened.close();
  });
});
