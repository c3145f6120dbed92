import { objectiveSummaryModel, summarize, type ObjectiveSummaryDoc } from './objective-summary';
import { ProjectionHarness, StreamBuilder } from './testing/projection-harness';

const O = 'o1';
const KR1 = 'kr1';
const KR2 = 'kr2';

const setup = async () => {
  const harness = await ProjectionHarness.create(objectiveSummaryModel);
  const objective = new StreamBuilder(`objective-${O}`);
  const checkins1 = new StreamBuilder(`checkins-${KR1}`);
  const checkins2 = new StreamBuilder(`checkins-${KR2}`);
  const goals = {
    set: () =>
      objective.event(
        'ObjectiveSet',
        { objectiveId: O, cycleId: 'c1', teamId: 'growth', ownerId: 'ana', title: 'Delight new users' },
        '2026-10-01T09:00:00Z',
      ),
    addKr1: () =>
      objective.event(
        'KeyResultAdded',
        {
          objectiveId: O,
          keyResultId: KR1,
          title: 'Activation to 40%',
          measure: { kind: 'increase', start: 20, target: 40, unit: '%' },
        },
        '2026-10-01T09:01:00Z',
      ),
    addKr2: () =>
      objective.event(
        'KeyResultAdded',
        { objectiveId: O, keyResultId: KR2, title: 'Ship onboarding', ownerId: 'ben', measure: { kind: 'milestone' } },
        '2026-10-01T09:02:00Z',
      ),
    activate: () => objective.event('ObjectiveActivated', { objectiveId: O }, '2026-10-01T10:00:00Z'),
  };
  const record = (
    stream: StreamBuilder,
    keyResultId: string,
    checkInId: string,
    value: number | boolean,
    confidence: number,
    effectiveAt: string,
    recordedAt: string,
  ) =>
    stream.event(
      'CheckInRecorded',
      { checkInId, keyResultId, objectiveId: O, value, confidence, effectiveAt, recordedAt },
      recordedAt,
    );
  const correct = (
    stream: StreamBuilder,
    keyResultId: string,
    checkInId: string,
    changes: Record<string, unknown>,
    correctedAt: string,
  ) =>
    stream.event(
      'CheckInCorrected',
      { checkInId, keyResultId, changes, from: {}, reason: 'typo', correctedAt },
      correctedAt,
    );
  return { harness, objective, checkins1, checkins2, goals, record, correct };
};

const kr = (doc: ObjectiveSummaryDoc | null, id: string) => doc?.keyResults.find((k) => k.id === id);

