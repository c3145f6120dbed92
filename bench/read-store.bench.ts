/**
 * The embedded read store's lookups as its collections grow (a benchmark, not a test).
 *
 * The same collection shape as insights' key-result series (three declared indexes) is filled with
 * SMALL and then LARGE documents; at each size the bench times lookups a projection does on every
 * event: `findOne` by `_id`, `find` by an indexed field, and the `$or` of both (what the series'
 * `reads()` asks for). A store that answers through its indexes keeps the same lookups/s at both
 * sizes (ratio near 1); one that scans the collection falls with its size (ratio near SMALL/LARGE).
 *
 * Rewrites: what a projection's commits do most, rewriting documents it holds (an objective's summary
 * of a few kilobytes on every check-in), in transactions of {@link REWRITES_PER_COMMIT} `replaceOne`s
 * of existing documents, against the baseline of the same rows written straight through better-sqlite3
 * (the same table, the same upsert, the same texts, the same transactions; no store code): the ratio
 * is the store's rate over the baseline's.
 *
 * Run: `npm run bench:read-store` (BENCH_SCALE scales the sizes and the number of lookups).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EmbeddedReadStore, type ReadCollection, type ReadDocument } from '@okr/read-store';
import { benchSize } from './bench-size';

const SMALL = benchSize(1_000, { env: 'BENCH_READ_STORE_SMALL', min: 100 });
const LARGE = benchSize(50_000, { env: 'BENCH_READ_STORE_LARGE', min: 1_000 });
const LOOKUPS = benchSize(2_000, { min: 100 });
const ROUNDS = benchSize(3, { min: 1 });
/** Documents of the rewrites case, and how many rewrites each round times. */
const SUMMARIES = benchSize(8_000, { min: 200 });
const REWRITES = benchSize(5_000, { min: 200 });
const REWRITES_PER_COMMIT = 100;

const indexes = [
  { fields: { docType: 1, keyResultId: 1, current: 1, effectiveAtMs: 1 } },
  { fields: { docType: 1, objectiveId: 1 } },
  { fields: { checkInId: 1, current: 1 } },
] as const;

const pointOf = (i: number): ReadDocument => ({
  _id: `ci-${i}@1`,
  docType: 'point',
  tenantId: 'bench',
  checkInId: `ci-${i}`,
  keyResultId: `kr-${i % 500}`,
  objectiveId: `obj-${i % 170}`,
  effectiveAtMs: 1_700_000_000_000 + i,
  value: { kind: 'number', value: i },
  confidence: 7,
  progress: 0.5,
  current: true,
});

type Lookup = (i: number) => Promise<unknown>;

const cases = (collection: ReadCollection, size: number): Record<string, Lookup> => ({
  'findOne by _id': (i) => collection.findOne({ _id: `ci-${(i * 7919) % size}@1` }),
  'find by indexed field (checkInId)': (i) => collection.find({ docType: 'point', checkInId: `ci-${(i * 7919) % size}` }),
  '$or of _id and indexed field (a series read)': (i) =>
    collection.find({ $or: [{ _id: `kr:kr-${i % 500}` }, { docType: 'point', checkInId: `ci-${(i * 7919) % size}` }] }),
});

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Lookups per second at `size` documents, for each case (median of ROUNDS). */
async function measure(dir: string, size: number): Promise<Map<string, number>> {
  const store = EmbeddedReadStore.open({ file: join(dir, `read-store-${size}.db`) });
  try {
    const collection = await store.collection({ name: 'key-result-series', indexes });
    for (let i = 0; i < size; i += 1_000) {
      const batch = Array.from({ length: Math.min(1_000, size - i) }, (_, j) => ({ insertOne: { document: pointOf(i + j) } }));
      await store.withTransaction((session) => collection.bulkWrite(batch, session));
    }
    const rates = new Map<string, number>();
    for (const [name, lookup] of Object.entries(cases(collection, size))) {
      const samples: number[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const started = process.hrtime.bigint();
        for (let i = 0; i < LOOKUPS; i += 1) await lookup(i + round);
        samples.push(LOOKUPS / (Number(process.hrtime.bigint() - started) / 1e9));
      }
      rates.set(name, median(samples));
    }
    return rates;
  } finally {
    await store.close();
  }
}

