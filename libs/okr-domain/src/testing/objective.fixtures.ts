import type { KeyResultMeasure } from '../lib/objective/key-result';
import type { ObjectiveCommand } from '../lib/objective/objective.commands';
import type { ObjectiveEvent } from '../lib/objective/objective.events';

/**
 * Small builders for objective specs. They build only what a reader would otherwise copy between
 * tests (ids, the clock, a typical objective); each spec still spells out the data it is about.
 */

export const OBJECTIVE_ID = 'obj-1';
export const PARENT_ID = 'obj-parent';
export const OWNER = 'user-ann';

/** The clock every command carries; fixed so decisions are repeatable. */
export const metadata = { now: '2026-10-05T09:00:00.000Z' };

/** A command of the given type with the fixed clock. */
export const command = <T extends ObjectiveCommand['type']>(
  type: T,
  data: Extract<ObjectiveCommand, { type: T }>['data'],
): Extract<ObjectiveCommand, { type: T }> => ({ type, data, metadata }) as Extract<ObjectiveCommand, { type: T }>;

/** An event of the given type. */
export const event = <T extends ObjectiveEvent['type']>(
  type: T,
  data: Extract<ObjectiveEvent, { type: T }>['data'],
): Extract<ObjectiveEvent, { type: T }> => ({ type, data }) as Extract<ObjectiveEvent, { type: T }>;

export const objectiveSet = event('ObjectiveSet', {
  objectiveId: OBJECTIVE_ID,
  cycleId: 'cycle-2026-q4',
  teamId: 'team-payments',
  ownerId: OWNER,
  title: 'Customers pay without friction',
  description: 'Checkout is where we lose people.',
});

export const increase: KeyResultMeasure = { kind: 'increase', start: 60, target: 80, unit: '%' };
export const decrease: KeyResultMeasure = { kind: 'decrease', start: 12, target: 4, unit: 's' };
export const above: KeyResultMeasure = { kind: 'stay-at-or-above', threshold: 99.9, start: 99.5, unit: '%' };
export const below: KeyResultMeasure = { kind: 'stay-at-or-below', threshold: 300, unit: 'ms' };
export const range: KeyResultMeasure = { kind: 'stay-within-range', min: 20, max: 40, unit: 'tickets/day' };
export const milestone: KeyResultMeasure = { kind: 'milestone' };

export const keyResultAdded = (keyResultId: string, title: string, measure: KeyResultMeasure = increase) =>
  event('KeyResultAdded', { objectiveId: OBJECTIVE_ID, keyResultId, title, measure });

export const keyResultDropped = (keyResultId: string, reason = 'No longer tells us anything') =>
  event('KeyResultDropped', { objectiveId: OBJECTIVE_ID, keyResultId, reason });

export const activated = event('ObjectiveActivated', { objectiveId: OBJECTIVE_ID });

export const graded = event('ObjectiveGraded', {
  objectiveId: OBJECTIVE_ID,
  keyResultGrades: [{ keyResultId: 'kr-1', grade: 0.7 }],
  overallGrade: 0.7,
  retrospective: 'Shipped one-click pay; the retry flow never got attention.',
});

export const archived = event('ObjectiveArchived', { objectiveId: OBJECTIVE_ID });

/** A draft objective with one key result (kr-1, an increase). */
export const draftWithKeyResult: ObjectiveEvent[] = [objectiveSet, keyResultAdded('kr-1', 'Checkout conversion')];

/** An active objective with one key result (kr-1). */
export const activeObjective: ObjectiveEvent[] = [...draftWithKeyResult, activated];

/** A closed (graded) objective. */
export const closedObjective: ObjectiveEvent[] = [...activeObjective, graded];

/** An archived objective. */
export const archivedObjective: ObjectiveEvent[] = [...draftWithKeyResult, archived];
