import { DeciderSpecification, replay } from '../../testing/decider-spec';
import type { AssessKeyResultRisk, KeyResultAtRisk, KeyResultBackOnTrack, KeyResultRiskReason } from './key-result-risk';
import {
  decideKeyResultRisk,
  evolveKeyResultRisk,
  initialKeyResultRiskState,
  insightStreamName,
  keyResultRiskDecider,
} from './key-result-risk';

const spec = DeciderSpecification.for(keyResultRiskDecider);

const subject = {
  keyResultId: 'kr-1',
  objectiveId: 'obj-1',
  cycleId: 'cycle-2026-q4',
  teamId: 'growth',
  objectiveOwnerId: 'alice',
  keyResultOwnerId: 'bob',
};
const at = '2026-10-20T10:00:00.000Z';
const later = '2026-10-27T10:00:00.000Z';

const lowConfidence: KeyResultRiskReason = { code: 'low-confidence', message: 'Confidence is 3/10, below the threshold of 5/10.' };
const behindPace: KeyResultRiskReason = { code: 'behind-pace', message: 'Progress 10% is 30 points behind the 40% expected.' };
const stale: KeyResultRiskReason = { code: 'stale-check-in', message: 'No check-in for 9 days.' };

const assess = (reasons: KeyResultRiskReason[], data: Partial<AssessKeyResultRisk['data']> = {}): AssessKeyResultRisk => ({
  type: 'AssessKeyResultRisk',
  data: { ...subject, reasons, assessedAt: at, ...data },
  metadata: { now: at },
});

const atRisk = (reasons: KeyResultRiskReason[], addedReasons: string[], assessedAt = at): KeyResultAtRisk => ({
  type: 'KeyResultAtRisk',
  data: { ...subject, reasons, addedReasons, assessedAt },
});

const backOnTrack = (previousReasons: string[], assessedAt = at): KeyResultBackOnTrack => ({
  type: 'KeyResultBackOnTrack',
  data: { ...subject, previousReasons, assessedAt },
});

