/**
 * Replay at an instant of a large tenant (a benchmark, not a test): the temporal read model against the
 * fold of the log, on the same data in the same run.
 *
 * A tenant shaped like a large organisation's quarter is written to a fresh SQLite event store: TEAMS
 * teams with objectives of three key results (set, activated, some aligned to another team's objective,
 * some reworded, some archived), weekly check-ins over 13 weeks (some corrected later), plus a second
 * tenant of a fifth of its size. Insights' temporal read model (`replay-versions-v1`, `replay-check-ins-v1`)
 * is built from the log through the shared runner on the embedded read store.
 *
 * Measured, for random instants across the quarter and random filters (none, a team, the cycle):
 * - timeline: `replayPage` (one page of 50 objectives, with their learnings and questions);
 * - fold (the route's path before): read the replayed categories of the whole log, keep the tenant's
 *   events, `replayAt` (the whole tenant at once).
 * p50 / p99 of each and the ratio. The fold is measured over fewer requests (each reads the whole log).
 *
 * Run: `npm run bench -- replay`; size with BENCH_REPLAY_TEAMS (default 2,000: about 8,000 objectives).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqliteEventStore, type NewEvent } from '@okr/event-store';
import { ReadModelRunner, toIntegrationEvent, type IntegrationEvent, type IntegrationEventConsumer, type ReadModel } from '@okr/messaging';
import type { EventEnvelope } from '@okr/okr-domain';
import { EmbeddedReadStore } from '@okr/read-store';
import { replayAt, UNNAMED, type ReplayFilter } from '../apps/insights/src/replay/replay';
import { replayPage, type TimelineCollections } from '../apps/insights/src/replay/replay-timeline';
import { replayCheckInsModel, replayVersionsModel, type ReplayCheckInsDoc, type ReplayVersionDoc } from '../apps/insights/src/replay/replay-timeline.read-model';
import { benchSize } from './bench-size';

const TEAMS = benchSize(2_000, { env: 'BENCH_REPLAY_TEAMS', min: 20 });
const TIMELINE_REQUESTS = benchSize(300, { min: 20 });
const FOLD_REQUESTS = benchSize(5, { min: 2 });
const OBJECTIVES_PER_TEAM = 4;
const WEEKS = 13;
const CYCLE = 'cycle-2026-q3';
const START = Date.parse('2026-07-01T09:00:00.000Z');
const DAY = 86_400_000;
/** The stream categories the fold (the route's path before the read model) read from the global log. */
const REPLAY_CATEGORIES = ['objective', 'checkins', 'learning', 'question'];

const at = (ms: number): string => new Date(ms).toISOString();
const event = (tenantId: string, type: string, data: object, occurredAt: string): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { tenantId, actor: 'bench', correlationId: randomUUID(), causationId: randomUUID(), occurredAt },
});

/** Writes one tenant's quarter; returns how many events. */
async function writeTenant(store: SqliteEventStore, tenantId: string, teams: number): Promise<number> {
  let written = 0;
  const keyResults: { objectiveId: string; keyResultId: string }[] = [];
  const objectives: string[] = [];
  for (let t = 0; t < teams; t += 1) {
    for (let o = 0; o < OBJECTIVES_PER_TEAM; o += 1) {
      const objectiveId = randomUUID();
      const setAt = START - 7 * DAY + (t * OBJECTIVES_PER_TEAM + o) * 1000;
      const events = [event(tenantId, 'ObjectiveSet', { objectiveId, cycleId: CYCLE, teamId: `team-${t}`, ownerId: `owner-${t}`, title: `Objective ${o + 1} of team ${t}` }, at(setAt))];
      for (let k = 0; k < 3; k += 1) {
        const keyResultId = randomUUID();
        keyResults.push({ objectiveId, keyResultId });
        events.push(event(tenantId, 'KeyResultAdded', { objectiveId, keyResultId, title: `Key result ${k + 1}`, measure: { kind: 'increase', start: 0, target: 100, unit: '%' } }, at(setAt + 1)));
      }
      events.push(event(tenantId, 'ObjectiveActivated', { objectiveId }, at(setAt + 2)));
      if (objectives.length > 0 && o === 0) events.push(event(tenantId, 'ObjectiveAligned', { objectiveId, parentObjectiveId: objectives[Math.floor(objectives.length / 2)] }, at(START + 3 * DAY)));
      if (o === 1 && t % 3 === 0) events.push(event(tenantId, 'ObjectiveReworded', { objectiveId, from: { title: 'x' }, to: { title: `Reworded objective of team ${t}` } }, at(START + 30 * DAY)));
      if (o === 3 && t % 10 === 0) events.push(event(tenantId, 'ObjectiveArchived', { objectiveId, reason: 'stale' }, at(START + 60 * DAY)));
      await store.append(`objective-${objectiveId}`, events, 'any');
      written += events.length;
      objectives.push(objectiveId);
    }
  }
  for (const [index, { objectiveId, keyResultId }] of keyResults.entries()) {
    const events: NewEvent[] = [];
    for (let week = 0; week < WEEKS; week += 1) {
      const recordedAt = at(START + week * 7 * DAY + 9 * 3_600_000);
      const checkInId = randomUUID();
      events.push(event(tenantId, 'CheckInRecorded', { checkInId, keyResultId, objectiveId, value: week * 7, confidence: 1 + (week % 10), effectiveAt: recordedAt.slice(0, 10), recordedAt }, recordedAt));
      if ((index + week) % 17 === 0) {
        const correctedAt = at(START + week * 7 * DAY + 2 * DAY);
        events.push(event(tenantId, 'CheckInCorrected', { checkInId, keyResultId, changes: { value: week * 6 }, from: { value: week * 7 }, reason: 'typo', correctedAt }, correctedAt));
      }
    }
    await store.append(`checkins-${keyResultId}`, events, 'any');
    written += events.length;
  }
  return written;
}

