import { framesOf, frameInstants, MAX_FRAMES, parseFramesQuery, type FramesRequest } from './frames';

let position = 0;
const at = (occurredAt: string, streamId: string, type: string, data: Record<string, unknown>, tenantId = 'acme') => ({
  streamId,
  type,
  data,
  position: position++,
  metadata: { tenantId, actor: 'alice', correlationId: 'c', causationId: 'c', occurredAt },
});
const set = (id: string, teamId: string, occurredAt: string, tenantId = 'acme') =>
  at(occurredAt, `objective-${id}`, 'ObjectiveSet', { objectiveId: id, cycleId: 'q4', teamId, ownerId: 'alice', title: `Objective ${id}` }, tenantId);

const events = [
  set('o1', 'growth', '2026-10-01T09:00:00.000Z'),
  at('2026-10-01T09:01:00.000Z', 'objective-o1', 'KeyResultAdded', {
    objectiveId: 'o1',
    keyResultId: 'kr1',
    title: 'Activation',
    measure: { kind: 'increase', start: 20, target: 40, unit: '%' },
  }),
  set('o2', 'payments', '2026-10-01T10:00:00.000Z'),
  set('o3', 'growth', '2026-10-02T10:00:00.000Z'),
  at('2026-10-03T10:00:00.000Z', 'checkins-kr1', 'CheckInRecorded', {
    checkInId: 'ci1',
    keyResultId: 'kr1',
    objectiveId: 'o1',
    value: 30,
    confidence: 8,
    effectiveAt: '2026-10-03',
    recordedAt: '2026-10-03T10:00:00.000Z',
  }),
  at('2026-10-08T10:00:00.000Z', 'objective-o1', 'KeyResultTargetRevised', {
    objectiveId: 'o1',
    keyResultId: 'kr1',
    from: { target: 40 },
    to: { target: 35 },
    reason: 'Seasonality',
  }),
  set('o1', 'growth', '2026-10-01T09:00:00.000Z', 'globex'),
];

const request = (over: Partial<FramesRequest>): FramesRequest => ({
  from: new Date('2026-10-01T12:00:00.000Z'),
  to: new Date('2026-10-15T12:00:00.000Z'),
  step: 'week',
  ...over,
});

describe('frames', () => {
  it('steps from `from` to `to` inclusive', () => {
    expect(frameInstants(new Date('2026-10-01'), new Date('2026-10-03'), 'day').map((d) => d.toISOString())).toEqual([
      '2026-10-01T00:00:00.000Z',
      '2026-10-02T00:00:00.000Z',
      '2026-10-03T00:00:00.000Z',
    ]);
    expect(frameInstants(new Date('2026-10-01'), new Date('2026-10-14'), 'week')).toHaveLength(2);
    expect(frameInstants(new Date('2026-10-01'), new Date('2026-10-01'), 'day')).toHaveLength(1);
  });

  it("shows one objective's evolution: before and after its check-in and target revision", () => {
    const { frames } = framesOf(events, 'acme', request({ objectiveId: 'o1' }));
    expect(frames.map((f) => f.at)).toEqual(['2026-10-01T12:00:00.000Z', '2026-10-08T12:00:00.000Z', '2026-10-15T12:00:00.000Z']);
    expect(frames.map((f) => f.objectives.map((o) => o.id))).toEqual([['o1'], ['o1'], ['o1']]);
    expect(frames.map((f) => f.objectives[0].keyResults[0].target)).toEqual([40, 35, 35]);
    expect(frames.map((f) => f.objectives[0].keyResults[0].value)).toEqual([null, 30, 30]);
  });

  it("equals replay's view at each frame, for a team", () => {
    const { frames } = framesOf(events, 'acme', request({ teamId: 'growth', step: 'day', to: new Date('2026-10-02T12:00:00.000Z') }));
    expect(frames.map((f) => f.objectives.map((o) => o.id))).toEqual([['o1'], ['o1', 'o3']]);
    expect(framesOf(events, 'acme', request({ teamId: 'payments' })).frames[0].objectives.map((o) => o.id)).toEqual(['o2']);
    expect(framesOf(events, 'other', request({ teamId: 'growth' })).frames.every((f) => f.objectives.length === 0)).toBe(true);
  });

  it("films a whole cycle (every team's objectives), with check-ins as known or as corrected", () => {
    const corrected = [
      ...events,
      at('2026-10-12T10:00:00.000Z', 'checkins-kr1', 'CheckInCorrected', {
        checkInId: 'ci1',
        keyResultId: 'kr1',
        changes: { value: 25 },
        from: { value: 30 },
        reason: 'Double-counted trials',
        correctedAt: '2026-10-12T10:00:00.000Z',
      }),
    ];
    const known = framesOf(corrected, 'acme', request({ cycleId: 'q4' })).frames;
    expect(known.map((f) => f.objectives.map((o) => o.id))).toEqual([['o1', 'o2'], ['o1', 'o2', 'o3'], ['o1', 'o2', 'o3']]);
    expect(known.map((f) => f.objectives[0].keyResults[0].value)).toEqual([null, 30, 25]);
    const since = framesOf(corrected, 'acme', request({ cycleId: 'q4', checkIns: 'corrected' })).frames;
    expect(since.map((f) => f.objectives[0].keyResults[0].value)).toEqual([null, 25, 25]);
    expect(framesOf(corrected, 'acme', request({ cycleId: 'q1' })).frames.every((f) => f.objectives.length === 0)).toBe(true);
  });

  describe('parseFramesQuery', () => {
    const fields = (query: Parameters<typeof parseFramesQuery>[0]) => {
      const parsed = parseFramesQuery(query);
      return 'errors' in parsed ? parsed.errors.map((e) => e.field) : [];
    };

    it('accepts a valid query', () => {
      expect(parseFramesQuery({ from: '2026-10-01', to: '2026-10-31', step: 'day', teamId: 'growth' })).toEqual({
        request: { from: new Date('2026-10-01'), to: new Date('2026-10-31'), step: 'day', teamId: 'growth' },
      });
    });

    it('names each missing or invalid field', () => {
      expect(fields({})).toEqual(['from', 'to', 'step', 'objectiveId']);
      expect(fields({ from: 'yesterday', to: '2026-13-45', step: 'month', objectiveId: 'o1' })).toEqual(['from', 'to', 'step']);
      expect(fields({ from: '2026-10-02', to: '2026-10-01', step: 'day', objectiveId: 'o1' })).toEqual(['to']);
    });

    it(`refuses more than ${MAX_FRAMES} frames`, () => {
      expect(fields({ from: '2026-01-01', to: '2026-07-19', step: 'day', teamId: 'g' })).toEqual([]); // 200 frames
      expect(fields({ from: '2026-01-01', to: '2026-07-20', step: 'day', teamId: 'g' })).toEqual(['to']);
      expect(fields({ from: '2026-01-01', to: '2029-10-01', step: 'week', teamId: 'g' })).toEqual([]);
    });
  });
});
