import { DeciderSpecification } from '../../testing/decider-spec';
import {
  OBJECTIVE_ID,
  above,
  activeObjective,
  below,
  command,
  decrease,
  draftWithKeyResult,
  event,
  increase,
  keyResultAdded,
  keyResultDropped,
  milestone,
  objectiveSet,
  range,
} from '../../testing/objective.fixtures';
import type { KeyResultMeasure, KeyResultTarget } from './key-result';
import { objectiveDecider } from './objective.decider';

const spec = DeciderSpecification.for(objectiveDecider);
const add = (keyResultId: string, title: string, measure: KeyResultMeasure, ownerId?: string) =>
  command('AddKeyResult', { keyResultId, title, measure, ...(ownerId === undefined ? {} : { ownerId }) });
const revise = (keyResultId: string, to: KeyResultTarget, reason = 'New baseline data') =>
  command('ReviseKeyResultTarget', { keyResultId, to, reason });
/** An objective with one key result of every kind, kr-increase ... kr-milestone. */
const everyKind = [
  objectiveSet,
  ...Object.entries({ increase, decrease, above, below, range, milestone }).map(([k, m]) => keyResultAdded(`kr-${k}`, k, m)),
];

describe('objective decider: key results', () => {
  describe('AddKeyResult', () => {
    it.each([increase, decrease, above, below, range, milestone])('adds a $kind key result', (measure) => {
      spec.given([objectiveSet]).when(add('kr-1', 'Checkout conversion', measure)).then([keyResultAdded('kr-1', 'Checkout conversion', measure)]);
    });

    it('adds to an active objective too, with an owner and a trimmed title', () => {
      spec
        .given(activeObjective)
        .when(add('kr-2', '  Refund time ', decrease, 'user-bo'))
        .then([event('KeyResultAdded', { objectiveId: OBJECTIVE_ID, keyResultId: 'kr-2', title: 'Refund time', ownerId: 'user-bo', measure: decrease })]);
    });

    it.each<[unknown, KeyResultMeasure]>([
      [{ kind: 'increase', start: 1, target: 2, unit: ' % ', threshold: undefined, extra: 'x' }, { kind: 'increase', start: 1, target: 2, unit: '%' }],
      [{ kind: 'decrease', start: 2, target: 1, unit: '' }, { kind: 'decrease', start: 2, target: 1 }],
      [{ kind: 'stay-at-or-above', threshold: 5, unit: ' ', target: undefined, extra: 'x' }, { kind: 'stay-at-or-above', threshold: 5 }],
      [{ kind: 'stay-at-or-below', threshold: 5, start: 7, extra: 'x' }, { kind: 'stay-at-or-below', threshold: 5, start: 7 }],
      [{ kind: 'stay-within-range', min: 1, max: 2, start: undefined, target: undefined, unit: 7 }, { kind: 'stay-within-range', min: 1, max: 2 }],
      [{ kind: 'milestone', unit: 'x', extra: 'x' }, { kind: 'milestone' }],
    ])('stores only the fields the kind defines: %j', (sloppy, clean) => {
      spec.given([objectiveSet]).when(add('kr-1', 'Uptime', sloppy as KeyResultMeasure)).then([keyResultAdded('kr-1', 'Uptime', clean)]);
    });

    it('refuses a title already used by a live key result, whatever the case and spacing', () => {
      spec.given(draftWithKeyResult).when(add('kr-2', ' CHECKOUT conversion ', milestone)).thenThrows('duplicate-key-result-title');
    });

    it('allows the title of a dropped key result again', () => {
      spec
        .given([...draftWithKeyResult, keyResultDropped('kr-1')])
        .when(add('kr-2', 'Checkout conversion', milestone))
        .then([keyResultAdded('kr-2', 'Checkout conversion', milestone)]);
    });

    it('refuses an id already used, even by a dropped key result', () => {
      spec.given([...draftWithKeyResult, keyResultDropped('kr-1')]).when(add('kr-1', 'Other', milestone)).thenThrows('key-result-already-exists');
    });

    it.each([
      ['keyResultId', add('', 'Title', milestone), 'key-result-id-required'],
      ['title', add('kr-1', ' ', milestone), 'title-required'],
      ['title length', add('kr-1', 'x'.repeat(201), milestone), 'title-too-long'],
      ['ownerId when given', add('kr-1', 'Title', milestone, ' '), 'owner-required'],
    ])('checks %s', (_, cmd, code) => {
      spec.given([objectiveSet]).when(cmd).thenThrows(code);
    });

    it.each<[string, unknown, string]>([
      ['increase to a target equal to start', { kind: 'increase', start: 10, target: 10 }, 'target'],
      ['decrease to a target above start', { kind: 'decrease', start: 10, target: 11 }, 'target'],
      ['decrease to a target equal to start', { kind: 'decrease', start: 10, target: 10 }, 'target'],
      ['increase to a target below start', { kind: 'increase', start: 10, target: 9 }, 'target'],
      ['NaN start', { kind: 'increase', start: Number.NaN, target: 10 }, 'start'],
      ['infinite target', { kind: 'decrease', start: 10, target: Number.NEGATIVE_INFINITY }, 'target'],
      ['missing threshold', { kind: 'stay-at-or-below' }, 'threshold'],
      ['non-finite threshold start', { kind: 'stay-at-or-above', threshold: 1, start: Number.NaN }, 'start'],
      ['numeric string min', { kind: 'stay-within-range', min: '1', max: 5 }, 'min'],
      ['range start that is not a number', { kind: 'stay-within-range', min: 1, max: 5, start: null }, 'start'],
      ['milestone with a target', { kind: 'milestone', target: 1 }, 'target'],
      ['unknown kind', { kind: 'maximise', target: 1 }, 'kind'],
      ['no measure at all', undefined, 'kind'],
    ])('refuses a measure with %s', (_, measure, field) => {
      const error = spec.given([objectiveSet]).when(add('kr-1', 'Title', measure as KeyResultMeasure)).thenThrows('invalid-key-result-measure');
      expect(error.details['field']).toBe(field);
    });

    it.each([
      [20, 20],
      [40, 20],
    ])('refuses a range with min %p and max %p', (min, max) => {
      spec.given([objectiveSet]).when(add('kr-1', 'Backlog', { kind: 'stay-within-range', min, max })).thenThrows('invalid-range');
    });
  });

  describe('ReviseKeyResultTarget', () => {
    it.each<[string, KeyResultTarget, KeyResultTarget]>([
      ['kr-increase', { target: 80 }, { target: 85 }],
      ['kr-decrease', { target: 4 }, { target: 6 }],
      ['kr-above', { threshold: 99.9 }, { threshold: 99.95 }],
      ['kr-below', { threshold: 300 }, { threshold: 250 }],
      ['kr-range', { min: 20, max: 40 }, { min: 10, max: 40 }],
    ])('revises %s from %j to %j', (keyResultId, from, to) => {
      spec
        .given(everyKind)
        .when(revise(keyResultId, to, ' New baseline data '))
        .then([event('KeyResultTargetRevised', { objectiveId: OBJECTIVE_ID, keyResultId, from, to, reason: 'New baseline data' })]);
    });

    it('answers an unknown key result with not-found', () => {
      spec.given(everyKind).when(revise('kr-nope', { target: 1 })).thenThrows('key-result-not-found', 'not-found');
    });

    it('refuses to revise a dropped key result', () => {
      spec.given([...everyKind, keyResultDropped('kr-increase')]).when(revise('kr-increase', { target: 90 })).thenThrows('key-result-dropped');
    });

    it('refuses to revise a milestone', () => {
      spec.given(everyKind).when(revise('kr-milestone', { target: 1 })).thenThrows('milestone-has-no-target');
    });

    it.each<[string, unknown]>([
      ['kr-increase', { threshold: 90 }],
      ['kr-increase', { target: 90, threshold: 90 }],
      ['kr-above', { target: 99 }],
      ['kr-below', { min: 1, max: 2 }],
      ['kr-range', { min: 10 }],
      ['kr-range', {}],
    ])('refuses %s a target shaped %j', (keyResultId, to) => {
      spec.given(everyKind).when(revise(keyResultId, to as KeyResultTarget)).thenThrows('target-does-not-fit-kind');
    });

    it.each<[string, unknown, string]>([
      ['kr-increase', { threshold: 90 }, "An increase key result's target is revised with target, not threshold."],
      ['kr-range', { min: 10 }, "A stay-within-range key result's target is revised with min and max, not min."],
      ['kr-above', {}, "A stay-at-or-above key result's target is revised with threshold."],
    ])('says in words which numbers %s takes (%j)', (keyResultId, to, message) => {
      const error = spec.given(everyKind).when(revise(keyResultId, to as KeyResultTarget)).thenThrows('target-does-not-fit-kind');
      expect(error.message).toBe(message);
    });

    it('treats fields set to undefined as absent', () => {
      const to = { target: 90, threshold: undefined } as unknown as KeyResultTarget;
      spec
        .given(everyKind)
        .when(revise('kr-increase', to))
        .then([event('KeyResultTargetRevised', { objectiveId: OBJECTIVE_ID, keyResultId: 'kr-increase', from: { target: 80 }, to: { target: 90 }, reason: 'New baseline data' })]);
    });

    it.each<[string, KeyResultTarget, string]>([
      ['kr-increase', { target: 60 }, 'invalid-key-result-measure'],
      ['kr-decrease', { target: 13 }, 'invalid-key-result-measure'],
      ['kr-above', { threshold: Number.NaN }, 'invalid-key-result-measure'],
      ['kr-range', { min: 40, max: 40 }, 'invalid-range'],
    ])('applies the rules of adding when revising %s to %j', (keyResultId, to, code) => {
      spec.given(everyKind).when(revise(keyResultId, to)).thenThrows(code);
    });

    it('refuses a revision to the current target', () => {
      spec.given(everyKind).when(revise('kr-range', { max: 40, min: 20 })).thenThrows('target-unchanged');
    });

    it('revises from the latest target, not the first one', () => {
      const first = revise('kr-increase', { target: 85 });
      spec
        .given([...everyKind, event('KeyResultTargetRevised', { objectiveId: OBJECTIVE_ID, keyResultId: 'kr-increase', from: { target: 80 }, to: { target: 85 }, reason: 'x' })])
        .when(first)
        .thenThrows('target-unchanged');
    });

    it('requires a reason', () => {
      spec.given(everyKind).when(revise('kr-increase', { target: 90 }, '  ')).thenThrows('reason-required');
    });
  });

  describe('DropKeyResult', () => {
    it('drops a key result with a reason', () => {
      spec.given(draftWithKeyResult).when(command('DropKeyResult', { keyResultId: 'kr-1', reason: 'Wrong metric' })).then([keyResultDropped('kr-1', 'Wrong metric')]);
    });

    it('answers an unknown key result with not-found', () => {
      spec.given(draftWithKeyResult).when(command('DropKeyResult', { keyResultId: 'kr-9', reason: 'x' })).thenThrows('key-result-not-found', 'not-found');
    });

    it('refuses to drop a key result twice', () => {
      spec
        .given([...draftWithKeyResult, keyResultDropped('kr-1')])
        .when(command('DropKeyResult', { keyResultId: 'kr-1', reason: 'x' }))
        .thenThrows('key-result-dropped');
    });

    it('requires a reason', () => {
      spec.given(draftWithKeyResult).when(command('DropKeyResult', { keyResultId: 'kr-1', reason: '' })).thenThrows('reason-required');
    });
  });
});