/** Builds the temporal read model from the whole log, through the shared runner, in batches. */
async function buildTimeline(events: SqliteEventStore, readStore: EmbeddedReadStore): Promise<TimelineCollections> {
  const runner = new ReadModelRunner({} as IntegrationEventConsumer, readStore, { service: 'insights', topics: [], models: [] });
  const models = [replayVersionsModel, replayCheckInsModel] as unknown as ReadModel[];
  let batch: IntegrationEvent[] = [];
  const flush = async (): Promise<void> => {
    for (const model of models) await runner.applyBatch(model, batch);
    batch = [];
  };
  for await (const stored of events.readAll({ categories: REPLAY_CATEGORIES })) {
    batch.push(toIntegrationEvent(stored));
    if (batch.length === 1_000) await flush();
  }
  await flush();
  return {
    versions: await readStore.collection<ReplayVersionDoc>({ name: replayVersionsModel.name, indexes: replayVersionsModel.indexes }),
    checkIns: await readStore.collection<ReplayCheckInsDoc>({ name: replayCheckInsModel.name, indexes: replayCheckInsModel.indexes }),
  };
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** Each request's duration in ms, by request index. */
async function timed(requests: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < requests; i += 1) {
    const started = process.hrtime.bigint();
    await run(i);
    durations.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return durations;
}

const sorted = (durations: readonly number[]): number[] => [...durations].sort((a, b) => a - b);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'okr-replay-bench-'));
  const events = SqliteEventStore.open({ file: join(dir, 'events.db') });
  const readStore = EmbeddedReadStore.open({ file: join(dir, 'read.db') });
  try {
    const began = Date.now();
    const written = (await writeTenant(events, 'large', TEAMS)) + (await writeTenant(events, 'neighbour', Math.max(1, Math.round(TEAMS / 5))));
    const wroteIn = (Date.now() - began) / 1000;
    const timeline = await buildTimeline(events, readStore);
    const builtIn = (Date.now() - began) / 1000 - wroteIn;
    process.stdout.write(
      `replay bench: node ${process.version}, ${availableParallelism()} cpus; tenant "large": ${TEAMS} teams, ${TEAMS * OBJECTIVES_PER_TEAM} objectives; ` +
        `log ${written.toLocaleString('en-US')} events (both tenants) written in ${wroteIn.toFixed(0)} s, timeline built in ${builtIn.toFixed(0)} s\n\n`,
    );
    const instant = (i: number): Date => new Date(START + ((i * 7919) % (WEEKS * 7)) * DAY + 12 * 3_600_000);
    const filter = (i: number): ReplayFilter => (i % 3 === 0 ? {} : i % 3 === 1 ? { teamId: `team-${(i * 31) % TEAMS}` } : { cycleId: CYCLE });
    // Process times of the phases, to read `node --trace-gc` output against (its times are since the process started).
    const phase = (name: string): boolean => process.stderr.write(`replay bench: ${name} at ${performance.now().toFixed(0)} ms\n`);
    phase('timeline pages from');
    const timelineMs = await timed(TIMELINE_REQUESTS, (i) => replayPage(timeline, (streamId, until) => events.readStream(streamId, { until }), 'large', instant(i), filter(i), { limit: 50 }, UNNAMED, i % 2 === 0 ? 'known' : 'corrected'));
    phase('timeline pages until');
    const foldMs = await timed(FOLD_REQUESTS, async (i) => {
      const mine: EventEnvelope[] = [];
      for await (const stored of events.readAll({ categories: REPLAY_CATEGORIES })) if (stored.metadata.tenantId === 'large') mine.push(stored);
      return replayAt(mine, 'large', instant(i), filter(i), UNNAMED, i % 2 === 0 ? 'known' : 'corrected');
    });
    const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
    const kind = (i: number): string => (i % 3 === 0 ? 'organisation' : i % 3 === 1 ? 'team' : 'cycle');
    const slowest = timelineMs.map((ms, i) => ({ ms, i })).sort((a, b) => b.ms - a.ms).slice(0, 5);
    process.stdout.write(`slowest pages: ${slowest.map(({ ms, i }) => `${fmt(ms)} (${kind(i)}, ${instant(i).toISOString().slice(0, 10)})`).join(', ')}\n`);
    for (const name of ['organisation', 'team', 'cycle']) {
      const mine = sorted(timelineMs.filter((_, i) => kind(i) === name));
      process.stdout.write(`  ${name}: p50 ${fmt(percentile(mine, 50))}, p99 ${fmt(percentile(mine, 99))} (${mine.length} pages)\n`);
    }
    const timelineSorted = sorted(timelineMs);
    const foldSorted = sorted(foldMs);
    process.stdout.write(`| replay?asOf= of tenant "large" | p50 | p99 | requests |\n|---|---|---|---|\n`);
    process.stdout.write(`| timeline (page of 50) | ${fmt(percentile(timelineSorted, 50))} | ${fmt(percentile(timelineSorted, 99))} | ${timelineSorted.length} |\n`);
    process.stdout.write(`| fold of the log (before) | ${fmt(percentile(foldSorted, 50))} | ${fmt(percentile(foldSorted, 99))} | ${foldSorted.length} |\n`);
    process.stdout.write(`| ratio fold / timeline | ${(percentile(foldSorted, 50) / percentile(timelineSorted, 50)).toFixed(1)}× | ${(percentile(foldSorted, 99) / percentile(timelineSorted, 99)).toFixed(1)}× | |\n`);
  } finally {
    await readStore.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
