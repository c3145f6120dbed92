import { DeciderSpecification, replay } from '../../testing/decider-spec';
import type { CheckInCorrected, CheckInRecorded, CorrectCheckIn, RecordCheckIn } from './check-in';
import { checkInStreamName, effectiveAtMillis, isEffectiveAt } from './check-in';
import { checkInDecider, checkInVersions, decideCheckIn, evolveCheckIn, initialCheckInsState } from './check-in.decider';
import { mapToRecord } from '../shared/persistent-map';

const spec = DeciderSpecification.for(checkInDecider);
const NOW = '2026-10-13T09:00:00.000Z';
const LATER = '2026-10-14T09:00:00.000Z';

const record = (data: Partial<RecordCheckIn['data']> = {}): RecordCheckIn => ({
  type: 'RecordCheckIn',
  data: {
    checkInId: 'ci-1',
    keyResultId: 'kr-1',
    objectiveId: 'obj-1',
    kind: 'increase',
    value: 24,
    confidence: 6,
    note: 'Signups picked up after the pricing page change.',
    effectiveAt: '2026-10-12',
    ...data,
  },
  metadata: { now: NOW },
});

const recorded: CheckInRecorded = {
  type: 'CheckInRecorded',
  data: {
    checkInId: 'ci-1',
    keyResultId: 'kr-1',
    objectiveId: 'obj-1',
    value: 24,
    confidence: 6,
    note: 'Signups picked up after the pricing page change.',
    effectiveAt: '2026-10-12',
    recordedAt: NOW,
  },
};

const correct = (data: Partial<CorrectCheckIn['data']>): CorrectCheckIn => ({
  type: 'CorrectCheckIn',
  data: { checkInId: 'ci-1', kind: 'increase', reason: 'Counted test accounts.', ...data },
  metadata: { now: LATER },
});

const corrected = (changes: CheckInCorrected['data']['changes'], from: CheckInCorrected['data']['from']): CheckInCorrected => ({
  type: 'CheckInCorrected',
  data: { checkInId: 'ci-1', keyResultId: 'kr-1', changes, from, reason: 'Counted test accounts.', correctedAt: LATER },
});

