import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { collect, eventStoreContract, follow, newEvent, uniqueCategory, uniqueStream } from '../../testing/event-store.contract';
import { EventIdConflictError, WrongExpectedRevisionError } from '../event-store.port';
import { SqliteEventStore } from './sqlite-event-store';
import { SQLITE_SCHEMA_VERSION } from './sqlite-schema';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'okr-event-store-'));

eventStoreContract('SqliteEventStore', async () => {
  const dir = tempDir();
  return {
    store: SqliteEventStore.open({ file: join(dir, 'contract', 'events.db') }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('SqliteEventStore', () => {
  let dir: string;
  let file: string;
  const opened: SqliteEventStore[] = [];
  const open = (options: { pageSize?: number } = {}): SqliteEventStore => {
    const store = SqliteEventStore.open({ file, ...options });
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    dir = tempDir();
    file = join(dir, 'data', 'events.db');
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the schema once, records its version, and keeps events across reopening', async () => {
    const first = open();
    const streamId = uniqueStream('objective');
    const result = await first.append(streamId, [newEvent()], 'no_stream');
    await first.close();

    const again = open();
    expect(await collect(again.readStream(streamId))).toHaveLength(1);
    expect(await again.headPosition()).toBe(result.position);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('refuses a file written by a newer schema', () => {
    open();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();

    expect(() => SqliteEventStore.open({ file })).toThrow(/schema 99/);
  });

  it('reports -1 as the head of an empty log', async () => {
    expect(await open().headPosition()).toBe(-1);
  });

  it('rejects a retry whose ids are only partly stored, or stored in another stream', async () => {
    const store = open();
    const streamId = uniqueStream();
    const [a, b] = [newEvent(), newEvent()];
    await store.append(streamId, [a], 'no_stream');

    await expect(store.append(streamId, [a, b], 'no_stream')).rejects.toBeInstanceOf(EventIdConflictError);
    await expect(store.append(uniqueStream(), [a], 'any')).rejects.toBeInstanceOf(EventIdConflictError);
    await expect(store.append(streamId, [b, a], 'any')).rejects.toThrow(EventIdConflictError);
    expect(await collect(store.readAll())).toHaveLength(1);
  });

  it('treats a stale expected revision with unknown ids as a plain conflict', async () => {
    const store = open();
    const streamId = uniqueStream();
    await store.append(streamId, [newEvent(), newEvent()], 'no_stream');

    await expect(store.append(streamId, [newEvent()], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
  });

  it('commits appends made together in one transaction: one WAL commit for the batch, not one per append', async () => {
    /** Frames in the write-ahead log after 20 one-event appends (each commit writes the pages it changed). */
    const walFrames = async (together: boolean): Promise<number> => {
      const store = SqliteEventStore.open({ file: join(dir, `${together ? 'together' : 'one-by-one'}.db`) });
      opened.push(store);
      const appends = Array.from({ length: 20 }, () => () => store.append(uniqueStream('objective'), [newEvent()], 'no_stream'));
      if (together) await Promise.all(appends.map((append) => append()));
      else for (const append of appends) await append();
      const raw = new Database(join(dir, `${together ? 'together' : 'one-by-one'}.db`));
      const [{ log }] = raw.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
      raw.close();
      return log;
    };

    const oneByOne = await walFrames(false);
    const together = await walFrames(true);

    expect(together * 5).toBeLessThan(oneByOne);
  });

  it('answers a retry made in the same batch as its original with the original result', async () => {
    const store = open();
    const streamId = uniqueStream();
    const events = [newEvent(), newEvent()];

    const [original, retry, other] = await Promise.allSettled([
      store.append(streamId, events, 'no_stream'),
      store.append(streamId, events, 'no_stream'),
      store.append(streamId, [newEvent()], 'no_stream'),
    ]);

    expect(original).toEqual({ status: 'fulfilled', value: { nextExpectedRevision: 1, position: expect.any(Number) } });
    expect(retry).toEqual(original);
    expect(other.status === 'rejected' && other.reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect((await collect(store.readStream(streamId))).map((event) => event.id)).toEqual(events.map((event) => event.id));
  });

  it('wakes a subscription for appends made through another connection', async () => {
    const reader = open();
    const writer = open();
    const category = uniqueCategory();
    const subscription = follow(reader, { categories: [category] });

    await writer.append(uniqueStream(category), [newEvent()], 'no_stream');
    await subscription.waitFor(1, 2_000);
    await subscription.stop();

    expect(subscription.received).toHaveLength(1);
  });

  it('ends open subscriptions on close', async () => {
    const store = SqliteEventStore.open({ file });
    const subscription = follow(store, {});

    await store.close();

    await expect(subscription.stop()).resolves.toBeUndefined();
  });

  it('reads pages with several categories without skipping', async () => {
    const store = open({ pageSize: 7 });
    const [a, b] = [uniqueCategory(), uniqueCategory()];
    for (let index = 0; index < 40; index += 1) {
      await store.append(uniqueStream(index % 3 === 0 ? a : b), [newEvent()], 'no_stream');
    }

    const both = await collect(store.readAll({ categories: [a, b, a] }));

    expect(both.map((event) => event.position)).toEqual((await collect(store.readAll())).map((event) => event.position));
  });

  it('pages categories of very different density, and a page read while another connection appends stays a page', async () => {
    const store = open({ pageSize: 5 });
    const writer = open();
    const [dense, sparse, late, other] = [uniqueCategory(), uniqueCategory(), uniqueCategory(), uniqueCategory()];
    for (let index = 0; index < 60; index += 1) {
      const category = index % 20 === 7 ? sparse : index % 4 === 1 ? other : dense;
      await store.append(uniqueStream(category), [newEvent(), newEvent()], 'no_stream');
    }
    await store.append(uniqueStream(late), [newEvent()], 'no_stream');
    const wanted = new Set([dense, sparse, late]);
    const expected = (await collect(store.readAll())).filter((event) => wanted.has(event.streamId.split('-')[0]));

    // Each page read reaches the next with whatever another connection appended meanwhile.
    const read: number[] = [];
    for await (const event of store.readAll({ categories: [sparse, late, dense] })) {
      read.push(event.position);
      if (read.length % 5 === 0 && read.length < 40) await writer.append(uniqueStream(dense), [newEvent()], 'no_stream');
    }
    const all = (await collect(store.readAll())).filter((event) => wanted.has(event.streamId.split('-')[0]));
    expect(read).toEqual(all.map((event) => event.position));
    expect(read.slice(0, expected.length)).toEqual(expected.map((event) => event.position));
    // A bounded read returns exactly what it asked for, pages of any size.
    expect((await collect(store.readAll({ categories: [sparse, dense], maxCount: 12 }))).map((event) => event.position)).toEqual(
      all.filter((event) => event.streamId.split('-')[0] !== late).slice(0, 12).map((event) => event.position),
    );
  });
});