describe('key result risk decider', () => {
  it('names the stream insight-{keyResultId}', () => {
    expect(insightStreamName('kr-1')).toBe('insight-kr-1');
  });

  describe('becoming at risk', () => {
    it('says it is at risk with every reason, all of them added', () => {
      spec.given([]).when(assess([lowConfidence, behindPace])).then([atRisk([lowConfidence, behindPace], ['low-confidence', 'behind-pace'])]);
    });

    it('becomes at risk again after being back on track', () => {
      spec
        .given([atRisk([lowConfidence], ['low-confidence']), backOnTrack(['low-confidence'])])
        .when(assess([lowConfidence], { assessedAt: later }))
        .then([atRisk([lowConfidence], ['low-confidence'], later)]);
    });

    it('leaves out the key result owner when there is none', () => {
      const { keyResultOwnerId: _, ...withoutOwner } = subject;
      spec
        .given([])
        .when(assess([lowConfidence], { keyResultOwnerId: undefined }))
        .then([{ type: 'KeyResultAtRisk', data: { ...withoutOwner, reasons: [lowConfidence], addedReasons: ['low-confidence'], assessedAt: at } }]);
      spec.given([]).when(assess([lowConfidence], { keyResultOwnerId: ' ' })).then([
        { type: 'KeyResultAtRisk', data: { ...withoutOwner, reasons: [lowConfidence], addedReasons: ['low-confidence'], assessedAt: at } },
      ]);
    });

    it('keeps the first of reasons given twice under one code', () => {
      spec
        .given([])
        .when(assess([lowConfidence, { code: 'low-confidence', message: 'again' }]))
        .then([atRisk([lowConfidence], ['low-confidence'])]);
    });
  });

  describe('while at risk', () => {
    const given = [atRisk([lowConfidence], ['low-confidence'])];

    it('says nothing when the same assessment comes again', () => {
      spec.given(given).when(assess([lowConfidence])).thenNothingHappened();
    });

    it('says nothing when only the messages or the order changed (codes compare as sets)', () => {
      const two = [atRisk([lowConfidence, behindPace], ['low-confidence', 'behind-pace'])];
      spec
        .given(two)
        .when(assess([{ ...behindPace, message: 'Now 35 points behind.' }, lowConfidence], { assessedAt: later }))
        .thenNothingHappened();
    });

    it('names only the added code when a reason joins', () => {
      spec
        .given(given)
        .when(assess([lowConfidence, stale], { assessedAt: later }))
        .then([atRisk([lowConfidence, stale], ['stale-check-in'], later)]);
    });

    it('adds nothing when only a reason went away', () => {
      spec
        .given([atRisk([lowConfidence, stale], ['low-confidence', 'stale-check-in'])])
        .when(assess([stale], { assessedAt: later }))
        .then([atRisk([stale], [], later)]);
    });

    it('names the new code when one reason replaces another', () => {
      spec.given(given).when(assess([behindPace], { assessedAt: later })).then([atRisk([behindPace], ['behind-pace'], later)]);
    });

    it('is back on track with no reason left, naming the reasons it had', () => {
      spec
        .given([atRisk([lowConfidence, stale], ['low-confidence', 'stale-check-in'])])
        .when(assess([], { assessedAt: later }))
        .then([backOnTrack(['low-confidence', 'stale-check-in'], later)]);
    });
  });

  describe('not at risk', () => {
    it('says nothing for no reason on a new stream', () => {
      spec.given([]).when(assess([])).thenNothingHappened();
    });

    it('says nothing for no reason after being back on track', () => {
      spec.given([atRisk([lowConfidence], ['low-confidence']), backOnTrack(['low-confidence'])]).when(assess([])).thenNothingHappened();
    });
  });

  describe('bad commands', () => {
    it.each([
      ['keyResultId', 'key-result-id-required'],
      ['objectiveId', 'objective-id-required'],
      ['cycleId', 'cycle-id-required'],
      ['teamId', 'team-id-required'],
      ['objectiveOwnerId', 'objective-owner-id-required'],
      ['assessedAt', 'assessed-at-required'],
    ])('requires %s', (field, code) => {
      expect(spec.given([]).when(assess([lowConfidence], { [field]: ' ' })).thenThrows(code, 'rule-broken').details).toEqual({ field });
    });

    it.each([
      ['a non-list', 'low-confidence'],
      ['a reason without a code', [{ message: 'x' }]],
      ['a blank code', [{ code: ' ', message: 'x' }]],
      ['a non-object', [null]],
    ])('refuses reasons as %s', (_, reasons) => {
      spec.given([]).when(assess(reasons as never)).thenThrows('invalid-reasons', 'rule-broken');
    });

    it('fails loudly on a command it does not know', () => {
      expect(() => decideKeyResultRisk({ type: 'Guess' } as never, initialKeyResultRiskState())).toThrow('Unhandled command type: "Guess"');
    });
  });

  describe('evolve', () => {
    it('is at risk for the codes of the last KeyResultAtRisk, and clear after KeyResultBackOnTrack', () => {
      expect(replay(keyResultRiskDecider, [atRisk([lowConfidence, stale], ['low-confidence', 'stale-check-in'])])).toEqual({
        atRisk: true,
        codes: ['low-confidence', 'stale-check-in'],
      });
      expect(
        replay(keyResultRiskDecider, [atRisk([lowConfidence, stale], ['low-confidence', 'stale-check-in']), atRisk([stale], [])]),
      ).toEqual({ atRisk: true, codes: ['stale-check-in'] });
      expect(replay(keyResultRiskDecider, [atRisk([lowConfidence], ['low-confidence']), backOnTrack(['low-confidence'])])).toEqual(
        initialKeyResultRiskState(),
      );
    });

    it('ignores event types it does not know', () => {
      const state = { atRisk: true, codes: ['low-confidence'] };
      expect(evolveKeyResultRisk(state, { type: 'KeyResultRenamed', data: {} } as never)).toBe(state);
    });
  });
});
