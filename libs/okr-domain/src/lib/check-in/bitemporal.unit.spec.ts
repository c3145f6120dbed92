import type { CheckInCorrected, CheckInEvent, CheckInRecorded } from './check-in';
import { checkInsAsOf, checkInsKnownAt, latestCheckIn } from './bitemporal';

const recorded = (checkInId: string, effectiveAt: string, recordedAt: string, value = 10): CheckInRecorded => ({
  type: 'CheckInRecorded',
  data: { checkInId, keyResultId: 'kr-1', objectiveId: 'obj-1', value, confidence: 5, effectiveAt, recordedAt },
});

const corrected = (
  checkInId: string,
  changes: CheckInCorrected['data']['changes'],
  correctedAt: string,
): CheckInCorrected => ({
  type: 'CheckInCorrected',
  data: { checkInId, keyResultId: 'kr-1', changes, from: {}, reason: 'typo', correctedAt },
});

// Week of 2 March recorded on 3 March; week of 9 March recorded on 10 March; the first one is
// corrected on 12 March (value 20 -> 18).
const week1 = recorded('ci-1', '2026-03-02', '2026-03-03T09:00:00Z', 20);
const week2 = recorded('ci-2', '2026-03-09', '2026-03-10T09:00:00Z', 25);
const fix = corrected('ci-1', { value: 18 }, '2026-03-12T15:00:00Z');
const stream: CheckInEvent[] = [week1, week2, fix];

const values = (views: { id: string; value: unknown }[]) => views.map((v) => [v.id, v.value]);

describe('checkInsAsOf: the corrected truth', () => {
  it('applies every correction, and counts them', () => {
    const [first, second] = checkInsAsOf(stream);
    expect(first).toStrictEqual({
      id: 'ci-1',
      keyResultId: 'kr-1',
      value: 18,
      confidence: 5,
      effectiveAt: '2026-03-02',
      recordedAt: '2026-03-03T09:00:00Z',
      correctedAt: '2026-03-12T15:00:00Z',
      corrections: 1,
    });
    expect(second).toMatchObject({ id: 'ci-2', value: 25, corrections: 0 });
    expect(second).not.toHaveProperty('correctedAt');
  });

  it('keeps only the check-ins effective at or before asOf; a date counts as its 00:00Z', () => {
    expect(values(checkInsAsOf(stream, new Date('2026-03-08T23:59:59Z')))).toEqual([['ci-1', 18]]);
    expect(values(checkInsAsOf(stream, new Date('2026-03-09T00:00:00Z')))).toEqual([['ci-1', 18], ['ci-2', 25]]);
    expect(checkInsAsOf(stream, new Date('2026-03-01T23:59:59Z'))).toEqual([]);
  });

  it('applies a correction recorded after asOf: asOf is about the world, not about what we knew', () => {
    expect(values(checkInsAsOf(stream, new Date('2026-03-05T00:00:00Z')))).toEqual([['ci-1', 18]]);
  });

  it('moves a check-in out of asOf when a correction moves its effectiveAt later', () => {
    const moved = [...stream, corrected('ci-1', { effectiveAt: '2026-03-16' }, '2026-03-20T10:00:00Z')];
    expect(values(checkInsAsOf(moved, new Date('2026-03-10T00:00:00Z')))).toEqual([['ci-2', 25]]);
    expect(values(checkInsAsOf(moved))).toEqual([['ci-2', 25], ['ci-1', 18]]);
  });

  it('moves a check-in into asOf when a correction moves its effectiveAt earlier', () => {
    const moved = [...stream, corrected('ci-2', { effectiveAt: '2026-03-05T12:00:00+01:00' }, '2026-03-20T10:00:00Z')];
    expect(values(checkInsAsOf(moved, new Date('2026-03-06T00:00:00Z')))).toEqual([['ci-1', 18], ['ci-2', 25]]);
  });

  it('sorts by effectiveAt, then by recordedAt, whatever the stream order', () => {
    const late = recorded('ci-3', '2026-03-02', '2026-03-04T09:00:00Z', 21);
    expect(checkInsAsOf([week2, late, week1]).map((v) => v.id)).toEqual(['ci-1', 'ci-3', 'ci-2']);
  });

  it("reads '' and [] in a correction as no note, no blockers", () => {
    const noted: CheckInRecorded = { ...week1, data: { ...week1.data, note: 'n', blockers: ['b'] } };
    const [view] = checkInsAsOf([noted, corrected('ci-1', { note: '', blockers: [] }, '2026-03-04T00:00:00Z')]);
    expect(view).not.toHaveProperty('note');
    expect(view).not.toHaveProperty('blockers');
  });

  it('ignores other events and corrections of unknown check-ins', () => {
    const noise = [{ type: 'SomethingElse', data: {} }, corrected('ci-9', { value: 1 }, '2026-03-04T00:00:00Z'), week1];
    expect(values(checkInsAsOf(noise))).toEqual([['ci-1', 20]]);
  });
});

