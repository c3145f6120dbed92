import type { IntegrationEvent } from '@okr/messaging';

/**
 * A randomized history of OKRs for two tenants, in log order: objectives set, reworded, aligned and
 * re-aligned, archived; key results added, revised and dropped; check-ins recorded (some describing
 * earlier weeks, some recorded late), corrected and measured; learnings captured and revised;
 * questions asked and answered. The same seed gives the same history. Each stream's `occurredAt`
 * never goes back, as the event store's writers guarantee.
 */
export interface RandomHistory {
  events: IntegrationEvent[];
  /** Instants worth replaying at: across the whole history, a few between events. */
  instants: Date[];
  teams: string[];
  cycles: string[];
  objectiveIds: (tenantId: string) => string[];
}

const mulberry32 = (seed: number) => (): number => {
  let t = (seed += 0x6d2b79f5);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const START = Date.parse('2026-07-01T08:00:00.000Z');
const HOUR = 3_600_000;

export function randomHistory(seed: number, steps = 400): RandomHistory {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const teams = ['growth', 'platform', 'sales'];
  const cycles = ['q3', 'q4'];
  const events: IntegrationEvent[] = [];
  const revisions = new Map<string, number>();
  let clock = START;
  const backdatedAt: number[] = [];
  let ids = 0;
  const id = (prefix: string): string => `${prefix}-${seed}-${(ids += 1)}`;
  const emit = (tenantId: string, streamId: string, type: string, data: Record<string, unknown>, occurredAt = new Date(clock).toISOString()): void => {
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    events.push({
      id: id('event'),
      type,
      schemaVersion: 1,
      streamId,
      key: streamId.slice(streamId.indexOf('-') + 1),
      revision,
      position: events.length,
      data,
      metadata: { tenantId, actor: 'alice', correlationId: 'c', causationId: 'c', occurredAt },
    });
  };
  interface Objective { id: string; tenantId: string; keyResults: string[]; parents: string[]; archived: boolean; checkIns: string[] }
  const objectives: Objective[] = [];
  const learnings: { id: string; tenantId: string }[] = [];
  const questions: { id: string; tenantId: string; objectiveId: string }[] = [];
  const live = (tenantId: string) => objectives.filter((o) => o.tenantId === tenantId && !o.archived);

  for (let step = 0; step < steps; step += 1) {
    // Several events share an instant now and then.
    if (random() < 0.85) clock += Math.floor(random() * 20 * HOUR);
    const tenantId = random() < 0.8 ? 'acme' : 'other';
    const mine = live(tenantId);
    const roll = random();
    if (roll < 0.12 || mine.length === 0) {
      const objective: Objective = { id: id('obj'), tenantId, keyResults: [], parents: [], archived: false, checkIns: [] };
      objectives.push(objective);
      const stream = `objective-${objective.id}`;
      // Now and then an objective imported with its original, earlier time: the log's order is not
      // the order objectives were set in (a later replay block may start before an earlier one).
      const setAt = random() < 0.15 ? new Date(clock - Math.floor(random() * 10 * 24 * HOUR)).toISOString() : undefined;
      if (setAt !== undefined) backdatedAt.push(Date.parse(setAt));
      emit(tenantId, stream, 'ObjectiveSet', { objectiveId: objective.id, cycleId: pick(cycles), teamId: pick(teams), ownerId: 'alice', title: `Objective ${objective.id}` }, setAt);
      for (let k = 0; k < 1 + Math.floor(random() * 3); k += 1) {
        const keyResultId = id('kr');
        objective.keyResults.push(keyResultId);
        const measure = random() < 0.7 ? { kind: 'increase', start: 0, target: 100, unit: '%' } : { kind: 'stay-within-range', min: 10, max: 20 };
        emit(tenantId, stream, 'KeyResultAdded', { objectiveId: objective.id, keyResultId, title: `KR ${keyResultId}`, measure }, setAt);
      }
      if (random() < 0.7) emit(tenantId, stream, 'ObjectiveActivated', { objectiveId: objective.id });
      continue;
    }
    const objective = pick(mine);
    const stream = `objective-${objective.id}`;
    const keyResultId = pick(objective.keyResults);
    if (roll < 0.5) {
      // A check-in, sometimes about an earlier week, sometimes recorded late (as an import would be).
      const effective = new Date(clock - Math.floor(random() * 10) * 24 * HOUR).toISOString().slice(0, 10);
      const recordedAt = new Date(clock + (random() < 0.1 ? 5 * HOUR : 0)).toISOString();
      const checkInId = id('ci');
      objective.checkIns.push(checkInId);
      const data: Record<string, unknown> = { checkInId, keyResultId, objectiveId: objective.id, value: Math.floor(random() * 120), confidence: 1 + Math.floor(random() * 10), effectiveAt: effective, recordedAt, note: 'secret note' };
      if (random() < 0.15) {
        emit(tenantId, `checkins-${keyResultId}`, 'MeasurementRecorded', { measurementId: checkInId, keyResultId, value: data['value'], measuredAt: effective, source: 'warehouse', recordedAt });
      } else emit(tenantId, `checkins-${keyResultId}`, 'CheckInRecorded', data);
    } else if (roll < 0.6 && objective.checkIns.length > 0) {
      const checkInId = pick(objective.checkIns);
      const kr = events.find((e) => (e.data as { checkInId?: string }).checkInId === checkInId)?.streamId;
      if (kr === undefined) continue;
      const changes = random() < 0.5 ? { value: Math.floor(random() * 120) } : { confidence: 1 + Math.floor(random() * 10), effectiveAt: new Date(clock - 3 * 24 * HOUR).toISOString().slice(0, 10) };
      emit(tenantId, kr, 'CheckInCorrected', { checkInId, keyResultId: kr.slice('checkins-'.length), changes, from: {}, reason: 'typo', correctedAt: new Date(clock).toISOString() });
    } else if (roll < 0.66) {
      emit(tenantId, stream, 'KeyResultTargetRevised', { objectiveId: objective.id, keyResultId, from: { target: 100 }, to: { target: 50 + Math.floor(random() * 100) }, reason: 'scope' });
    } else if (roll < 0.72) {
      const parent = pick(mine);
      if (parent.id !== objective.id && !objective.parents.includes(parent.id)) {
        objective.parents.push(parent.id);
        emit(tenantId, stream, 'ObjectiveAligned', { objectiveId: objective.id, parentObjectiveId: parent.id });
      } else if (objective.parents.length > 0) {
        const withdrawn = objective.parents.shift() as string;
        emit(tenantId, stream, 'ObjectiveAlignmentWithdrawn', { objectiveId: objective.id, parentObjectiveId: withdrawn, reason: 're-aligned' });
      }
    } else if (roll < 0.76) {
      emit(tenantId, stream, 'ObjectiveReworded', { objectiveId: objective.id, from: { title: 'x' }, to: { title: `Reworded ${id('t')}` } });
    } else if (roll < 0.79 && objective.keyResults.length > 1) {
      const dropped = objective.keyResults.pop() as string;
      emit(tenantId, stream, 'KeyResultDropped', { objectiveId: objective.id, keyResultId: dropped, reason: 'noise' });
    } else if (roll < 0.82) {
      objective.archived = true;
      emit(tenantId, stream, 'ObjectiveArchived', { objectiveId: objective.id, reason: 'stale' });
    } else if (roll < 0.9) {
      const learningId = id('learning');
      const about = random() < 0.7 ? { objectiveId: objective.id, keyResultIds: [keyResultId] } : { keyResultIds: [] };
      learnings.push({ id: learningId, tenantId });
      emit(tenantId, `learning-${learningId}`, 'LearningCaptured', {
        learningId, teamId: pick(teams), ...about, tried: 'something', result: pick(['validated', 'invalidated', 'inconclusive']), insight: `insight ${learningId}`, evidence: [], tags: [], author: 'alice',
      });
    } else if (roll < 0.93 && learnings.some((l) => l.tenantId === tenantId)) {
      const learning = pick(learnings.filter((l) => l.tenantId === tenantId));
      emit(tenantId, `learning-${learning.id}`, 'LearningRevised', { learningId: learning.id, changes: { insight: `revised ${id('r')}` }, reason: 'clearer' });
    } else if (roll < 0.97) {
      const questionId = id('question');
      questions.push({ id: questionId, tenantId, objectiveId: objective.id });
      emit(tenantId, `question-${questionId}`, 'QuestionAsked', { questionId, subject: 'objective', subjectId: objective.id, objectiveId: objective.id, teamId: pick(teams), text: 'why?', askedBy: 'ceo' });
    } else if (questions.some((q) => q.tenantId === tenantId)) {
      const question = pick(questions.filter((q) => q.tenantId === tenantId));
      emit(tenantId, `question-${question.id}`, 'QuestionAnswered', { questionId: question.id, objectiveId: question.objectiveId, text: 'because', answeredBy: 'gina', askedBy: 'ceo' });
    }
  }
  // And just after a few backdated objectives were set: set before objectives earlier in the log.
  const backdated = backdatedAt.slice(0, 3).map((t) => t + 60_000);
  const instants = [START - HOUR, ...Array.from({ length: 4 }, (_, i) => START + ((clock - START) * (i + 1)) / 4 - 7 * 60_000), ...backdated, clock + 30 * 24 * HOUR].map((t) => new Date(Math.round(t)));
  return { events, instants, teams, cycles, objectiveIds: (tenantId) => objectives.filter((o) => o.tenantId === tenantId).map((o) => o.id) };
}
