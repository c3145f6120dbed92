import type { ProjectedEvent, ReadModel } from '@okr/messaging';
import { EmbeddedReadStore, type ReadDocument } from '@okr/read-store';
import { questionsIndexModel } from '../questions/questions.read-model';
import { checkInKeyId, checkInKeyWrites, checkInKeysModel, learningsIndexModel } from './own-events.read-models';

let revision = 0;
const event = (type: string, data: Record<string, unknown>, occurredAt = '2026-10-12T09:00:00.000Z'): ProjectedEvent => ({
  id: `e${revision}`,
  type,
  streamId: 's-1',
  revision: revision++,
  data,
  metadata: { tenantId: 'acme', actor: 'ana', occurredAt },
});

/** Applies each event's operations (and any extra operations) in order with the embedded adapter. */
async function project(model: ReadModel, ...steps: (ProjectedEvent | ReturnType<typeof checkInKeyWrites>)[]): Promise<ReadDocument[]> {
  const store = EmbeddedReadStore.open({ file: ':memory:' });
  try {
    const collection = await store.collection({ name: model.name, indexes: model.indexes });
    for (const step of steps) {
      if (Array.isArray(step)) await collection.bulkWrite(step);
      else if (model.handles.includes(step.type)) await collection.bulkWrite(model.project(step, []));
    }
    return collection.find({}, { sort: { _id: 1 } });
  } finally {
    await store.close();
  }
}

const recorded = { checkInId: 'ci1', keyResultId: 'k1', objectiveId: 'o1', value: 3, confidence: 7, effectiveAt: '2026-10-12', recordedAt: '2026-10-12T09:00:00.000Z' };

describe("check-ins' own read models (pure projections)", () => {
  it("a check-in's place: the command path's write and the projection's are one document, in either order", async () => {
    const early = checkInKeyWrites('acme', 'ci1', 'k1');
    for (const order of [[early, event('CheckInRecorded', recorded)], [event('CheckInRecorded', recorded), early, early]]) {
      expect(await project(checkInKeysModel, ...order)).toEqual([{ _id: checkInKeyId('acme', 'ci1'), tenantId: 'acme', checkInId: 'ci1', keyResultId: 'k1' }]);
    }
    expect(checkInKeysModel.project(event('CheckInCorrected', { checkInId: 'ci1', keyResultId: 'k1', changes: {}, from: {}, reason: 'r', correctedAt: 'x' }), [])).toEqual([]);
  });

  it('learnings by objective and key result: where each belongs and when it was captured, never its texts', async () => {
    const captured = { learningId: 'l1', objectiveId: 'o1', keyResultIds: ['k1'], tried: 't', result: 'invalidated', insight: 'Permissions, not import', author: 'ana' };
    const docs = await project(
      learningsIndexModel,
      event('LearningCaptured', captured, '2026-10-12T10:00:00.000Z'),
      event('LearningRevised', { learningId: 'l1', changes: { keyResultIds: ['k1', 'k2'], insight: 'Roles first' }, from: {}, reason: 'r' }),
      event('LearningAcknowledged', { learningId: 'l1', by: 'bo' }),
    );
    expect(docs).toEqual([{ _id: 'l1', tenantId: 'acme', learningId: 'l1', objectiveId: 'o1', keyResultIds: ['k1', 'k2'], capturedAt: '2026-10-12T10:00:00.000Z' }]);
    expect((await project(learningsIndexModel, event('LearningCaptured', { ...captured, objectiveId: undefined })))[0]).toMatchObject({ objectiveId: null });
  });

  it("questions by objective and status, never a person's words or name", async () => {
    const asked = { questionId: 'q1', subject: 'key-result', subjectId: 'k1', objectiveId: 'o1', keyResultId: 'k1', teamId: 'growth', text: 'Why flat?', askedBy: 'ana' };
    const answered = await project(
      questionsIndexModel,
      event('QuestionAsked', asked, '2026-10-12T10:00:00.000Z'),
      event('QuestionAnswered', { questionId: 'q1', text: 'Holidays', answeredBy: 'bo' }, '2026-10-13T10:00:00.000Z'),
    );
    expect(answered).toEqual([{ _id: 'q1', tenantId: 'acme', objectiveId: 'o1', askedAt: '2026-10-12T10:00:00.000Z', status: 'answered' }]);
    const setAside = await project(questionsIndexModel, event('QuestionAsked', asked), event('QuestionSetAside', { questionId: 'q1', by: 'bo', note: 'Asked twice' }));
    expect(setAside[0]).toMatchObject({ status: 'set-aside' });
  });
});