describe('checkInsKnownAt: what was known', () => {
  it('does not see a correction recorded after knownAt, while asOf does', () => {
    const beforeFix = new Date('2026-03-12T14:59:59Z');
    expect(values(checkInsKnownAt(stream, beforeFix))).toEqual([['ci-1', 20], ['ci-2', 25]]);
    expect(checkInsKnownAt(stream, beforeFix)[0]).toMatchObject({ corrections: 0 });
    expect(checkInsKnownAt(stream, beforeFix)[0]).not.toHaveProperty('correctedAt');
    expect(values(checkInsAsOf(stream, new Date('2026-03-12T14:59:59Z')))).toEqual([['ci-1', 18], ['ci-2', 25]]);
  });

  it('sees a correction from the instant it was recorded', () => {
    expect(values(checkInsKnownAt(stream, new Date('2026-03-12T15:00:00Z')))).toEqual([['ci-1', 18], ['ci-2', 25]]);
  });

  it('excludes check-ins recorded after knownAt', () => {
    expect(values(checkInsKnownAt(stream, new Date('2026-03-10T08:59:59Z')))).toEqual([['ci-1', 20]]);
    expect(checkInsKnownAt(stream, new Date('2026-03-03T08:59:59Z'))).toEqual([]);
  });

  it('answers both questions at once: what we knew then about the weeks up to asOf', () => {
    const knownAt = new Date('2026-03-11T00:00:00Z');
    expect(values(checkInsKnownAt(stream, knownAt, new Date('2026-03-08T00:00:00Z')))).toEqual([['ci-1', 20]]);
  });

  it('sees a moved effectiveAt only once the move is known', () => {
    const moved = [...stream, corrected('ci-1', { effectiveAt: '2026-03-16' }, '2026-03-20T10:00:00Z')];
    const asOf = new Date('2026-03-10T00:00:00Z');
    expect(values(checkInsKnownAt(moved, new Date('2026-03-19T00:00:00Z'), asOf))).toEqual([['ci-1', 18], ['ci-2', 25]]);
    expect(values(checkInsKnownAt(moved, new Date('2026-03-21T00:00:00Z'), asOf))).toEqual([['ci-2', 25]]);
  });
});

describe('latestCheckIn', () => {
  it('is the check-in describing the latest moment', () => {
    expect(latestCheckIn(checkInsAsOf(stream))?.id).toBe('ci-2');
  });

  it('breaks a tie on effectiveAt by recordedAt, whatever the order given', () => {
    const views = checkInsAsOf([week1, recorded('ci-3', '2026-03-02', '2026-03-04T09:00:00Z')]);
    expect(latestCheckIn(views)?.id).toBe('ci-3');
    expect(latestCheckIn([...views].reverse())?.id).toBe('ci-3');
  });

  it('is undefined with no check-ins', () => {
    expect(latestCheckIn([])).toBeUndefined();
  });
});
