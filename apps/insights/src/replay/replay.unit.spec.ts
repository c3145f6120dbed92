import { replayAt, UNNAMED } from './replay';

/** A scripted stretch of one tenant's log, plus one event of another tenant, in log order. */
const OBJ = 'obj-1';
const KR = 'kr-1';
const RANGE_KR = 'kr-2';
const CHECK_IN = 'ci-1';

let position = 0;
const at = (occurredAt: string, streamId: string, type: string, data: Record<string, unknown>, tenantId = 'acme') => ({
  streamId,
  type,
  data,
  position: position++,
  metadata: { tenantId, actor: 'alice', correlationId: 'c', causationId: 'c', occurredAt },
});

const objectiveSet = at('2026-10-01T09:00:00.000Z', `objective-${OBJ}`, 'ObjectiveSet', {
  objectiveId: OBJ,
  cycleId: 'q4',
  teamId: 'growth',
  ownerId: 'alice',
  title: 'New customers succeed',
});

const events = [
  objectiveSet,
  at('2026-10-01T09:01:00.000Z', `objective-${OBJ}`, 'KeyResultAdded', {
    objectiveId: OBJ,
    keyResultId: KR,
    title: 'Week-1 activation',
    measure: { kind: 'increase', start: 20, target: 40, unit: '%' },
  }),
  at('2026-10-01T09:02:00.000Z', `objective-${OBJ}`, 'KeyResultAdded', {
    objectiveId: OBJ,
    keyResultId: RANGE_KR,
    title: 'Churn within bounds',
    measure: { kind: 'stay-within-range', min: 1, max: 3 },
  }),
  at('2026-10-01T09:03:00.000Z', `objective-${OBJ}`, 'ObjectiveActivated', { objectiveId: OBJ }),
  at('2026-10-05T10:00:00.000Z', `checkins-${KR}`, 'CheckInRecorded', {
    checkInId: CHECK_IN,
    keyResultId: KR,
    objectiveId: OBJ,
    value: 30,
    confidence: 8,
    effectiveAt: '2026-10-05',
    recordedAt: '2026-10-05T10:00:00.000Z',
  }),
  at('2026-10-06T10:00:00.000Z', 'learning-l-1', 'LearningCaptured', {
    learningId: 'l-1',
    teamId: 'growth',
    objectiveId: OBJ,
    keyResultIds: [KR],
    tried: 'A guided import',
    result: 'invalidated',
    insight: 'Permissions, not import',
    evidence: [],
    tags: [],
    author: 'alice',
  }),
  // T = 2026-10-07: everything below happened after it.
  at('2026-10-08T10:00:00.000Z', `objective-${OBJ}`, 'KeyResultTargetRevised', {
    objectiveId: OBJ,
    keyResultId: KR,
    from: { target: 40 },
    to: { target: 35 },
    reason: 'Seasonality',
  }),
  at('2026-10-09T10:00:00.000Z', `checkins-${KR}`, 'CheckInCorrected', {
    checkInId: CHECK_IN,
    keyResultId: KR,
    changes: { value: 28 },
    from: { value: 30 },
    reason: 'Double-counted trials',
    correctedAt: '2026-10-09T10:00:00.000Z',
  }),
  at('2026-10-12T10:00:00.000Z', `checkins-${KR}`, 'CheckInRecorded', {
    checkInId: 'ci-2',
    keyResultId: KR,
    objectiveId: OBJ,
    value: 31,
    confidence: 3,
    effectiveAt: '2026-10-12',
    recordedAt: '2026-10-12T10:00:00.000Z',
  }),
  at('2026-10-13T10:00:00.000Z', `objective-${OBJ}`, 'KeyResultDropped', { objectiveId: OBJ, keyResultId: RANGE_KR, reason: 'Noise' }),
  at('2026-10-02T10:00:00.000Z', 'objective-other', 'ObjectiveSet', {
    objectiveId: 'other',
    cycleId: 'q4',
    teamId: 'growth',
    ownerId: 'mallory',
    title: 'Another tenant',
  }, 'globex'),
  at('2026-10-02T10:00:00.000Z', 'learning-l-other', 'LearningCaptured', {
    learningId: 'l-other',
    keyResultIds: [],
    tried: 't',
    result: 'validated',
    insight: 'theirs',
    evidence: [],
    tags: [],
    author: 'mallory',
  }, 'globex'),
];

const T = new Date('2026-10-07T00:00:00.000Z');
const LATER = new Date('2026-10-20T00:00:00.000Z');
const keyResult = (view: ReturnType<typeof replayAt>, id: string) => view.objectives[0]?.keyResults.find((kr) => kr.id === id);

