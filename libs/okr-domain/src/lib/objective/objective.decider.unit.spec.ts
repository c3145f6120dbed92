import { DeciderSpecification } from '../../testing/decider-spec';
import {
  OBJECTIVE_ID,
  OWNER,
  PARENT_ID,
  activated,
  activeObjective,
  command,
  draftWithKeyResult,
  event,
  keyResultDropped,
  objectiveSet,
} from '../../testing/objective.fixtures';
import type { ObjectiveCommand } from './objective.commands';
import { decideObjective, evolveObjective, initialObjectiveState, objectiveDecider } from './objective.decider';

const spec = DeciderSpecification.for(objectiveDecider);
const aligned = event('ObjectiveAligned', { objectiveId: OBJECTIVE_ID, parentObjectiveId: PARENT_ID });
const set = command('SetObjective', { ...objectiveSet.data });

describe('objective decider: lifecycle', () => {
  describe('SetObjective', () => {
    it('sets a new objective', () => {
      spec.given([]).when(set).then([objectiveSet]);
    });

    it('trims text and leaves out a blank description', () => {
      const data = { ...objectiveSet.data, title: '  Customers pay without friction ', description: '  ' };
      const { description: _, ...withoutDescription } = objectiveSet.data;
      spec.given([]).when(command('SetObjective', data)).then([event('ObjectiveSet', withoutDescription)]);
    });

    it('refuses to set an objective twice', () => {
      spec.given([objectiveSet]).when(set).thenThrows('objective-already-exists', 'rule-broken');
    });

    it.each(['', '   '])('requires a title, not %j', (title) => {
      const error = spec.given([]).when(command('SetObjective', { ...set.data, title })).thenThrows('title-required');
      expect(error.details).toEqual({ field: 'title' });
    });

    it('accepts a title of 200 characters and refuses 201', () => {
      const title = 'x'.repeat(200);
      spec.given([]).when(command('SetObjective', { ...set.data, title })).then([event('ObjectiveSet', { ...objectiveSet.data, title })]);
      spec.given([]).when(command('SetObjective', { ...set.data, title: `${title}y` })).thenThrows('title-too-long');
    });

    it.each([
      ['objectiveId', 'objective-id-required'],
      ['cycleId', 'cycle-required'],
      ['teamId', 'team-required'],
      ['ownerId', 'owner-required'],
    ])('requires %s', (field, code) => {
      spec.given([]).when(command('SetObjective', { ...set.data, [field]: ' ' })).thenThrows(code);
    });
  });

  it.each<ObjectiveCommand>([
    command('RewordObjective', { title: 'New words' }),
    command('AlignObjective', { parentObjectiveId: PARENT_ID }),
    command('WithdrawAlignment', { parentObjectiveId: PARENT_ID, reason: 'Parent dropped' }),
    command('AddKeyResult', { keyResultId: 'kr-1', title: 'Conversion', measure: { kind: 'milestone' } }),
    command('ReviseKeyResultTarget', { keyResultId: 'kr-1', to: { target: 90 }, reason: 'Better data' }),
    command('DropKeyResult', { keyResultId: 'kr-1', reason: 'Wrong metric' }),
    command('TransferOwnership', { newOwnerId: 'user-bo' }),
    command('ActivateObjective', {}),
    command('GradeAndClose', { keyResultGrades: [], retrospective: 'Learned' }),
    command('ArchiveObjective', {}),
  ])('answers $type on an objective that does not exist with not-found', (cmd) => {
    spec.given([]).when(cmd).thenThrows('objective-not-found', 'not-found');
  });

  describe('RewordObjective', () => {
    it('rewords title and description, keeping what it said before', () => {
      spec
        .given([objectiveSet])
        .when(command('RewordObjective', { title: 'Paying is effortless', description: 'New framing', reason: 'Feedback' }))
        .then([
          event('ObjectiveReworded', {
            objectiveId: OBJECTIVE_ID,
            from: { title: objectiveSet.data.title, description: 'Checkout is where we lose people.' },
            to: { title: 'Paying is effortless', description: 'New framing' },
            reason: 'Feedback',
          }),
        ]);
    });

    it('records nothing when the words do not change (whitespace aside)', () => {
      spec
        .given([objectiveSet])
        .when(command('RewordObjective', { title: ` ${objectiveSet.data.title} `, description: objectiveSet.data.description }))
        .thenNothingHappened();
    });

    it('rewords when only the description goes away', () => {
      spec
        .given([objectiveSet])
        .when(command('RewordObjective', { title: objectiveSet.data.title }))
        .then([
          event('ObjectiveReworded', {
            objectiveId: OBJECTIVE_ID,
            from: { title: objectiveSet.data.title, description: 'Checkout is where we lose people.' },
            to: { title: objectiveSet.data.title },
          }),
        ]);
    });

    it('leaves out a blank reason', () => {
      spec
        .given([objectiveSet])
        .when(command('RewordObjective', { title: 'Paying is effortless', description: objectiveSet.data.description, reason: ' ' }))
        .then([
          event('ObjectiveReworded', {
            objectiveId: OBJECTIVE_ID,
            from: { title: objectiveSet.data.title, description: 'Checkout is where we lose people.' },
            to: { title: 'Paying is effortless', description: 'Checkout is where we lose people.' },
          }),
        ]);
    });

    it('requires a title', () => {
      spec.given([objectiveSet]).when(command('RewordObjective', { title: '' })).thenThrows('title-required');
    });
  });

  describe('AlignObjective', () => {
    it('aligns to a parent objective', () => {
      spec.given([objectiveSet]).when(command('AlignObjective', { parentObjectiveId: PARENT_ID })).then([aligned]);
    });

    it('records nothing when already aligned to that parent', () => {
      spec.given([objectiveSet, aligned]).when(command('AlignObjective', { parentObjectiveId: PARENT_ID })).thenNothingHappened();
    });

    it('refuses to align an objective to itself', () => {
      spec.given([objectiveSet]).when(command('AlignObjective', { parentObjectiveId: OBJECTIVE_ID })).thenThrows('self-alignment');
    });

    it('requires a parent', () => {
      spec.given([objectiveSet]).when(command('AlignObjective', { parentObjectiveId: '' })).thenThrows('parent-objective-required');
    });
  });

  describe('WithdrawAlignment', () => {
    it('withdraws an alignment with a reason', () => {
      spec
        .given([objectiveSet, aligned])
        .when(command('WithdrawAlignment', { parentObjectiveId: PARENT_ID, reason: ' Parent was dropped ' }))
        .then([
          event('ObjectiveAlignmentWithdrawn', { objectiveId: OBJECTIVE_ID, parentObjectiveId: PARENT_ID, reason: 'Parent was dropped' }),
        ]);
    });

    it('refuses to withdraw an alignment that is not there', () => {
      spec
        .given([objectiveSet, aligned])
        .when(command('WithdrawAlignment', { parentObjectiveId: 'obj-other', reason: 'x' }))
        .thenThrows('not-aligned');
    });

    it('requires a reason', () => {
      spec.given([objectiveSet, aligned]).when(command('WithdrawAlignment', { parentObjectiveId: PARENT_ID, reason: ' ' })).thenThrows('reason-required');
    });
  });

  describe('TransferOwnership', () => {
    it('hands the objective to someone else', () => {
      spec
        .given([objectiveSet])
        .when(command('TransferOwnership', { newOwnerId: 'user-bo', reason: 'Ann moved team' }))
        .then([event('ObjectiveOwnershipTransferred', { objectiveId: OBJECTIVE_ID, fromOwnerId: OWNER, toOwnerId: 'user-bo', reason: 'Ann moved team' })]);
    });

    it('refuses a transfer to the current owner', () => {
      spec.given([objectiveSet]).when(command('TransferOwnership', { newOwnerId: OWNER })).thenThrows('already-owner');
    });

    it('requires a new owner', () => {
      spec.given([objectiveSet]).when(command('TransferOwnership', { newOwnerId: '' })).thenThrows('owner-required');
    });
  });

  describe('ActivateObjective', () => {
    it('activates a draft with a key result', () => {
      spec.given(draftWithKeyResult).when(command('ActivateObjective', {})).then([activated]);
    });

    it('refuses to activate an active objective', () => {
      spec.given(activeObjective).when(command('ActivateObjective', {})).thenThrows('objective-already-active');
    });

    it('refuses to activate without key results', () => {
      spec.given([objectiveSet]).when(command('ActivateObjective', {})).thenThrows('key-results-required');
    });

    it('does not count dropped key results', () => {
      spec.given([...draftWithKeyResult, keyResultDropped('kr-1')]).when(command('ActivateObjective', {})).thenThrows('key-results-required');
    });
  });

  it('exposes decide, evolve and initialState as standalone functions too', () => {
    expect(objectiveDecider).toEqual({ decide: decideObjective, evolve: evolveObjective, initialState: initialObjectiveState, stateVersion: 'objective-state-v1' });
  });

  it('fails loudly on a command type it does not know', () => {
    const unknown = { type: 'PauseObjective', data: {}, metadata: { now: '' } } as unknown as ObjectiveCommand;
    expect(() => decideObjective(unknown, evolveObjective(initialObjectiveState(), objectiveSet))).toThrow(
      'Unhandled command type: "PauseObjective"',
    );
  });
});
