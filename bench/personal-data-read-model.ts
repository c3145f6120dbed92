/**
 * What opening sealed personal data costs a read API of insights (part of `bench:personal-data`).
 *
 * LEARNINGS learnings by PEOPLE authors (each with its author, what was tried, the insight, a next step
 * and one piece of evidence, and one acknowledgement with a note by someone else: 9 sealed values) are
 * written through a `ProtectedEventStore`, then projected by the learnings feed twice, in the same run:
 * from the events opened (the documents in clear, as insights kept them before) and from the events
 * sealed (as insights keeps them now). Then `GET /learnings` (its query handler: stats over every
 * learning of the filter, one page of 50) is asked REQUESTS times each way: on the clear documents
 * without opening (the baseline), on the sealed ones opened with a warm key cache (the services'
 * default), and opened without a cache (one key-store lookup per person of the page).
 */
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { CachedKeyStore, ProtectedEventStore, SqliteEventStore, SqliteKeyStore, publishedEvents, type EventStore, type NewEvent } from '@okr/event-store';
import { ReadModelRunner, toIntegrationEvent, type IntegrationEvent, type IntegrationEventConsumer, type ReadModel } from '@okr/messaging';
import { EmbeddedReadStore, type ReadStore } from '@okr/read-store';
import { learningsFeedModel } from '../apps/insights/src/projections';
import { atRiskOptionsFrom } from '../apps/insights/src/read-models/at-risk.config';
import { ReadModelReader } from '../apps/insights/src/read-models/read-model-reader';
import { ListLearningsFeedHandler, ListLearningsFeedQuery } from '../apps/insights/src/read-models/read-models.queries';
import { benchSize } from './bench-size';

const LEARNINGS = benchSize(2_000, { env: 'BENCH_PERSONAL_DATA_LEARNINGS', min: 100 });
const PEOPLE = 200;
const REQUESTS = benchSize(200, { min: 10 });
const TENANT = 'bench';

const event = (type: string, actor: string, data: object, at: string): NewEvent => ({
  id: uuidv7(),
  type,
  data,
  metadata: { tenantId: TENANT, actor, correlationId: uuidv7(), causationId: uuidv7(), occurredAt: at },
});

async function writeLearnings(store: EventStore): Promise<void> {
  for (let i = 0; i < LEARNINGS; i += 1) {
    const author = `user-${i % PEOPLE}`;
    const reader = `user-${(i + 1) % PEOPLE}`;
    const learningId = uuidv7();
    const at = new Date(Date.UTC(2026, 9, 1) + i * 60_000).toISOString();
    const captured = {
      learningId, teamId: 'growth', objectiveId: 'o-1', keyResultIds: ['kr-1'], author, tags: ['onboarding'], result: 'invalidated',
      tried: `A guided import on day one (${i})`, insight: `Users stall at permissions, says ${author}`, nextStep: 'A permissions checklist',
      evidence: [{ kind: 'customer-interview', summary: `${i % 10} of 10 admins could not grant access`, link: `https://notes.example.com/${i}` }],
    };
    await store.append(
      `learning-${learningId}`,
      [event('LearningCaptured', author, captured, at), event('LearningAcknowledged', reader, { learningId, by: reader, note: `Read it, ${reader}` }, at)],
      'no_stream',
    );
  }
}

/** The learnings feed built from `events` (opened or sealed) into a read store of its own. */
async function project(events: EventStore, file: string): Promise<ReadStore> {
  const readStore = EmbeddedReadStore.open({ file });
  const runner = new ReadModelRunner({} as IntegrationEventConsumer, readStore, { service: 'bench', topics: [], models: [learningsFeedModel as unknown as ReadModel] });
  const model = learningsFeedModel as unknown as ReadModel;
  const batch: IntegrationEvent[] = [];
  for await (const envelope of events.readAll({ categories: ['learning'] })) {
    batch.push(toIntegrationEvent(envelope));
    if (batch.length === 500) await runner.applyBatch(model, batch.splice(0));
  }
  if (batch.length > 0) await runner.applyBatch(model, batch);
  return readStore;
}

/** Median requests/s of REQUESTS feed queries, in rounds of 10 (the first answer is returned for checks). */
async function measure(readStore: ReadStore, events: EventStore): Promise<{ rate: number; sample: unknown }> {
  const handler = new ListLearningsFeedHandler(new ReadModelReader(readStore, atRiskOptionsFrom({}), events));
  const sample = await handler.execute(new ListLearningsFeedQuery(TENANT, { teamId: 'growth' }));
  // Warm-up, so that no mode pays the others' first compilations.
  for (let k = 0; k < 10; k += 1) await handler.execute(new ListLearningsFeedQuery(TENANT, { teamId: 'growth' }));
  const rates: number[] = [];
  for (let done = 0; done < REQUESTS; done += 10) {
    const started = process.hrtime.bigint();
    for (let k = 0; k < 10; k += 1) await handler.execute(new ListLearningsFeedQuery(TENANT, { teamId: 'growth' }));
    rates.push(10 / (Number(process.hrtime.bigint() - started) / 1e9));
  }
  return { rate: [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)], sample };
}

/** Prints the table of the three reads, in one run on the same files. */
export async function benchReadModelOpening(dir: string): Promise<void> {
  const [eventsFile, keysFile] = [join(dir, 'learnings.sqlite'), join(dir, 'learnings-keys.sqlite')];
  const writer = new ProtectedEventStore(SqliteEventStore.open({ file: eventsFile, synchronous: 'NORMAL' }), SqliteKeyStore.open({ file: keysFile }));
  await writeLearnings(writer);
  const clear = await project(writer, join(dir, 'clear.read.sqlite'));
  const sealed = await project(publishedEvents(writer), join(dir, 'sealed.read.sqlite'));
  await writer.close();

  const plainEvents = SqliteEventStore.open({ file: eventsFile });
  const cached = new ProtectedEventStore(SqliteEventStore.open({ file: eventsFile }), new CachedKeyStore(SqliteKeyStore.open({ file: keysFile }), { maxEntries: 10_000, maxAgeMs: 600_000 }));
  const uncached = new ProtectedEventStore(SqliteEventStore.open({ file: eventsFile }), SqliteKeyStore.open({ file: keysFile }));
  try {
    const results = [
      { mode: 'clear documents, not opened (as before: baseline)', ...(await measure(clear, plainEvents)) },
      { mode: 'sealed documents, opened, key cache on', ...(await measure(sealed, cached)) },
      { mode: 'sealed documents, opened, key cache off', ...(await measure(sealed, uncached)) },
    ];
    const [baseline] = results;
    // The three answers must be the same: otherwise the comparison is of different work.
    for (const r of results) if (JSON.stringify(r.sample) !== JSON.stringify(baseline.sample)) throw new Error(`${r.mode} answered otherwise than the baseline`);
    console.log(`\nGET /learnings (stats over ${LEARNINGS} learnings by ${PEOPLE} people, a page of 50, 9 sealed values each), ${REQUESTS} requests per mode`);
    console.log('\n| read | requests/s | vs baseline |\n|---|---|---|');
    for (const r of results) console.log(`| ${r.mode} | ${Math.round(r.rate).toLocaleString('en-US')} | ${(r.rate / baseline.rate).toFixed(2)} |`);
  } finally {
    for (const store of [plainEvents, cached, uncached]) await store.close();
    await clear.close();
    await sealed.close();
  }
}