/** An objective's summary of about 3 KB, its text changed by `round`. */
const summaryOf = (i: number, round: number): ReadDocument => ({
  _id: `objective-${i}`,
  tenantId: 'bench',
  teamId: `team-${i % 2000}`,
  title: `Objective ${i}`,
  keyResults: [0, 1, 2].map((k) => ({
    id: `kr-${i}-${k}`,
    value: round + k,
    checkIns: Array.from({ length: 6 }, (_, w) => ({ id: `ci-${i}-${k}-${w}`, value: w + round, confidence: 7, effectiveAt: '2025-10-06', recordedAt: '2025-10-06T08:00:00.000Z' })),
  })),
});

/** The documents a round rewrites, the same for the store and the baseline. */
const rewritten = (round: number): number[] => Array.from({ length: REWRITES }, (_, i) => ((i + round) * 7919) % SUMMARIES);

/** Rewrites per second through the store and through better-sqlite3 alone (medians of ROUNDS). */
async function measureRewrites(dir: string): Promise<{ store: number; raw: number }> {
  const store = EmbeddedReadStore.open({ file: join(dir, 'rewrites-store.db') });
  // The baseline: the store's own table and statement, at the store's synchronous level.
  const raw = new Database(join(dir, 'rewrites-raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.exec('CREATE TABLE read_docs (collection TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (collection, id))');
  const put = raw.prepare('INSERT INTO read_docs (collection, id, doc) VALUES (?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc');
  const rawCommit = raw.transaction((docs: ReadDocument[]) => {
    for (const doc of docs) put.run('summaries', doc._id, JSON.stringify(doc));
  });
  try {
    const collection = await store.collection({ name: 'summaries', indexes: [{ fields: { tenantId: 1, teamId: 1 } }] });
    const all = Array.from({ length: SUMMARIES }, (_, i) => summaryOf(i, 0));
    for (let i = 0; i < all.length; i += 1_000) {
      const docs = all.slice(i, i + 1_000);
      await store.withTransaction((session) => collection.bulkWrite(docs.map((document) => ({ insertOne: { document } })), session));
      rawCommit(docs);
    }
    const storeRates: number[] = [];
    const rawRates: number[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const docs = rewritten(round).map((i) => summaryOf(i, round));
      // Alternating which goes first, so neither always meets a warmer file.
      for (const which of round % 2 === 0 ? ['store', 'raw'] : ['raw', 'store']) {
        const started = process.hrtime.bigint();
        for (let i = 0; i < docs.length; i += REWRITES_PER_COMMIT) {
          const commit = docs.slice(i, i + REWRITES_PER_COMMIT);
          if (which === 'raw') rawCommit(commit);
          else await store.withTransaction((session) => collection.bulkWrite(commit.map((replacement) => ({ replaceOne: { filter: { _id: replacement._id }, replacement } })), session));
        }
        const rate = docs.length / (Number(process.hrtime.bigint() - started) / 1e9);
        (which === 'raw' ? rawRates : storeRates).push(rate);
      }
    }
    return { store: median(storeRates), raw: median(rawRates) };
  } finally {
    raw.close();
    await store.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'okr-read-store-bench-'));
  try {
    process.stdout.write(`read-store bench: node ${process.version}, ${availableParallelism()} cpus, ${LOOKUPS} lookups x ${ROUNDS} rounds\n\n`);
    const small = await measure(dir, SMALL);
    const large = await measure(dir, LARGE);
    process.stdout.write(`| lookup | ${fmt(SMALL)} documents (lookups/s) | ${fmt(LARGE)} documents (lookups/s) | ratio |\n|---|---|---|---|\n`);
    for (const [name, rate] of small) {
      const atLarge = large.get(name) ?? 0;
      process.stdout.write(`| ${name} | ${fmt(rate)} | ${fmt(atLarge)} | ${(atLarge / rate).toFixed(2)} |\n`);
    }
    const rewrites = await measureRewrites(dir);
    process.stdout.write(
      `\n| rewrites of ${fmt(SUMMARIES)} documents of ~3 KB, ${REWRITES_PER_COMMIT} per commit | read store (rewrites/s) | better-sqlite3 alone, same table and upsert (rewrites/s) | ratio |\n|---|---|---|---|\n` +
        `| ${fmt(REWRITES)} random rewrites | ${fmt(rewrites.store)} | ${fmt(rewrites.raw)} | ${(rewrites.store / rewrites.raw).toFixed(2)} |\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
