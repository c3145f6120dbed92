import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent, StreamAppend } from '@okr/event-store';

/** What {@link writeQuarterLog} wrote. */
export interface QuarterLog {
  /** The log's head position after the last event written. */
  head: number;
  cycleId: string;
  objectiveIds: string[];
  keyResults: Array<{ objectiveId: string; keyResultId: string }>;
  /** Weekly check-ins per key result. */
  weeks: number;
}

/** Streams per `appendMany` transaction: the log is written in seconds, not one fsync per event. */
const STREAMS_PER_APPEND = 1_000;

/**
 * Writes a log shaped like an organisation's quarter straight into an event store (no service, no
 * bus), for what measures or tests a catch-up of insights' read models from zero: a cycle, then
 * objectives of three key results (set, three key results added, activated: 5 events each), then 13
 * weekly check-ins on every key result, week by week, so about `total` events in all (44 per
 * objective). Check-in `n` of a week records the value `week * 7` with confidence `1 + week % 10`.
 */
export async function writeQuarterLog(store: EventStore, options: { total: number; tenantId: string; actor?: string }): Promise<QuarterLog> {
  const { tenantId, actor = 'quarter-log' } = options;
  const event = (type: string, data: object, occurredAt = '2026-10-01T09:00:00.000Z'): NewEvent => ({
    id: randomUUID(),
    type,
    data,
    metadata: { tenantId, actor, correlationId: randomUUID(), causationId: randomUUID(), occurredAt },
  });
  const appendAll = async (appends: StreamAppend[]): Promise<void> => {
    for (let start = 0; start < appends.length; start += STREAMS_PER_APPEND) await store.appendMany(appends.slice(start, start + STREAMS_PER_APPEND));
  };

  const cycleId = randomUUID();
  await store.append(`cycle-${cycleId}`, [event('CyclePlanned', { cycleId, name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 })], 'any');
  const objectives = Math.max(1, Math.round(options.total / 44));
  const objectiveIds: string[] = [];
  const keyResults: QuarterLog['keyResults'] = [];
  const objectiveAppends: StreamAppend[] = [];
  for (let o = 0; o < objectives; o += 1) {
    const objectiveId = randomUUID();
    objectiveIds.push(objectiveId);
    const added = [0, 1, 2].map((k) => {
      const keyResultId = randomUUID();
      keyResults.push({ objectiveId, keyResultId });
      return event('KeyResultAdded', { objectiveId, keyResultId, title: `Key result ${k + 1} of objective ${o}`, measure: { kind: 'increase', start: 0, target: 100, unit: '%' } });
    });
    objectiveAppends.push({
      streamId: `objective-${objectiveId}`,
      events: [event('ObjectiveSet', { objectiveId, cycleId, teamId: `team-${o % 200}`, ownerId: `owner-${o % 500}`, title: `Objective ${o}` }), ...added, event('ObjectiveActivated', { objectiveId })],
      expected: 'any',
    });
  }
  await appendAll(objectiveAppends);
  const weeks = 13;
  for (let week = 0; week < weeks; week += 1) {
    const effectiveAt = new Date(Date.UTC(2026, 9, 5 + week * 7)).toISOString().slice(0, 10);
    const recordedAt = `${effectiveAt}T09:00:00.000Z`;
    await appendAll(
      keyResults.map(({ objectiveId, keyResultId }) => ({
        streamId: `checkins-${keyResultId}`,
        events: [event('CheckInRecorded', { checkInId: randomUUID(), keyResultId, objectiveId, value: week * 7, confidence: 1 + (week % 10), effectiveAt, recordedAt }, recordedAt)],
        expected: 'any' as const,
      })),
    );
  }
  return { head: await store.headPosition(), cycleId, objectiveIds, keyResults, weeks };
}
