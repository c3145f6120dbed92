import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope } from '@okr/okr-domain';
import { follow, newEvent, uniqueCategory, uniqueStream } from '../../testing/event-store.contract';
import type { NewEvent } from '../event-store.port';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store';

/**
 * The subscriptions of one store share the pages they read (issue 13): insights' eight read-model
 * groups follow the same categories, and each used to read and JSON-parse every event itself.
 * Counted with the store's own counters, never timed.
 */
describe('SqliteEventStore subscriptions sharing pages', () => {
  let dir: string;
  const opened: SqliteEventStore[] = [];
  const open = (options: Partial<SqliteEventStoreOptions> = {}): SqliteEventStore => {
    const store = SqliteEventStore.open({ file: join(dir, 'events.db'), pageSize: 10, ...options });
    opened.push(store);
    return store;
  };
  const counted = (count: number): NewEvent[] => Array.from({ length: count }, (_, index) => newEvent('Counted', { index }));
  /** Appends `count` events of `category` in appends of 7 (pages and appends do not line up). */
  const fill = async (store: SqliteEventStore, category: string, count: number): Promise<void> => {
    const streamId = uniqueStream(category);
    let expected: number | 'no_stream' = 'no_stream';
    for (let done = 0; done < count; done += 7) {
      expected = (await store.append(streamId, counted(Math.min(7, count - done)), expected)).nextExpectedRevision;
    }
  };
  const indexes = (events: readonly EventEnvelope[]): unknown[] => events.map((event) => (event.data as { index: number }).index);
  const upTo = (count: number): number[] => Array.from({ length: count }, (_, index) => index % 7);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-shared-pages-'));
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('two subscriptions of the same categories read and parse each page once', async () => {
    const store = open();
    const category = uniqueCategory();
    await fill(store, category, 95);
    await fill(store, uniqueCategory(), 20); // another category, between none of them

    const first = follow(store, { categories: [category] });
    const second = follow(store, { categories: [category] });
    await first.waitFor(95);
    await second.waitFor(95);
    await first.stop();
    await second.stop();

    expect(indexes(first.received)).toEqual(upTo(95));
    expect(second.received.map((event) => event.id)).toEqual(first.received.map((event) => event.id));
    // 10 pages of 10 (the last of 5), each read from the database once and taken from memory once.
    expect(store.sharedPageStats()).toMatchObject({ pagesRead: 10, rowsParsed: 95, pagesShared: 10 });
  });

  it('without sharing, each subscription parses every event itself (the cost this removes)', async () => {
    const store = open({ sharedPageEvents: 0 });
    const category = uniqueCategory();
    await fill(store, category, 95);

    const first = follow(store, { categories: [category] });
    const second = follow(store, { categories: [category] });
    await first.waitFor(95);
    await second.waitFor(95);
    await first.stop();
    await second.stop();

    expect(second.received.map((event) => event.id)).toEqual(first.received.map((event) => event.id));
    expect(store.sharedPageStats()).toMatchObject({ rowsParsed: 190, pagesShared: 0, cachedEvents: 0 });
  });

  it('a subscription starting inside a page another read takes the rest of it, then the same pages', async () => {
    const store = open();
    const category = uniqueCategory();
    await fill(store, category, 50);
    const leader = follow(store, { categories: [category] });
    await leader.waitFor(50);
    const fifth = leader.received[4];

    const follower = follow(store, { after: fifth.position, categories: [category] });
    await follower.waitFor(45);
    await leader.stop();
    await follower.stop();

    expect(follower.received.map((event) => event.id)).toEqual(leader.received.slice(5).map((event) => event.id));
    expect(store.sharedPageStats()).toMatchObject({ rowsParsed: 50, pagesShared: 5 });
  });

  it('shares by category set, whatever the order; another set reads its own pages', async () => {
    const store = open();
    const [a, b] = [uniqueCategory(), uniqueCategory()];
    await fill(store, a, 10);
    await fill(store, b, 10);

    const ab = follow(store, { categories: [a, b] });
    await ab.waitFor(20);
    const ba = follow(store, { categories: [b, a, b] });
    await ba.waitFor(20);
    const onlyA = follow(store, { categories: [a] });
    await onlyA.waitFor(10);
    await Promise.all([ab.stop(), ba.stop(), onlyA.stop()]);

    expect(ba.received.map((event) => event.id)).toEqual(ab.received.map((event) => event.id));
    expect(onlyA.received.map((event) => event.id)).toEqual(ab.received.slice(0, 10).map((event) => event.id));
    expect(store.sharedPageStats()).toMatchObject({ rowsParsed: 30, pagesShared: 2 });
  });

  it('at the live tail, an append wakes every subscription and is read once', async () => {
    const store = open();
    const category = uniqueCategory();
    await fill(store, category, 3);
    const subscriptions = Array.from({ length: 8 }, () => follow(store, { categories: [category] }));
    for (const subscription of subscriptions) await subscription.waitFor(3);
    const before = store.sharedPageStats();

    await store.append(uniqueStream(category), counted(4), 'no_stream');
    for (const subscription of subscriptions) await subscription.waitFor(7);
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));

    for (const subscription of subscriptions) expect(indexes(subscription.received)).toEqual([0, 1, 2, 0, 1, 2, 3]);
    expect(store.sharedPageStats().rowsParsed - before.rowsParsed).toBe(4);
  });

  it('sees what another connection (another process) appends, past a page read before it was committed', async () => {
    const store = open();
    const other = open();
    const category = uniqueCategory();
    await fill(store, category, 4);
    const first = follow(store, { categories: [category] });
    await first.waitFor(4);

    await fill(other, category, 4);
    const second = follow(store, { categories: [category] });
    await first.waitFor(8);
    await second.waitFor(8);
    await first.stop();
    await second.stop();

    expect(indexes(first.received)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    expect(second.received.map((event) => event.id)).toEqual(first.received.map((event) => event.id));
  });

  it('hands out frozen events: one consumer cannot change what another sees', async () => {
    const store = open();
    const category = uniqueCategory();
    await store.append(uniqueStream(category), [newEvent('Counted', { index: 0, nested: { list: [1] } })], 'no_stream');
    const first = follow(store, { categories: [category] });
    const second = follow(store, { categories: [category] });
    await first.waitFor(1);
    await second.waitFor(1);
    await Promise.all([first.stop(), second.stop()]);

    const [event] = first.received;
    const data = event.data as { index: number; nested: { list: number[] } };
    expect(() => {
      data.index = 99;
    }).toThrow(TypeError);
    expect(() => data.nested.list.push(2)).toThrow(TypeError);
    expect(Object.isFrozen(event.metadata)).toBe(true);
    expect(second.received[0].data).toEqual({ index: 0, nested: { list: [1] } });
  });

  it('shares one page between a subscription reading as stored and one reading the latest schema version', async () => {
    const store = open();
    const category = uniqueCategory();
    const v1: NewEvent = {
      ...newEvent('ObjectiveOwnershipTransferred', { objectiveId: 'o-1', from: 'user-ann', to: 'user-bo', reason: 'moved' }),
      schemaVersion: 1,
    };
    await store.append(uniqueStream(category), [v1], 'no_stream');

    const lifted = follow(store, { categories: [category] });
    const stored = follow(store, { categories: [category], asStored: true });
    const liftedAgain = follow(store, { categories: [category] });
    await Promise.all([lifted.waitFor(1), stored.waitFor(1), liftedAgain.waitFor(1)]);
    await Promise.all([lifted.stop(), stored.stop(), liftedAgain.stop()]);

    expect(stored.received[0]).toMatchObject({ schemaVersion: 1, data: { from: 'user-ann', to: 'user-bo' } });
    expect(lifted.received[0]).toMatchObject({ schemaVersion: 2, data: { fromOwnerId: 'user-ann', toOwnerId: 'user-bo' } });
    expect(liftedAgain.received[0]).toBe(lifted.received[0]); // lifted once
    expect(store.sharedPageStats().rowsParsed).toBe(1);
  });

  it('holds at most its bound, and a subscription far behind pins nothing: it reads its own pages again', async () => {
    const store = open({ sharedPageEvents: 30 });
    const category = uniqueCategory();
    await fill(store, category, 200);
    const held: number[] = [];

    // The slow one takes one event and stops pulling, mid-page, while the fast one reads the whole log.
    const slow = store.subscribe({ categories: [category], signal: AbortSignal.timeout(60_000) })[Symbol.asyncIterator]();
    const slowFirst = await slow.next();
    const fast = follow(store, { categories: [category] });
    for (let count = 10; count <= 200; count += 10) {
      await fast.waitFor(count);
      held.push(store.sharedPageStats().cachedEvents);
    }
    await fast.stop();

    const slowRest: EventEnvelope[] = [];
    while (slowRest.length < 199) slowRest.push((await slow.next()).value as EventEnvelope);
    await slow.return?.();

    expect(Math.max(...held)).toBeLessThanOrEqual(30);
    expect(store.sharedPageStats().cachedPages).toBeLessThanOrEqual(3);
    expect([slowFirst.value as EventEnvelope, ...slowRest].map((event) => event.id)).toEqual(fast.received.map((event) => event.id));
    // The first page the slow one read was pushed out: it read most of the log again itself.
    expect(store.sharedPageStats().rowsParsed).toBeGreaterThan(200 + 150);
  });

  it('a stopped subscription leaves no page behind in the store once closed', async () => {
    const store = open();
    const category = `c${randomUUID().replaceAll('-', '')}`;
    await fill(store, category, 15);
    const subscription = follow(store, { categories: [category] });
    await subscription.waitFor(15);
    await subscription.stop();
    expect(store.sharedPageStats().cachedEvents).toBe(15);

    await store.close();

    expect(store.sharedPageStats()).toMatchObject({ cachedEvents: 0, cachedPages: 0 });
  });
});
