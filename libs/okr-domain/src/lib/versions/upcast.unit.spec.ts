import type { EventEnvelope } from '../shared/envelope';
import { objectiveDecider } from '../objective/objective.decider';
import type { ObjectiveEvent } from '../objective/objective.events';
import { EVENT_SCHEMA_VERSIONS, EVENT_UPCASTERS, latestSchemaVersion } from './event-versions';
import { UnsupportedSchemaVersionError, upcast } from './upcast';

const envelope = (type: string, schemaVersion: number, data: Record<string, unknown>): EventEnvelope =>
  Object.freeze({
    id: '0193a5e0-0000-7000-8000-0000000000e1',
    type,
    schemaVersion,
    streamId: 'objective-0193a5e0-0000-7000-8000-000000000001',
    revision: 1,
    position: 7,
    data: Object.freeze(data),
    metadata: Object.freeze({ tenantId: 't', actor: 'user-ann', correlationId: 'c', causationId: 'c', occurredAt: '2026-10-02T09:00:00.000Z' }),
    hash: 'stored-hash',
  });

const transferredV1 = envelope('ObjectiveOwnershipTransferred', 1, { objectiveId: 'o-1', from: 'user-ann', to: 'user-bo', reason: 'Ann moved team' });

describe('upcast', () => {
  it('lifts a v1 ownership transfer to v2, leaving the stored envelope as it was', () => {
    const lifted = upcast(transferredV1);
    expect(lifted).toEqual({
      ...transferredV1,
      schemaVersion: 2,
      data: { objectiveId: 'o-1', fromOwnerId: 'user-ann', toOwnerId: 'user-bo', reason: 'Ann moved team' },
    });
    expect(transferredV1.data).toEqual({ objectiveId: 'o-1', from: 'user-ann', to: 'user-bo', reason: 'Ann moved team' });
  });

  it('keeps an absent reason absent', () => {
    const lifted = upcast(envelope('ObjectiveOwnershipTransferred', 1, { objectiveId: 'o-1', from: 'a', to: 'b' }));
    expect(lifted.data).toEqual({ objectiveId: 'o-1', fromOwnerId: 'a', toOwnerId: 'b' });
    expect('reason' in lifted.data).toBe(false);
  });

  it('returns an event at its latest version, and a type without versions, as it is', () => {
    const v2 = envelope('ObjectiveOwnershipTransferred', 2, { objectiveId: 'o-1', fromOwnerId: 'a', toOwnerId: 'b' });
    expect(upcast(v2)).toBe(v2);
    const set = envelope('ObjectiveSet', 1, { objectiveId: 'o-1' });
    expect(upcast(set)).toBe(set);
  });

  it('refuses a version above the latest, below 1 or not an integer, naming the event', () => {
    for (const version of [3, 0, 1.5]) {
      expect(() => upcast(envelope('ObjectiveOwnershipTransferred', version, {}))).toThrow(UnsupportedSchemaVersionError);
    }
    expect(() => upcast(envelope('ObjectiveSet', 2, {}))).toThrow('schema version 2; this build reads versions 1 to 1');
  });

  it('the decider folds an upcast v1 event to the owner it names', () => {
    const set = envelope('ObjectiveSet', 1, { objectiveId: 'o-1', cycleId: 'c', teamId: 't', ownerId: 'user-ann', title: 'Grow' });
    const state = [set, transferredV1].map((event) => upcast(event) as unknown as ObjectiveEvent).reduce(objectiveDecider.evolve, objectiveDecider.initialState());
    expect(state).toMatchObject({ ownerId: 'user-bo' });
  });
});

describe('declared versions', () => {
  it('are one per type, each the number of its steps plus one', () => {
    expect(EVENT_SCHEMA_VERSIONS).toEqual({ ObjectiveOwnershipTransferred: 2 });
    for (const [type, steps] of Object.entries(EVENT_UPCASTERS)) expect(latestSchemaVersion(type)).toBe(steps.length + 1);
    expect(latestSchemaVersion('ObjectiveSet')).toBe(1);
  });
});
