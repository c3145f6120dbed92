/**
 * The replay half of the event-store benchmark: the adapter's `readAll` against one raw SELECT building
 * the same envelopes, and against the same SELECT without parsing the JSON columns; and the memory the
 * adapter holds while replaying (a page, not the log).
 */
import Database from 'better-sqlite3';
import { SqliteEventStore } from '../libs/event-store/src/lib/sqlite/sqlite-event-store';
import { ENVELOPE_COLUMNS } from '../libs/event-store/src/lib/sqlite/sqlite-schema';

export interface ReplayRates {
  adapter: number;
  raw: number;
  rawNoParse: number;
}

/** Memory while the adapter alone replays the log: what a projection rebuild holds. */
export const replayMemory = async (file: string, events: number): Promise<{ before: NodeJS.MemoryUsage; peakRss: number; peakHeap: number }> => {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const store = SqliteEventStore.open({ file });
  let count = 0;
  for await (const _event of store.readAll()) {
    count += 1;
    if (count % 5_000 === 0) {
      const memory = process.memoryUsage();
      peakRss = Math.max(peakRss, memory.rss);
      peakHeap = Math.max(peakHeap, memory.heapUsed);
    }
  }
  await store.close();
  if (count !== events) throw new Error(`adapter replayed ${count} of ${events}`);
  return { before, peakRss, peakHeap };
};

/** Replays the whole log (`events` long) three ways, taking turns of `turn` events. */
export const replayRates = async (file: string, events: number, turn: number): Promise<ReplayRates> => {
  const store = SqliteEventStore.open({ file });
  const db = new Database(file, { readonly: true });
  const sql = `SELECT ${ENVELOPE_COLUMNS} FROM events ORDER BY position`;
  const adapter = store.readAll()[Symbol.asyncIterator]();
  const raw = db.prepare<[], unknown[]>(sql).raw().iterate();
  const bare = new Database(file, { readonly: true });
  const rawNoParse = bare.prepare<[], unknown[]>(sql).raw().iterate();
  const seconds = { adapter: 0, raw: 0, rawNoParse: 0 };
  for (let done = 0; done < events; done += turn) {
    let started = performance.now();
    for (let index = 0; index < turn; index += 1) {
      const next = await adapter.next();
      if (next.done) throw new Error(`adapter replayed ${done + index} of ${events}`);
    }
    seconds.adapter += (performance.now() - started) / 1000;

    started = performance.now();
    for (let index = 0; index < turn; index += 1) {
      const row = raw.next().value as unknown[];
      const envelope = {
        id: row[1] as string,
        type: row[4] as string,
        schemaVersion: row[5] as number,
        streamId: row[2] as string,
        revision: row[3] as number,
        position: row[0] as number,
        data: JSON.parse(row[6] as string),
        metadata: JSON.parse(row[7] as string),
        ...(row[8] === null ? {} : { hash: row[8] as string }),
      };
      if (envelope.revision < 0) throw new Error('unreachable');
    }
    seconds.raw += (performance.now() - started) / 1000;

    started = performance.now();
    for (let index = 0; index < turn; index += 1) rawNoParse.next();
    seconds.rawNoParse += (performance.now() - started) / 1000;
  }
  if (!(await adapter.next()).done || !raw.next().done || !rawNoParse.next().done) throw new Error('log longer than expected');
  await store.close();
  db.close();
  bare.close();
  return { adapter: events / seconds.adapter, raw: events / seconds.raw, rawNoParse: events / seconds.rawNoParse };
};
