import type { CheckInCorrected, CheckInEvent, CheckInRecorded } from './check-in';
import { checkInVersions, currentCheckIn, evolveCheckIn, initialCheckInsState, type CheckInsState } from './check-in.decider';

/**
 * The work a fold does, counted rather than timed: the slots (own properties) of every object an
 * `evolve` creates. States are immutable, so an object seen in an earlier state is never new again,
 * and the walk stops at it: counting costs what the fold created.
 */
const slotsCreated = (state: unknown, seen: WeakSet<object>): number => {
  if (typeof state !== 'object' || state === null || seen.has(state)) return 0;
  seen.add(state);
  const values = Object.values(state);
  return values.length + values.reduce<number>((sum, value) => sum + slotsCreated(value, seen), 0);
};

const recorded = (n: number): CheckInRecorded => ({
  type: 'CheckInRecorded',
  data: { checkInId: `ci-${n}`, keyResultId: 'kr-1', objectiveId: 'o-1', value: n, confidence: 6, effectiveAt: '2026-10-12', recordedAt: '2026-10-13T09:00:00.000Z' },
});

const corrected = (n: number): CheckInCorrected => ({
  type: 'CheckInCorrected',
  data: { checkInId: `ci-${n}`, keyResultId: 'kr-1', changes: { value: n + 1 }, from: { value: n }, reason: 'typo', correctedAt: '2026-10-14T09:00:00.000Z' },
});

/** n check-ins, every tenth corrected once. */
const history = (n: number): CheckInEvent[] => Array.from({ length: n }, (_, i) => (i % 10 === 9 ? [recorded(i), corrected(i)] : [recorded(i)])).flat();

const foldCost = (events: readonly CheckInEvent[]): { state: CheckInsState; perEvent: number } => {
  const seen = new WeakSet<object>();
  let state = initialCheckInsState();
  let slots = slotsCreated(state, seen);
  for (const event of events) {
    seen.add(event);
    state = evolveCheckIn(state, event);
    slots += slotsCreated(state, seen);
  }
  return { state, perEvent: slots / events.length };
};

describe('folding a check-in stream', () => {
  it('costs each event about the same, however many check-ins came before (linear, not quadratic)', () => {
    const small = foldCost(history(500));
    const large = foldCost(history(4_000));
    // Copying the whole map per event makes the large fold's cost per event 8x the small one's.
    expect(large.perEvent / small.perEvent).toBeLessThan(1.5);
    expect(large.perEvent).toBeLessThan(100);
    expect(currentCheckIn(large.state, 'ci-3998')?.value).toBe(3998);
    expect(checkInVersions(large.state, 'ci-9').map((v) => v.value)).toEqual([9, 10]);
  });

  it('never changes a state it was given: two folds from one state each see only their own events', () => {
    const base = history(50).reduce(evolveCheckIn, initialCheckInsState());
    const before = JSON.stringify(base);
    const left = evolveCheckIn(base, recorded(100));
    const right = evolveCheckIn(evolveCheckIn(base, corrected(3)), recorded(101));
    expect(JSON.stringify(base)).toBe(before);
    expect(currentCheckIn(left, 'ci-101')).toBeUndefined();
    expect(currentCheckIn(right, 'ci-100')).toBeUndefined();
    expect(checkInVersions(left, 'ci-3')).toHaveLength(1);
    expect(checkInVersions(right, 'ci-3')).toHaveLength(2);
    expect(right.checkIns.size).toBe(51);
  });
});