describe('check-in decider', () => {
  describe('RecordCheckIn', () => {
    it('records a check-in, stamped with the command clock', () => {
      spec.given([]).when(record()).then([recorded]);
    });

    it('records a milestone as done / not done', () => {
      spec
        .given([])
        .when(record({ kind: 'milestone', value: true, note: undefined }))
        .then([{ type: 'CheckInRecorded', data: (({ note: _, ...d }) => ({ ...d, value: true }))(recorded.data) }]);
    });

    it('trims note and blockers and leaves out blank ones', () => {
      spec
        .given([])
        .when(record({ note: '  ', blockers: [' Waiting on legal ', ' '] }))
        .then([{ type: 'CheckInRecorded', data: (({ note: _, ...d }) => ({ ...d, blockers: ['Waiting on legal'] }))(recorded.data) }]);
    });

    it('accepts an instant with a zone as effectiveAt', () => {
      spec
        .given([])
        .when(record({ effectiveAt: '2026-10-12T17:00:00+02:00' }))
        .then([{ ...recorded, data: { ...recorded.data, effectiveAt: '2026-10-12T17:00:00+02:00' } }]);
    });

    it('accepts a second check-in on the same key result', () => {
      spec
        .given([recorded])
        .when(record({ checkInId: 'ci-2' }))
        .then([{ ...recorded, data: { ...recorded.data, checkInId: 'ci-2' } }]);
    });

    it('refuses a check-in id already recorded', () => {
      spec.given([recorded]).when(record()).thenThrows('check-in-already-recorded', 'rule-broken');
    });

    it('refuses a check-in for another key result on this stream', () => {
      spec.given([recorded]).when(record({ checkInId: 'ci-2', keyResultId: 'kr-2' })).thenThrows('key-result-mismatch');
    });

    it.each([0, 5, 10])('accepts confidence %p', (confidence) => {
      spec.given([]).when(record({ confidence })).then([{ ...recorded, data: { ...recorded.data, confidence } }]);
    });

    it.each([-1, 11, 5.5, Number.NaN, '6' as unknown as number])('refuses confidence %p', (confidence) => {
      const error = spec.given([]).when(record({ confidence })).thenThrows('confidence-out-of-range', 'rule-broken');
      expect(error.details['field']).toBe('confidence');
    });

    it.each([
      ['milestone', 1],
      ['milestone', 'done'],
      ['increase', true],
      ['decrease', Number.POSITIVE_INFINITY],
      ['stay-within-range', Number.NaN],
    ] as const)('refuses a %s key result valued %p', (kind, value) => {
      spec
        .given([])
        .when(record({ kind, value: value as never }))
        .thenThrows('value-does-not-fit-kind');
    });

    it.each(['2026-02-30', '12/10/2026', '2026-10-12T10:00:00', '2026-10-12T25:00:00Z', '', 'next week'])(
      'refuses effectiveAt %j',
      (effectiveAt) => {
        spec.given([]).when(record({ effectiveAt })).thenThrows('invalid-effective-at');
      },
    );

    it('accepts a note of 2000 characters and refuses 2001', () => {
      const note = 'n'.repeat(2000);
      spec.given([]).when(record({ note })).then([{ ...recorded, data: { ...recorded.data, note } }]);
      spec.given([]).when(record({ note: `${note}n` })).thenThrows('note-too-long');
    });

    it('accepts 20 blockers and refuses 21', () => {
      const blockers = Array.from({ length: 20 }, (_, i) => `blocker ${i}`);
      spec.given([]).when(record({ blockers })).then([{ ...recorded, data: { ...recorded.data, blockers } }]);
      spec.given([]).when(record({ blockers: [...blockers, 'one more'] })).thenThrows('too-many-blockers');
    });

    it('refuses blockers that are not texts', () => {
      spec.given([]).when(record({ blockers: [3] as never })).thenThrows('invalid-blockers');
    });

    it.each([
      ['checkInId', 'check-in-id-required'],
      ['keyResultId', 'key-result-id-required'],
      ['objectiveId', 'objective-id-required'],
    ])('requires %s', (field, code) => {
      spec.given([]).when(record({ [field]: ' ' })).thenThrows(code);
    });
  });

  describe('CorrectCheckIn', () => {
    it('corrects a value, keeping what it was', () => {
      spec.given([recorded]).when(correct({ value: 23 })).then([corrected({ value: 23 }, { value: 24 })]);
    });

    it('records only the fields that change', () => {
      spec
        .given([recorded])
        .when(correct({ value: 24, confidence: 4, effectiveAt: '2026-10-05' }))
        .then([corrected({ confidence: 4, effectiveAt: '2026-10-05' }, { confidence: 6, effectiveAt: '2026-10-12' })]);
    });

    it("removes a note with '' and adds blockers", () => {
      spec
        .given([recorded])
        .when(correct({ note: ' ', blockers: ['Data pipeline down'] }))
        .then([corrected({ note: '', blockers: ['Data pipeline down'] }, { note: recorded.data.note, blockers: [] })]);
    });

    it('corrects a correction: compares with the latest version', () => {
      spec
        .given([recorded, corrected({ value: 23 }, { value: 24 })])
        .when(correct({ value: 22 }))
        .then([corrected({ value: 22 }, { value: 23 })]);
    });

    it('names who wrote the note and blockers it copies: the recorder, or the corrector who last changed them', () => {
      const byAnn = { ...recorded, data: { ...recorded.data, blockers: ['Hiring'] }, metadata: { actor: 'ann' } } as CheckInRecorded;
      const byBob = { ...corrected({ note: 'Bob: test accounts removed' }, { note: recorded.data.note }), metadata: { actor: 'bob' } } as CheckInCorrected;
      const expected = corrected({ note: 'Cy: recounted', blockers: [] }, { note: 'Bob: test accounts removed', blockers: ['Hiring'] });
      spec
        .given([byAnn, byBob])
        .when(correct({ note: 'Cy: recounted', blockers: [] }))
        .then([{ ...expected, data: { ...expected.data, fromAuthors: { note: 'bob', blockers: 'ann' } } }]);
    });

    it('names no writer for texts whose events did not say who acted, nor for numbers', () => {
      spec.given([recorded]).when(correct({ note: 'Recounted' })).then([corrected({ note: 'Recounted' }, { note: recorded.data.note })]);
      const byAnn = { ...recorded, metadata: { actor: 'ann' } } as CheckInRecorded;
      spec.given([byAnn]).when(correct({ value: 23 })).then([corrected({ value: 23 }, { value: 24 })]);
    });

    it('refuses to correct an unknown check-in', () => {
      spec.given([recorded]).when(correct({ checkInId: 'ci-9', value: 1 })).thenThrows('check-in-not-found', 'not-found');
      spec.given([]).when(correct({ value: 1 })).thenThrows('check-in-not-found', 'not-found');
    });

    it('does not take an inherited property name for a check-in', () => {
      spec.given([recorded]).when(correct({ checkInId: 'constructor', value: 1 })).thenThrows('check-in-not-found');
    });

    it.each(['', '   '])('requires a reason, not %j', (reason) => {
      spec.given([recorded]).when(correct({ value: 23, reason })).thenThrows('reason-required', 'rule-broken');
    });

    it('refuses a correction that changes nothing', () => {
      spec.given([recorded]).when(correct({ value: 24, confidence: 6 })).thenThrows('correction-changes-nothing');
      spec.given([recorded]).when(correct({})).thenThrows('correction-changes-nothing');
    });

    it('checks corrected fields like recorded ones', () => {
      spec.given([recorded]).when(correct({ confidence: 11 })).thenThrows('confidence-out-of-range');
      spec.given([recorded]).when(correct({ value: true })).thenThrows('value-does-not-fit-kind');
      spec.given([recorded]).when(correct({ effectiveAt: '2026-13-01' })).thenThrows('invalid-effective-at');
      spec.given([recorded]).when(correct({ note: 'x'.repeat(2001) })).thenThrows('note-too-long');
      spec.given([recorded]).when(correct({ blockers: Array.from({ length: 21 }, String) })).thenThrows('too-many-blockers');
    });
  });

  describe('evolve', () => {
    it('keeps every version of a check-in, oldest first', () => {
      const state = replay(checkInDecider, [recorded, corrected({ value: 23, note: '' }, { value: 24, note: recorded.data.note })]);
      const first = { checkInId: 'ci-1', value: 24, confidence: 6, note: recorded.data.note, effectiveAt: '2026-10-12', recordedAt: NOW };
      const { note: _, ...second } = { ...first, value: 23, recordedAt: LATER };
      expect(state.keyResultId).toBe('kr-1');
      expect(mapToRecord(state.checkIns)).toEqual({ 'ci-1': [first, second] });
      expect(checkInVersions(state, 'ci-1')[1]).toStrictEqual(second);
    });

    it('ignores a correction of a check-in it never saw, and unknown events', () => {
      const state = evolveCheckIn(initialCheckInsState(), recorded);
      const orphan = corrected({ value: 1 }, { value: 24 });
      expect(evolveCheckIn(state, { ...orphan, data: { ...orphan.data, checkInId: 'ci-9' } })).toBe(state);
      expect(evolveCheckIn(state, { type: 'CheckInDeleted', data: {} } as unknown as CheckInRecorded)).toBe(state);
    });
  });

  it('fails loudly on a command type it does not know', () => {
    const unknown = { ...record(), type: 'DeleteCheckIn' } as unknown as RecordCheckIn;
    expect(() => decideCheckIn(unknown, initialCheckInsState())).toThrow('Unhandled command type');
  });

  it('exposes decide, evolve and initialState as standalone functions too', () => {
    expect(checkInDecider).toEqual({ decide: decideCheckIn, evolve: evolveCheckIn, initialState: initialCheckInsState });
  });
});

describe('effectiveAt', () => {
  it('names one stream per key result', () => {
    expect(checkInStreamName('kr-1')).toBe('checkins-kr-1');
  });

  it.each(['2026-10-12', '2026-10-12T10:00Z', '2026-10-12T10:00:00.123Z', '2026-10-12T10:00:00-05:00'])('accepts %s', (v) => {
    expect(isEffectiveAt(v)).toBe(true);
  });

  it('counts a calendar date as that day 00:00Z', () => {
    expect(effectiveAtMillis('2026-10-12')).toBe(Date.parse('2026-10-12T00:00:00Z'));
    expect(effectiveAtMillis('2026-10-12T02:00:00+02:00')).toBe(Date.parse('2026-10-12T00:00:00Z'));
    expect(effectiveAtMillis('soon')).toBeNaN();
  });
});
