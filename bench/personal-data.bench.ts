/**
 * What opening personal data costs a read (a benchmark, not a test).
 *
 * EVENTS check-ins by PEOPLE people (each event has two sealed values: who acted and the note) are
 * written through a `ProtectedEventStore` to a SQLite event store with its SQLite key store. Then the
 * whole log is read, in the same run and on the same file: by the adapter itself (the sealed bytes as
 * stored: the baseline), through the protected store with the key cache (the services' default), and
 * through it without the cache (one key-store lookup per sealed value's key per event). Reported:
 * events/s (median of ROUNDS reads), the ratio to the baseline, and the key-store lookups each read
 * made. The key store here is a local SQLite file; MongoDB's lookups are network round trips, so the
 * cache saves more there than this run shows.
 *
 * Then what opening costs one of insights' read APIs (`personal-data-read-model.ts`).
 *
 * Run: `npm run bench:personal-data`; size with BENCH_PERSONAL_DATA_EVENTS (default 50,000) and
 * BENCH_PERSONAL_DATA_LEARNINGS (default 2,000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { CachedKeyStore, ProtectedEventStore, SqliteEventStore, SqliteKeyStore, type EventStore, type NewEvent, type PersonalDataKeyStore } from '@okr/event-store';
import { benchSize } from './bench-size';
import { benchReadModelOpening } from './personal-data-read-model';

const EVENTS = benchSize(50_000, { env: 'BENCH_PERSONAL_DATA_EVENTS', min: 500 });
const PEOPLE = 200;
const PER_STREAM = 50;
const ROUNDS = benchSize(3, { min: 1 });

/** Counts the lookups that reach the key store. */
class CountingKeys implements PersonalDataKeyStore {
  lookups = 0;
  constructor(private readonly inner: PersonalDataKeyStore) {}
  keyFor = (tenantId: string, subjectId: string) => this.inner.keyFor(tenantId, subjectId);
  keyIdOf = (tenantId: string, subjectId: string) => this.inner.keyIdOf(tenantId, subjectId);
  keyById = (keyId: string) => ((this.lookups += 1), this.inner.keyById(keyId));
  destroy = (keyId: string) => this.inner.destroy(keyId);
  close = () => this.inner.close();
}

const checkIn = (i: number): NewEvent => {
  const person = `user-${i % PEOPLE}`;
  const at = new Date(Date.UTC(2026, 6, 1) + i * 60_000).toISOString();
  return {
    id: uuidv7(),
    type: 'CheckInRecorded',
    data: { checkInId: uuidv7(), keyResultId: `kr-${Math.floor(i / PER_STREAM)}`, objectiveId: 'o-1', value: i % 100, confidence: 6, note: `Week ${i}: the onboarding flow ships next week, says ${person}.`, effectiveAt: at.slice(0, 10), recordedAt: at },
    metadata: { tenantId: 'bench', actor: person, correlationId: uuidv7(), causationId: uuidv7(), occurredAt: at },
  };
};

async function writeLog(events: string, keys: string): Promise<void> {
  const store = new ProtectedEventStore(SqliteEventStore.open({ file: events, synchronous: 'NORMAL' }), SqliteKeyStore.open({ file: keys }));
  try {
    for (let i = 0; i < EVENTS; i += PER_STREAM) {
      const batch = Array.from({ length: Math.min(PER_STREAM, EVENTS - i) }, (_, k) => checkIn(i + k));
      await store.append(`checkins-kr-${i / PER_STREAM}`, batch, 'no_stream');
    }
  } finally {
    await store.close();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median events/s over ROUNDS reads of the whole log; the lookups of the last read. */
async function measure(open: () => { store: EventStore; keys?: CountingKeys }): Promise<{ rate: number; lookups: number }> {
  const rates: number[] = [];
  let lookups = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    // A fresh store (and cache) per read: what a replica pays to read a log it has not read before.
    const { store, keys } = open();
    const started = process.hrtime.bigint();
    let read = 0;
    for await (const event of store.readAll()) if (event.metadata.tenantId === 'bench') read += 1;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (read !== EVENTS) throw new Error(`read ${read} events, expected ${EVENTS}`);
    rates.push(read / seconds);
    lookups = keys?.lookups ?? 0;
    await store.close();
  }
  return { rate: median(rates), lookups };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'okr-bench-personal-data-'));
  try {
    const [eventsFile, keysFile] = [join(dir, 'events.sqlite'), join(dir, 'keys.sqlite')];
    await writeLog(eventsFile, keysFile);
    console.log(`personal-data: ${EVENTS} check-ins by ${PEOPLE} people (2 sealed values each), ${ROUNDS} reads per mode (${availableParallelism()} cores)`);
    const protectedStore = (cache: boolean) => () => {
      const keys = new CountingKeys(SqliteKeyStore.open({ file: keysFile }));
      const opened = cache ? new CachedKeyStore(keys, { maxEntries: 10_000, maxAgeMs: 60_000 }) : keys;
      return { store: new ProtectedEventStore(SqliteEventStore.open({ file: eventsFile }), opened), keys };
    };
    const results = [
      { mode: 'adapter, as stored (baseline)', ...(await measure(() => ({ store: SqliteEventStore.open({ file: eventsFile }) }))) },
      { mode: 'protected, key cache on', ...(await measure(protectedStore(true))) },
      { mode: 'protected, key cache off', ...(await measure(protectedStore(false))) },
    ];
    const [baseline] = results;
    console.log('\n| read | events/s | vs baseline | key-store lookups |\n|---|---|---|---|');
    for (const r of results) {
      console.log(`| ${r.mode} | ${Math.round(r.rate).toLocaleString('en-US')} | ${(r.rate / baseline.rate).toFixed(2)} | ${r.lookups.toLocaleString('en-US')} |`);
    }
    await benchReadModelOpening(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