describe('replayAt', () => {
  it('before anything happened, the view is empty', () => {
    expect(replayAt(events, 'acme', new Date('2026-09-30T00:00:00.000Z'))).toEqual({
      asOf: '2026-09-30T00:00:00.000Z',
      objectives: [],
      learnings: [],
      questions: [],
    });
  });

  it('right after the key results were added: a draft, no check-in yet, progress 0', () => {
    const view = replayAt(events, 'acme', new Date('2026-10-01T09:02:30.000Z'));
    expect(view.objectives).toEqual([
      {
        id: OBJ,
        title: 'New customers succeed',
        teamId: 'growth',
        teamName: 'growth',
        cycleId: 'q4',
        cycleName: null,
        parentObjectiveIds: [],
        progress: 0,
        status: 'draft',
        keyResults: [
          { id: KR, title: 'Week-1 activation', kind: 'increase', target: 40, unit: '%', value: null, confidence: null, progress: 0 },
          { id: RANGE_KR, title: 'Churn within bounds', kind: 'stay-within-range', target: null, min: 1, max: 3, value: null, confidence: null, progress: 0 },
        ],
      },
    ]);
  });

  it('at T: the old target, the confidence before its drop, the check-in before its correction, the learning', () => {
    const view = replayAt(events, 'acme', T);
    expect(view.asOf).toBe(T.toISOString());
    expect(view.objectives[0]?.status).toBe('active');
    expect(keyResult(view, KR)).toEqual({
      id: KR,
      title: 'Week-1 activation',
      kind: 'increase',
      target: 40,
      unit: '%',
      value: 30,
      confidence: 8,
      progress: 0.5,
    });
    expect(view.objectives[0]?.progress).toBe(0.25);
    expect(view.learnings).toEqual([
      { id: 'l-1', result: 'invalidated', insight: 'Permissions, not import', objectiveId: OBJ, keyResultIds: [KR] },
    ]);
  });

  it('after the correction but before the next check-in: the corrected value, the revised target', () => {
    const view = replayAt(events, 'acme', new Date('2026-10-10T00:00:00.000Z'));
    expect(keyResult(view, KR)).toMatchObject({ target: 35, value: 28, confidence: 8 });
    expect(keyResult(view, KR)?.progress).toBeCloseTo(8 / 15);
  });

  it('later: the revised target and the dropped confidence; a dropped key result leaves the list and the mean', () => {
    const view = replayAt(events, 'acme', LATER);
    expect(view.objectives[0]?.keyResults).toEqual([
      // 11 / 15, to a hundredth of a percent: progress is read by people.
      { id: KR, title: 'Week-1 activation', kind: 'increase', target: 35, unit: '%', value: 31, confidence: 3, progress: 0.7333 },
    ]);
    expect(view.objectives[0]?.progress).toBeCloseTo(11 / 15);
  });

  it('names the team and the cycle as the registries know them, and the parents the objective was aligned to then', () => {
    const aligned = [
      ...events,
      at('2026-10-09T00:00:00.000Z', `objective-${OBJ}`, 'ObjectiveAligned', { objectiveId: OBJ, parentObjectiveId: 'company-1' }),
      at('2026-10-12T00:00:00.000Z', `objective-${OBJ}`, 'ObjectiveAlignmentWithdrawn', { objectiveId: OBJ, parentObjectiveId: 'company-1', reason: 'Reorg' }),
    ];
    const names = { team: (id: string) => (id === 'growth' ? 'Growth' : id), cycle: (id: string) => (id === 'q4' ? '2026-Q4' : null) };
    const objective = (asOf: string) => replayAt(aligned, 'acme', new Date(asOf), {}, names).objectives[0];
    expect(objective('2026-10-08T00:00:00.000Z')).toMatchObject({ teamName: 'Growth', cycleName: '2026-Q4', parentObjectiveIds: [] });
    expect(objective('2026-10-10T00:00:00.000Z')?.parentObjectiveIds).toEqual(['company-1']);
    expect(objective('2026-10-13T00:00:00.000Z')?.parentObjectiveIds).toEqual([]);
  });

  it('an event at exactly asOf counts', () => {
    expect(keyResult(replayAt(events, 'acme', new Date('2026-10-08T10:00:00.000Z')), KR)?.target).toBe(35);
  });

  it("another tenant's events never appear, and that tenant sees only its own", () => {
    const acme = replayAt(events, 'acme', LATER);
    expect(acme.objectives.map((o) => o.id)).toEqual([OBJ]);
    expect(acme.learnings.map((l) => l.id)).toEqual(['l-1']);
    const globex = replayAt(events, 'globex', LATER);
    expect(globex.objectives.map((o) => o.id)).toEqual(['other']);
    expect(globex.learnings).toEqual([{ id: 'l-other', result: 'validated', insight: 'theirs', keyResultIds: [] }]);
    expect(replayAt(events, 'initech', LATER)).toEqual({ asOf: LATER.toISOString(), objectives: [], learnings: [], questions: [] });
  });

  it('filters by team and cycle, with the learnings about what is shown', () => {
    expect(replayAt(events, 'acme', LATER, { teamId: 'growth' }).objectives).toHaveLength(1);
    expect(replayAt(events, 'acme', LATER, { teamId: 'growth', cycleId: 'q4' }).learnings).toHaveLength(1);
    const otherTeam = replayAt(events, 'acme', LATER, { teamId: 'payments' });
    expect(otherTeam).toMatchObject({ objectives: [], learnings: [] });
    expect(replayAt(events, 'acme', LATER, { cycleId: 'q1' })).toMatchObject({ objectives: [], learnings: [] });
  });

  it('shows questions as they stood: open before the answer, answered after, kept with what is shown', () => {
    const asked = at('2026-10-07T09:00:00.000Z', 'question-q-1', 'QuestionAsked', {
      questionId: 'q-1', subject: 'key-result', subjectId: KR, objectiveId: OBJ, keyResultId: KR, teamId: 'growth', text: 'Why 40%?', askedBy: 'ceo',
    });
    const answered = at('2026-10-08T09:00:00.000Z', 'question-q-1', 'QuestionAnswered', {
      questionId: 'q-1', objectiveId: OBJ, teamId: 'growth', text: 'Last year doubled', answeredBy: 'alice', askedBy: 'ceo',
    });
    const withQuestions = [...events, asked, answered];
    expect(replayAt(withQuestions, 'acme', new Date('2026-10-07T12:00:00.000Z')).questions).toEqual([
      { id: 'q-1', subject: 'key-result', subjectId: KR, objectiveId: OBJ, text: 'Why 40%?', askedBy: 'ceo', status: 'open', answers: [] },
    ]);
    expect(replayAt(withQuestions, 'acme', LATER).questions[0]).toMatchObject({ status: 'answered', answers: [{ text: 'Last year doubled', answeredBy: 'alice' }] });
    expect(replayAt(withQuestions, 'acme', LATER, { teamId: 'payments' }).questions).toEqual([]);
    expect(replayAt(withQuestions, 'globex', LATER).questions).toEqual([]);
  });

  it('a threshold key result shows its threshold as the target', () => {
    const threshold = [
      objectiveSet,
      at('2026-10-01T09:01:00.000Z', `objective-${OBJ}`, 'KeyResultAdded', {
        objectiveId: OBJ,
        keyResultId: 'kr-t',
        title: 'Uptime',
        measure: { kind: 'stay-at-or-above', threshold: 99.9 },
      }),
    ];
    expect(keyResult(replayAt(threshold, 'acme', LATER), 'kr-t')).toMatchObject({ kind: 'stay-at-or-above', target: 99.9 });
  });

  describe('check-ins as known then or as corrected since', () => {
    // Recorded on 10-15 about 10-06: a late check-in for a moment before T.
    const late = at('2026-10-15T10:00:00.000Z', `checkins-${KR}`, 'CheckInRecorded', {
      checkInId: 'ci-late',
      keyResultId: KR,
      objectiveId: OBJ,
      value: 33,
      confidence: 6,
      effectiveAt: '2026-10-06',
      recordedAt: '2026-10-15T10:00:00.000Z',
    });
    const withLate = [...events, late];

    it('as known then (the default): neither the later correction nor the late check-in', () => {
      expect(keyResult(replayAt(withLate, 'acme', T), KR)).toMatchObject({ value: 30, confidence: 8 });
      expect(keyResult(replayAt(withLate, 'acme', T, {}, UNNAMED, 'known'), KR)).toMatchObject({ value: 30, confidence: 8 });
    });

    it('as corrected since: the late check-in about 10-06 counts at T, and a correction recorded after T applies', () => {
      expect(keyResult(replayAt(withLate, 'acme', T, {}, UNNAMED, 'corrected'), KR)).toMatchObject({ value: 33, confidence: 6, target: 40 });
      expect(keyResult(replayAt(events, 'acme', T, {}, UNNAMED, 'corrected'), KR)).toMatchObject({ value: 28, confidence: 8 });
    });

    it('as corrected since never shows a check-in describing a moment after the instant, nor a later target', () => {
      const view = replayAt(withLate, 'acme', new Date('2026-10-10T00:00:00.000Z'), {}, UNNAMED, 'corrected');
      expect(keyResult(view, KR)).toMatchObject({ value: 33, target: 35 });
      expect(replayAt(withLate, 'acme', new Date('2026-09-30T00:00:00.000Z'), {}, UNNAMED, 'corrected').objectives).toEqual([]);
    });
  });
});
