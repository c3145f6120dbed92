import type { ProjectedEvent } from '@okr/messaging';
import { EmbeddedReadStore, type ReadDocument } from '@okr/read-store';
import { knownCycleId, knownGoalsModel, knownKeyResultId, knownObjectiveId } from './known-goals.read-model';

let revision = 0;
const event = (type: string, data: Record<string, unknown>, tenantId = 'acme'): ProjectedEvent => ({
  id: `e${revision}`,
  type,
  streamId: `objective-${String(data['objectiveId'] ?? data['cycleId'])}`,
  revision: revision++,
  data,
  metadata: { tenantId, actor: 'ana', occurredAt: '2026-10-01T09:00:00.000Z' },
});

/** Applies the events' operations in order with the embedded adapter, as the runner does. */
async function project(...events: ProjectedEvent[]): Promise<Map<string, ReadDocument>> {
  const store = EmbeddedReadStore.open({ file: ':memory:' });
  try {
    const collection = await store.collection({ name: knownGoalsModel.name, indexes: knownGoalsModel.indexes });
    for (const e of events) {
      if (!knownGoalsModel.handles.includes(e.type)) continue;
      await collection.bulkWrite(knownGoalsModel.project(e, []));
    }
    return new Map((await collection.find({})).map((doc) => [doc._id, doc]));
  } finally {
    await store.close();
  }
}

const cycle = { cycleId: 'c1', name: 'Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 };
const objective = { objectiveId: 'o1', cycleId: 'c1', teamId: 'growth', ownerId: 'ana', title: 'New customers succeed' };
const keyResult = { objectiveId: 'o1', keyResultId: 'k1', title: 'Activation', measure: { kind: 'increase', start: 20, target: 40, unit: '%' } };

describe('the known-goals read model (pure projection)', () => {
  it('projects a cycle, an objective and its key result as three documents of the tenant', async () => {
    const docs = await project(event('CyclePlanned', cycle), event('ObjectiveSet', objective), event('KeyResultAdded', keyResult));
    expect(docs.get(knownCycleId('acme', 'c1'))).toMatchObject({ kind: 'cycle', tenantId: 'acme', startsOn: '2026-10-01', endsOn: '2026-12-31' });
    expect(docs.get(knownObjectiveId('acme', 'o1'))).toMatchObject({ kind: 'objective', teamId: 'growth', cycleId: 'c1', status: 'draft', ownerId: 'ana' });
    expect(docs.get(knownKeyResultId('acme', 'k1'))).toMatchObject({ kind: 'key-result', objectiveId: 'o1', measure: keyResult.measure, dropped: false });
  });

  it('follows the objective through its life: owner, activation, revised target, dropped key result, grading, archiving', async () => {
    const life = [event('ObjectiveSet', objective), event('KeyResultAdded', keyResult)];
    const at = async (...more: ProjectedEvent[]) => project(...life, ...more);
    const transferred = await at(event('ObjectiveOwnershipTransferred', { objectiveId: 'o1', fromOwnerId: 'ana', toOwnerId: 'bo' }));
    expect(transferred.get(knownObjectiveId('acme', 'o1'))).toMatchObject({ ownerId: 'bo' });
    expect((await at(event('ObjectiveActivated', { objectiveId: 'o1' }))).get(knownObjectiveId('acme', 'o1'))).toMatchObject({ status: 'active' });
    const revised = await at(event('KeyResultTargetRevised', { objectiveId: 'o1', keyResultId: 'k1', from: { target: 40 }, to: { target: 55 }, reason: 'r' }));
    expect(revised.get(knownKeyResultId('acme', 'k1'))).toMatchObject({ measure: { kind: 'increase', start: 20, target: 55, unit: '%' } });
    expect((await at(event('KeyResultDropped', { objectiveId: 'o1', keyResultId: 'k1', reason: 'r' }))).get(knownKeyResultId('acme', 'k1'))).toMatchObject({ dropped: true });
    const graded = event('ObjectiveGraded', { objectiveId: 'o1', keyResultGrades: [], overallGrade: 0.5, retrospective: 'r' });
    expect((await at(graded)).get(knownObjectiveId('acme', 'o1'))).toMatchObject({ status: 'closed' });
    expect((await at(event('ObjectiveArchived', { objectiveId: 'o1' }))).get(knownObjectiveId('acme', 'o1'))).toMatchObject({ status: 'archived' });
  });

  it('a rescheduled cycle moves its dates', async () => {
    const moved = { cycleId: 'c1', from: { startsOn: '2026-10-01', endsOn: '2026-12-31' }, to: { startsOn: '2026-10-05', endsOn: '2027-01-04' } };
    const docs = await project(event('CyclePlanned', cycle), event('CycleRescheduled', moved));
    expect(docs.get(knownCycleId('acme', 'c1'))).toMatchObject({ startsOn: '2026-10-05', endsOn: '2027-01-04' });
  });

  it("keeps another tenant's key result of the same id apart", async () => {
    const docs = await project(
      event('ObjectiveSet', objective),
      event('KeyResultAdded', keyResult),
      event('ObjectiveSet', { ...objective, teamId: 'g' }, 'globex'),
      event('KeyResultAdded', { ...keyResult, measure: { kind: 'milestone' } }, 'globex'),
    );
    expect(docs.get(knownKeyResultId('acme', 'k1'))).toMatchObject({ tenantId: 'acme', measure: { kind: 'increase' } });
    expect(docs.get(knownKeyResultId('globex', 'k1'))).toMatchObject({ tenantId: 'globex', measure: { kind: 'milestone' } });
  });

  it('writes nothing for the goals events nothing here depends on, and does not even ask for them', () => {
    for (const type of ['CycleRenamed', 'CycleClosed', 'ObjectiveReworded', 'ObjectiveAligned', 'ObjectiveGradeCorrected', 'ObjectiveCarriedOver']) {
      expect(knownGoalsModel.handles).not.toContain(type);
      expect(knownGoalsModel.project(event(type, { objectiveId: 'o1', cycleId: 'c1' }), [])).toEqual([]);
    }
    expect(knownGoalsModel.reads(event('ObjectiveSet', objective))).toBeUndefined();
  });

  it('carries its version in its name: a new version is a new collection, built from the log beside the old one', () => {
    expect(knownGoalsModel.name).toMatch(/^check-ins-known-goals-v\d+$/);
  });
});
