/**
 * The embedded read store's lookups as its collections grow (a benchmark, not a test).
 *
 * The same collection shape as insights' key-result series (three declared indexes) is filled with
 * SMALL and then LARGE documents; at each size the bench times lookups a projection does on every
 * event: `findOne` by `_id`, `find` by an indexed field, and the `$or` of both (what the series'
 * `reads()` asks for). A store that answers through its indexes keeps the same lookups/s at both
 * sizes (ratio near 1); one that scans the collection falls with its size (ratio near SMALL/LARGE).
 *
 * Run: `npm run bench:read-store` (BENCH_SCALE scales the sizes and the number of lookups).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedReadStore, type ReadCollection, type ReadDocument } from '@okr/read-store';
import { benchSize } from './bench-size';

const SMALL = benchSize(1_000, { env: 'BENCH_READ_STORE_SMALL', min: 100 });
const LARGE = benchSize(50_000, { env: 'BENCH_READ_STORE_LARGE', min: 1_000 });
const LOOKUPS = benchSize(2_000, { min: 100 });
const ROUNDS = benchSize(3, { min: 1 });

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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
