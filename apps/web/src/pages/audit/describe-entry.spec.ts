import { describe, expect, it } from 'vitest';
import { chainSentence, streamIdOf } from './audit-stream';
import { actorName, describeEntry, type AuditEntry, type AuditNames } from './describe-entry';
import { UUID } from '../../test/no-uuid';

const KR = '0193a000-0000-7000-8000-000000000101';
const PARENT = '0193a000-0000-7000-8000-000000000009';

const names: AuditNames = {
  objectiveTitle: (id) => (id === PARENT ? 'Grow the company' : undefined),
  keyResultTitle: (id) => (id === KR ? 'Activation rate' : undefined),
  keyResultUnit: (id) => (id === KR ? '%' : undefined),
  teamName: (id) => (id === 'growth' ? 'Growth' : undefined),
  cycleName: () => undefined,
};
const entry = (type: string, data: Record<string, unknown>): AuditEntry => ({
  id: 'e',
  type,
  revision: 0,
  position: 0,
  actor: 'gina',
  occurredAt: '2026-08-01T10:00:00Z',
  correlationId: 'c',
  causationId: 'c',
  data,
});

describe('an audit entry in words', () => {
  it('says a target revision before and after with the unit, naming the key result', () => {
    expect(describeEntry(entry('KeyResultTargetRevised', { keyResultId: KR, from: { target: 40 }, to: { target: 35.5 } }), names)).toEqual({
      what: 'Revised the target of “Activation rate”',
      before: 'target 40 %',
      after: 'target 35.5 %',
    });
    expect(describeEntry(entry('KeyResultTargetRevised', { keyResultId: KR, from: { min: 1, max: 2 }, to: { threshold: 3 } }), names)).toMatchObject({
      before: 'between 1 % and 2 %',
      after: 'threshold 3 %',
    });
  });

  it('names the parent objective of an alignment and the team of a new objective', () => {
    expect(describeEntry(entry('ObjectiveAligned', { parentObjectiveId: PARENT }), names).after).toBe('contributes to “Grow the company”');
    expect(describeEntry(entry('ObjectiveSet', { title: 'Delight', teamId: 'growth', cycleId: 'x', ownerId: 'gina' }), names).what).toBe(
      'Set the objective “Delight” for Growth in another cycle',
    );
  });

  it('uses neutral labels for ids it cannot name, never the id', () => {
    const unknown = '0193a000-0000-7000-8000-0000000000ff';
    for (const [type, data] of [
      ['ObjectiveAligned', { parentObjectiveId: unknown }],
      ['KeyResultDropped', { keyResultId: unknown }],
      ['ObjectiveCarriedOver', { toObjectiveId: unknown, toCycleId: unknown, fromCycleId: unknown }],
      ['CheckInRecorded', { keyResultId: unknown, value: 3, confidence: 7, effectiveAt: '2026-08-01' }],
      ['ObjectiveOwnershipTransferred', { fromOwnerId: unknown, toOwnerId: 'omar' }],
      ['SomethingNewHappened', { id: unknown }],
    ] as const) {
      const described = describeEntry(entry(type, data), names);
      expect(Object.values(described).join(' ')).not.toMatch(UUID);
    }
    expect(describeEntry(entry('SomethingNewHappened', {}), names).what).toBe('Something new happened');
    expect(actorName(PARENT)).toBe('An unnamed actor');
  });

  it('says what a check-in correction changed, before and after', () => {
    const described = describeEntry(entry('CheckInCorrected', { keyResultId: KR, from: { value: 12, note: '' }, changes: { value: 21, note: 'typo' } }), names);
    expect(described).toEqual({ what: 'Corrected a check-in on “Activation rate”', before: 'value 12 %; no note', after: 'value 21 %; note “typo”' });
  });
});

describe('the stream of an audit URL and its verification', () => {
  it('maps each kind to the stream insights audits', () => {
    expect(streamIdOf('objective', 'o1')).toBe('objective-o1');
    expect(streamIdOf('key-result', 'k1')).toBe('checkins-k1');
    expect(streamIdOf('learning', 'l1')).toBe('learning-l1');
  });

  it('says the verification as a sentence', () => {
    expect(chainSentence({ events: 5, intact: true, unchainedBefore: 0 })).toBe('Verified: all 5 events are intact; none was altered, removed or inserted.');
    expect(chainSentence({ events: 1, intact: true, unchainedBefore: 0 })).toBe('Verified: its one event is intact; it was not altered.');
    expect(chainSentence({ events: 5, intact: true, unchainedBefore: 2 })).toMatch(/intact from entry 3 on; the first 2 events predate chaining/);
    expect(chainSentence({ events: 2, intact: true, unchainedBefore: 2 })).toMatch(/written before entries were chained/);
    expect(chainSentence({ events: 5, intact: false, unchainedBefore: 0, firstBrokenLink: { revision: 3, reason: 'hash-mismatch' } }, () => '1 Aug 2026')).toBe(
      'The record has been tampered with: entry 4 (1 Aug 2026) fails verification because its content no longer matches the hash recorded when it was written, so it was altered.',
    );
  });
});