describe('objective-summary projection', () => {
  it('declares its collection, indexes and the events it handles', () => {
    expect(objectiveSummaryModel.name).toBe('objective-summary-v2');
    expect(objectiveSummaryModel.handles).toEqual(
      expect.arrayContaining([
        'ObjectiveSet',
        'ObjectiveReworded',
        'ObjectiveAligned',
        'ObjectiveAlignmentWithdrawn',
        'KeyResultAdded',
        'KeyResultTargetRevised',
        'KeyResultDropped',
        'ObjectiveOwnershipTransferred',
        'ObjectiveActivated',
        'ObjectiveGraded',
        'ObjectiveGradeCorrected',
        'ObjectiveArchived',
        'CheckInRecorded',
        'CheckInCorrected',
      ]),
    );
    expect(objectiveSummaryModel.indexes.length).toBeGreaterThan(0);
  });

  it('ObjectiveSet creates a draft summary with a replaceOne upsert', async () => {
    const { harness, goals } = await setup();
    const event = goals.set();
    const ops = objectiveSummaryModel.project(event, []);
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ replaceOne: { filter: { _id: O }, upsert: true } });
    await harness.apply(event);
    expect(await harness.get(O)).toEqual({
      _id: O,
      tenantId: 'acme',
      teamId: 'growth',
      cycleId: 'c1',
      ownerId: 'ana',
      title: 'Delight new users',
      status: 'draft',
      parentObjectiveIds: [],
      grade: null,
      retrospective: null,
      keyResults: [],
      progress: 0,
      confidence: null,
      lastCheckInAt: null,
      setAt: '2026-10-01T09:00:00Z',
      activatedAt: null,
      closedAt: null,
      archivedAt: null,
      updatedAt: '2026-10-01T09:00:00Z',
      revision: 0,
    });
    await harness.close();
  });

  it('ObjectiveReworded changes the title and description', async () => {
    const { harness, goals, objective } = await setup();
    await harness.apply(
      goals.set(),
      objective.event(
        'ObjectiveReworded',
        { objectiveId: O, from: { title: 'Delight new users' }, to: { title: 'Win new users', description: 'why' }, reason: 'focus' },
        '2026-10-02T00:00:00Z',
      ),
    );
    expect(await harness.get(O)).toMatchObject({ title: 'Win new users', description: 'why', revision: 1 });
    await harness.close();
  });

  it('ObjectiveAligned and ObjectiveAlignmentWithdrawn maintain parentObjectiveIds', async () => {
    const { harness, goals, objective } = await setup();
    await harness.apply(
      goals.set(),
      objective.event('ObjectiveAligned', { objectiveId: O, parentObjectiveId: 'p1' }, '2026-10-02T00:00:00Z'),
      objective.event('ObjectiveAligned', { objectiveId: O, parentObjectiveId: 'p2' }, '2026-10-02T00:01:00Z'),
    );
    expect((await harness.get(O))?.parentObjectiveIds).toEqual(['p1', 'p2']);
    await harness.apply(
      objective.event(
        'ObjectiveAlignmentWithdrawn',
        { objectiveId: O, parentObjectiveId: 'p1', reason: 'reorg' },
        '2026-10-03T00:00:00Z',
      ),
    );
    expect((await harness.get(O))?.parentObjectiveIds).toEqual(['p2']);
    await harness.close();
  });

  it('KeyResultAdded adds a key result with no check-in and no progress', async () => {
    const { harness, goals } = await setup();
    await harness.apply(goals.set(), goals.addKr1(), goals.addKr2());
    const doc = await harness.get(O);
    expect(doc?.keyResults).toEqual([
      {
        id: KR1,
        title: 'Activation to 40%',
        kind: 'increase',
        measure: { kind: 'increase', start: 20, target: 40, unit: '%' },
        addedAt: '2026-10-01T09:01:00Z',
        dropped: false,
        value: null,
        confidence: null,
        lastCheckInAt: null,
        latestEffectiveAt: null,
        progress: 0,
        recentConfidences: [],
        checkIns: [],
        checkInRevision: -1,
        grade: null,
      },
      expect.objectContaining({ id: KR2, kind: 'milestone', ownerId: 'ben', progress: 0 }),
    ]);
    expect(doc?.progress).toBe(0);
    await harness.close();
  });

  it('CheckInRecorded sets value, confidence, last check-in and progress; objective progress is the mean, confidence the minimum', async () => {
    const { harness, goals, record, checkins1, checkins2 } = await setup();
    await harness.apply(goals.set(), goals.addKr1(), goals.addKr2(), goals.activate());
    await harness.apply(
      record(checkins1, KR1, 'ci1', 30, 7, '2026-10-05', '2026-10-05T16:00:00Z'),
      record(checkins2, KR2, 'ci2', false, 4, '2026-10-05', '2026-10-05T17:00:00Z'),
    );
    const doc = await harness.get(O);
    expect(kr(doc, KR1)).toMatchObject({
      value: 30,
      confidence: 7,
      progress: 0.5,
      lastCheckInAt: '2026-10-05T16:00:00Z',
      latestEffectiveAt: '2026-10-05',
      recentConfidences: [7],
    });
    expect(kr(doc, KR2)).toMatchObject({ value: false, confidence: 4, progress: 0 });
    expect(doc).toMatchObject({ progress: 0.25, confidence: 4, lastCheckInAt: '2026-10-05T17:00:00Z', status: 'active' });
    await harness.close();
  });

  it('the latest check-in is the one with the latest effectiveAt, not the last recorded (backfill)', async () => {
    const { harness, goals, record, checkins1 } = await setup();
    await harness.apply(goals.set(), goals.addKr1());
    await harness.apply(
      record(checkins1, KR1, 'w2', 30, 6, '2026-10-12', '2026-10-12T10:00:00Z'),
      record(checkins1, KR1, 'w1', 24, 8, '2026-10-05', '2026-10-13T10:00:00Z'),
    );
    expect(kr(await harness.get(O), KR1)).toMatchObject({
      value: 30,
      confidence: 6,
      lastCheckInAt: '2026-10-13T10:00:00Z',
      latestEffectiveAt: '2026-10-12',
      recentConfidences: [8, 6],
    });
    await harness.close();
  });

  it('CheckInCorrected of the latest check-in changes the view; of an older one does not override the newer', async () => {
    const { harness, goals, record, correct, checkins1 } = await setup();
    await harness.apply(goals.set(), goals.addKr1());
    await harness.apply(
      record(checkins1, KR1, 'w1', 24, 8, '2026-10-05', '2026-10-05T10:00:00Z'),
      record(checkins1, KR1, 'w2', 30, 6, '2026-10-12', '2026-10-12T10:00:00Z'),
    );
    const correction = correct(checkins1, KR1, 'w1', { value: 26, confidence: 3 }, '2026-10-13T10:00:00Z');
    expect(objectiveSummaryModel.reads(correction)).toEqual({ 'keyResults.id': KR1 });
    await harness.apply(correction);
    let entry = kr(await harness.get(O), KR1);
    expect(entry).toMatchObject({ value: 30, confidence: 6, progress: 0.5, recentConfidences: [3, 6] });
    expect(entry?.checkIns[0]).toMatchObject({ id: 'w1', value: 26, confidence: 3, correctedAt: '2026-10-13T10:00:00Z' });

    await harness.apply(correct(checkins1, KR1, 'w2', { value: 36 }, '2026-10-14T10:00:00Z'));
    entry = kr(await harness.get(O), KR1);
    expect(entry).toMatchObject({ value: 36, confidence: 6, progress: 0.8 });
    await harness.close();
  });

  it('a correction that moves an older check-in after the newer one makes it the latest', async () => {
    const { harness, goals, record, correct, checkins1 } = await setup();
    await harness.apply(goals.set(), goals.addKr1());
    await harness.apply(
      record(checkins1, KR1, 'a', 24, 8, '2026-10-05', '2026-10-05T10:00:00Z'),
      record(checkins1, KR1, 'b', 30, 6, '2026-10-12', '2026-10-12T10:00:00Z'),
      correct(checkins1, KR1, 'a', { effectiveAt: '2026-10-19' }, '2026-10-20T10:00:00Z'),
    );
    expect(kr(await harness.get(O), KR1)).toMatchObject({ value: 24, confidence: 8, latestEffectiveAt: '2026-10-19' });
    await harness.close();
  });

  it('KeyResultTargetRevised recomputes progress against the new target', async () => {
    const { harness, goals, record, checkins1, objective } = await setup();
    await harness.apply(goals.set(), goals.addKr1());
    await harness.apply(record(checkins1, KR1, 'w1', 30, 7, '2026-10-05', '2026-10-05T10:00:00Z'));
    await harness.apply(
      objective.event(
        'KeyResultTargetRevised',
        { objectiveId: O, keyResultId: KR1, from: { target: 40 }, to: { target: 30 }, reason: 'market shrank' },
        '2026-10-06T00:00:00Z',
      ),
    );
    const doc = await harness.get(O);
    expect(kr(doc, KR1)).toMatchObject({ measure: { kind: 'increase', start: 20, target: 30 }, progress: 1 });
    expect(doc?.progress).toBe(1);
    await harness.close();
  });

  it('KeyResultDropped excludes the key result from progress, confidence and last check-in', async () => {
    const { harness, goals, record, checkins1, checkins2, objective } = await setup();
    await harness.apply(goals.set(), goals.addKr1(), goals.addKr2());
    await harness.apply(
      record(checkins1, KR1, 'a', 30, 7, '2026-10-05', '2026-10-05T10:00:00Z'),
      record(checkins2, KR2, 'b', false, 2, '2026-10-06', '2026-10-06T10:00:00Z'),
    );
    expect(await harness.get(O)).toMatchObject({ progress: 0.25, confidence: 2 });
    await harness.apply(
      objective.event('KeyResultDropped', { objectiveId: O, keyResultId: KR2, reason: 'not needed' }, '2026-10-07T00:00:00Z'),
    );
    const doc = await harness.get(O);
    expect(kr(doc, KR2)).toMatchObject({ dropped: true, droppedReason: 'not needed' });
    expect(doc).toMatchObject({ progress: 0.5, confidence: 7, lastCheckInAt: '2026-10-05T10:00:00Z' });
    await harness.close();
  });

  it('ObjectiveOwnershipTransferred changes the owner', async () => {
    const { harness, goals, objective } = await setup();
    await harness.apply(
      goals.set(),
      objective.event('ObjectiveOwnershipTransferred', { objectiveId: O, fromOwnerId: 'ana', toOwnerId: 'carl' }, '2026-10-02T00:00:00Z'),
    );
    expect(await harness.get(O)).toMatchObject({ ownerId: 'carl' });
    await harness.close();
  });

  it('ObjectiveActivated makes it active with its activation time', async () => {
    const { harness, goals } = await setup();
    await harness.apply(goals.set(), goals.activate());
    expect(await harness.get(O)).toMatchObject({ status: 'active', activatedAt: '2026-10-01T10:00:00Z' });
    await harness.close();
  });

  it('ObjectiveGraded closes it with the overall and key-result grades', async () => {
    const { harness, goals, objective } = await setup();
    await harness.apply(
      goals.set(),
      goals.addKr1(),
      goals.activate(),
      objective.event(
        'ObjectiveGraded',
        { objectiveId: O, keyResultGrades: [{ keyResultId: KR1, grade: 0.7 }], overallGrade: 0.7, retrospective: 'good' },
        '2026-12-31T12:00:00Z',
      ),
    );
    const doc = await harness.get(O);
    expect(doc).toMatchObject({ status: 'closed', grade: 0.7, retrospective: 'good', closedAt: '2026-12-31T12:00:00Z' });
    expect(kr(doc, KR1)?.grade).toBe(0.7);
    await harness.close();
  });

  it('ObjectiveGradeCorrected replaces the grades; the objective stays closed', async () => {
    const { harness, goals, objective } = await setup();
    const was = { overallGrade: 0.7, keyResultGrades: [{ keyResultId: KR1, grade: 0.7 }] };
    await harness.apply(
      goals.set(),
      goals.addKr1(),
      goals.activate(),
      objective.event('ObjectiveGraded', { objectiveId: O, ...was, retrospective: 'good' }, '2026-12-31T12:00:00Z'),
      objective.event(
        'ObjectiveGradeCorrected',
        { objectiveId: O, from: was, to: { overallGrade: 0.4, keyResultGrades: [{ keyResultId: KR1, grade: 0.4 }] }, reason: 'Test accounts counted' },
        '2027-01-05T12:00:00Z',
      ),
    );
    const doc = await harness.get(O);
    expect(doc).toMatchObject({ status: 'closed', grade: 0.4, retrospective: 'good', closedAt: '2026-12-31T12:00:00Z' });
    expect(kr(doc, KR1)?.grade).toBe(0.4);
    await harness.close();
  });

  it('ObjectiveArchived archives it', async () => {
    const { harness, goals, objective } = await setup();
    await harness.apply(goals.set(), objective.event('ObjectiveArchived', { objectiveId: O }, '2026-10-09T00:00:00Z'));
    expect(await harness.get(O)).toMatchObject({ status: 'archived', archivedAt: '2026-10-09T00:00:00Z' });
    await harness.close();
  });

  it('a check-in that arrives before its objective creates a placeholder completed later', async () => {
    const { harness, goals, record, checkins1 } = await setup();
    await harness.apply(record(checkins1, KR1, 'a', 30, 7, '2026-10-05', '2026-10-05T10:00:00Z'));
    expect(await harness.get(O)).toMatchObject({ status: 'unknown', revision: -1, progress: 0 });
    await harness.apply(goals.set(), goals.addKr1());
    const doc = await harness.get(O);
    expect(doc).toMatchObject({ status: 'draft', title: 'Delight new users', progress: 0.5 });
    expect(kr(doc, KR1)).toMatchObject({ title: 'Activation to 40%', value: 30, progress: 0.5 });
    await harness.close();
  });

  it('is the same document whichever way goals and check-ins events interleave (replicas and rebuilds see different interleavings)', async () => {
    const { harness, goals, record, checkins1, checkins2 } = await setup();
    const set = goals.set();
    const add1 = goals.addKr1();
    const add2 = goals.addKr2();
    const activate = goals.activate();
    const first = record(checkins1, KR1, 'a', 30, 7, '2026-10-05', '2026-10-05T10:00:00Z');
    const second = record(checkins2, KR2, 'b', false, 4, '2026-10-05', '2026-10-05T11:00:00Z');
    await harness.apply(set, add1, add2, activate, first, second);
    const inLogOrder = await harness.get(O);
    const other = await setup();
    // Check-ins' partition read first: KR2's check-in before any goals event, the activation last.
    await other.harness.apply(second, first, set, add1, add2, activate);
    const interleaved = await other.harness.get(O);
    expect(interleaved).toEqual(inLogOrder);
    expect(inLogOrder?.keyResults.map((k) => k.id)).toEqual([KR1, KR2]);
    expect(inLogOrder?.updatedAt).toBe('2026-10-05T11:00:00Z');
    await harness.close();
    await other.harness.close();
  });

  it('redelivered events are no-ops (revision guards)', async () => {
    const { harness, goals, record, correct, checkins1 } = await setup();
    const set = goals.set();
    const add = goals.addKr1();
    const recorded = record(checkins1, KR1, 'a', 30, 7, '2026-10-05', '2026-10-05T10:00:00Z');
    const corrected = correct(checkins1, KR1, 'a', { value: 40 }, '2026-10-06T10:00:00Z');
    await harness.apply(set, add, recorded, corrected);
    const before = await harness.get(O);
    expect(objectiveSummaryModel.project(add, [before as ObjectiveSummaryDoc])).toEqual([]);
    expect(objectiveSummaryModel.project(recorded, [before as ObjectiveSummaryDoc])).toEqual([]);
    await harness.apply(set, add, recorded, corrected);
    expect(await harness.get(O)).toEqual(before);
    await harness.close();
  });

  it('a correction for a key result no summary holds produces nothing', () => {
    const stream = new StreamBuilder('checkins-zz');
    const event = stream.event(
      'CheckInCorrected',
      { checkInId: 'x', keyResultId: 'zz', changes: { value: 1 }, from: {}, reason: 'r', correctedAt: '2026-10-01T00:00:00Z' },
      '2026-10-01T00:00:00Z',
    );
    expect(objectiveSummaryModel.project(event, [])).toEqual([]);
  });

  it('a check-in re-summarizes its own key result only, and the document equals one summarized whole', async () => {
    // Check-ins out of effectiveAt order, measurements, corrections that move effectiveAt, a target
    // revised between them: after every event the stored document is what summarizing every key result
    // again gives, and `project` leaves the documents it was given as they were.
    const { harness, objective, goals, record, correct, checkins1, checkins2 } = await setup();
    await harness.apply(goals.set(), goals.addKr1(), goals.addKr2(), goals.activate());
    const events = [
      record(checkins1, KR1, 'a', 25, 6, '2026-10-08', '2026-10-08T10:00:00Z'),
      record(checkins2, KR2, 'b', false, 4, '2026-10-08', '2026-10-08T11:00:00Z'),
      record(checkins1, KR1, 'c', 22, 8, '2026-10-03', '2026-10-09T10:00:00Z'),
      objective.event('KeyResultTargetRevised', { objectiveId: O, keyResultId: KR1, from: {}, to: { target: 30 } }, '2026-10-10T09:00:00Z'),
      checkins1.event(
        'MeasurementRecorded',
        { measurementId: 'm', keyResultId: KR1, objectiveId: O, value: 28, source: 'warehouse', measuredAt: '2026-10-11T00:00:00Z', recordedAt: '2026-10-11T01:00:00Z' },
        '2026-10-11T01:00:00Z',
      ),
      correct(checkins1, KR1, 'c', { effectiveAt: '2026-10-12', confidence: 3 }, '2026-10-12T10:00:00Z'),
      record(checkins2, KR2, 'd', true, 9, '2026-10-13', '2026-10-13T10:00:00Z'),
    ];
    for (const event of events) {
      const before = (await harness.get(O)) as ObjectiveSummaryDoc;
      const given = JSON.parse(JSON.stringify(before)) as ObjectiveSummaryDoc;
      const [operation] = objectiveSummaryModel.project(event, [given]);
      expect(given).toEqual(before);
      const written = (operation as unknown as { replaceOne: { replacement: ObjectiveSummaryDoc } }).replaceOne.replacement;
      expect(written).toEqual(summarize(JSON.parse(JSON.stringify(written)) as ObjectiveSummaryDoc));
      await harness.apply(event);
    }
    const doc = await harness.get(O);
    expect(kr(doc, KR1)).toMatchObject({ value: 22, confidence: 3, latestEffectiveAt: '2026-10-12' });
    expect(kr(doc, KR2)).toMatchObject({ value: true, confidence: 9 });
    expect(doc?.confidence).toBe(3);
    await harness.close();
  });
});
