import type { CheckInRecorded } from '../check-in/check-in';
import type { LearningCaptured } from '../learning/learning';
import type { ObjectiveAligned, ObjectiveGraded } from '../objective/objective.events';
import type { Notification, Preferences, ReminderCycle, ReminderKeyResult } from './rules';
import {
  atRisk,
  checkInReminders,
  confidenceDrop,
  deliveryPlan,
  digestOf,
  learningCaptured,
  localMinutes,
  objectiveAligned,
  objectiveGraded,
} from './rules';

const checkIn = (confidence: number): { id: string; data: CheckInRecorded['data'] } => ({
  id: 'evt-ci-2',
  data: {
    checkInId: 'ci-2',
    keyResultId: 'kr-1',
    objectiveId: 'obj-1',
    value: 12,
    confidence,
    effectiveAt: '2026-10-19',
    recordedAt: '2026-10-19T09:00:00.000Z',
  },
});

describe('confidenceDrop', () => {
  it('notifies both owners when confidence falls by exactly 3', () => {
    const result = confidenceDrop(7, checkIn(4), ['ana', 'bob']);
    expect(result.map((n) => n.recipient)).toEqual(['ana', 'bob']);
    expect(result[0]).toMatchObject({
      rule: 'confidence-drop',
      dedupeKey: 'confidence-drop:evt-ci-2:ana',
      triggeredBy: 'evt-ci-2',
      objectiveId: 'obj-1',
      keyResultId: 'kr-1',
    });
  });

  it('does not notify for a fall of 2, a rise, or a first check-in', () => {
    expect(confidenceDrop(6, checkIn(4), ['ana'])).toEqual([]);
    expect(confidenceDrop(3, checkIn(8), ['ana'])).toEqual([]);
    expect(confidenceDrop(undefined, checkIn(1), ['ana'])).toEqual([]);
  });

  it('notifies a person who owns both the key result and the objective once', () => {
    expect(confidenceDrop(9, checkIn(2), ['ana', 'ana', undefined])).toHaveLength(1);
  });
});

describe('learningCaptured', () => {
  const event: { id: string; data: LearningCaptured['data'] } = {
    id: 'evt-l-1',
    data: {
      learningId: 'l-1',
      objectiveId: 'obj-1',
      keyResultIds: [],
      tried: 'Annual pricing',
      result: 'invalidated',
      insight: 'Small teams do not want to commit for a year.',
      evidence: [],
      tags: [],
      author: 'carl',
    },
  };

  it('tells the owner and the followers, never the author, each once', () => {
    const result = learningCaptured(event, 'ana', ['bob', 'ana', 'carl', 'dee'], 'carl');
    expect(result.map((n) => n.recipient)).toEqual(['ana', 'bob', 'dee']);
    expect(result.every((n) => n.rule === 'learning-captured' && n.objectiveId === 'obj-1')).toBe(true);
    expect(new Set(result.map((n) => n.dedupeKey)).size).toBe(3);
  });

  it('does not tell the owner of a learning they captured themselves', () => {
    expect(learningCaptured({ ...event, data: { ...event.data, author: 'ana' } }, 'ana', [], 'ana')).toEqual([]);
  });
});

describe('objectiveAligned and objectiveGraded', () => {
  const aligned: { id: string; data: ObjectiveAligned['data'] } = {
    id: 'evt-a-1',
    data: { objectiveId: 'obj-2', parentObjectiveId: 'obj-1' },
  };
  const graded: { id: string; data: ObjectiveGraded['data'] } = {
    id: 'evt-g-1',
    data: { objectiveId: 'obj-1', keyResultGrades: [], overallGrade: 0.7, retrospective: 'Good quarter.' },
  };

  it('tells the parent objective owner when someone else aligns to it', () => {
    const result = objectiveAligned(aligned, 'ana', 'bob');
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ recipient: 'ana', objectiveId: 'obj-1', dedupeKey: 'objective-aligned:evt-a-1:ana' });
    expect(objectiveAligned(aligned, 'ana', 'ana')).toEqual([]);
  });

  it('tells the owner and followers of a graded objective, once each', () => {
    const result = objectiveGraded(graded, 'ana', ['ana', 'bob']);
    expect(result.map((n) => n.recipient)).toEqual(['ana', 'bob']);
    expect(result[0].subject).toContain('0.70');
  });
});

describe('atRisk', () => {
  const input = { keyResultId: 'kr-1', objectiveId: 'obj-1', reasons: ['confidence 3', 'no progress'], triggeredBy: 'evt-r-1' };

  it('tells the key result owner and the objective owner why', () => {
    const result = atRisk({ ...input, krOwner: 'bob', objectiveOwner: 'ana' });
    expect(result.map((n) => n.recipient)).toEqual(['bob', 'ana']);
    expect(result[0].body).toContain('confidence 3; no progress');
    expect(result[1].dedupeKey).toBe('at-risk:evt-r-1:ana');
  });

  it('tells a person who owns both once', () => {
    expect(atRisk({ ...input, krOwner: 'ana', objectiveOwner: 'ana' })).toHaveLength(1);
  });

  it('names the key result by its title when known, and reads as one sentence', () => {
    const [n] = atRisk({
      ...input,
      krOwner: 'bob',
      keyResultTitle: 'Week-1 activation',
      reasons: ['Progress 20% is 41 points behind.', 'Confidence is 3/10, below the threshold of 5/10.'],
    });
    expect(n.subject).toBe('"Week-1 activation" is at risk');
    expect(n.body).toBe(
      '"Week-1 activation" is at risk: Progress 20% is 41 points behind; Confidence is 3/10, below the threshold of 5/10.',
    );
  });
});

describe('checkInReminders', () => {
  const cycle: ReminderCycle = { startsOn: '2026-10-01', endsOn: '2026-12-31', cadenceDays: 7 };
  const kr: ReminderKeyResult = {
    id: 'kr-1',
    objectiveId: 'obj-1',
    owner: 'bob',
    objectiveStatus: 'active',
    activatedAt: '2026-10-05T09:00:00.000Z',
  };

  it('does not remind before one cadence has passed', () => {
    expect(checkInReminders([kr], cycle, new Date('2026-10-12T08:59:59.999Z'))).toEqual([]);
  });

  it('reminds the owner once per missed period, with the period in the dedupe key', () => {
    const first = checkInReminders([kr], cycle, new Date('2026-10-12T09:00:00.000Z'));
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ rule: 'check-in-reminder', recipient: 'bob', keyResultId: 'kr-1' });
    const sameAgain = checkInReminders([kr], cycle, new Date('2026-10-15T10:00:00.000Z'));
    expect(sameAgain[0].dedupeKey).toBe(first[0].dedupeKey);
    expect(checkInReminders([kr], cycle, new Date('2026-10-12T09:00:00.000Z'))).toEqual(first);
    const second = checkInReminders([kr], cycle, new Date('2026-10-19T09:00:00.000Z'));
    expect(second).toHaveLength(1);
    expect(second[0].dedupeKey).not.toBe(first[0].dedupeKey);
    expect(second[0].triggeredBy).toBe('kr-1@2026-10-05T09:00:00.000Z#2');
  });

  it('counts from the last check-in, the activation or the cycle start, whichever is latest', () => {
    const checkedIn = { ...kr, lastCheckInAt: '2026-10-10T12:00:00.000Z' };
    expect(checkInReminders([checkedIn], cycle, new Date('2026-10-17T11:59:00.000Z'))).toEqual([]);
    expect(checkInReminders([checkedIn], cycle, new Date('2026-10-17T12:00:00.000Z'))).toHaveLength(1);
    const early = { ...kr, activatedAt: '2026-09-20T00:00:00.000Z' };
    expect(checkInReminders([early], cycle, new Date('2026-10-07T23:59:00.000Z'))).toEqual([]);
    expect(checkInReminders([early], cycle, new Date('2026-10-08T00:00:00.000Z'))).toHaveLength(1);
  });

  it('does not remind for closed, archived or draft objectives, nor after the cycle ended', () => {
    const late = new Date('2026-11-30T09:00:00.000Z');
    for (const objectiveStatus of ['closed', 'archived', 'draft'] as const) {
      expect(checkInReminders([{ ...kr, objectiveStatus }], cycle, late)).toEqual([]);
    }
    expect(checkInReminders([kr], cycle, new Date('2026-12-31T23:59:00.000Z'))).toHaveLength(1);
    expect(checkInReminders([kr], cycle, new Date('2027-01-01T00:00:00.000Z'))).toEqual([]);
  });
});

describe('deliveryPlan', () => {
  const notification: Notification = atRisk({
    keyResultId: 'kr-1',
    objectiveId: 'obj-1',
    reasons: ['confidence 3'],
    krOwner: 'ana',
    triggeredBy: 'evt-r-1',
  })[0];
  const paris: Preferences = {
    userId: 'ana',
    timeZone: 'Europe/Paris',
    mutedRules: [],
    quietHours: { start: '22:00', end: '07:00' },
    digest: false,
  };
  const newYork: Preferences = { ...paris, timeZone: 'America/New_York' };

  it('reads the local time in the user time zone', () => {
    expect(localMinutes(new Date('2026-11-26T23:30:00Z'), 'Europe/Paris')).toBe(30);
    expect(localMinutes(new Date('2026-11-26T23:30:00Z'), 'America/New_York')).toBe(18 * 60 + 30);
  });

  it('sends outside quiet hours', () => {
    // 15:00 in Paris, 09:00 in New York.
    expect(deliveryPlan(notification, paris, new Date('2026-11-26T14:00:00Z'))).toEqual({ action: 'send' });
    expect(deliveryPlan(notification, newYork, new Date('2026-11-26T14:00:00Z'))).toEqual({ action: 'send' });
    // 07:00 in Paris: quiet hours are over.
    expect(deliveryPlan(notification, paris, new Date('2026-11-27T06:00:00Z'))).toEqual({ action: 'send' });
  });

  it('delays until the end of quiet hours that cross midnight (Europe/Paris)', () => {
    // 23:30 in Paris (UTC+1) -> 07:00 the next morning in Paris.
    expect(deliveryPlan(notification, paris, new Date('2026-11-26T22:30:00Z'))).toEqual({
      action: 'delay',
      until: new Date('2026-11-27T06:00:00.000Z'),
    });
    // 06:30 in Paris -> 07:00 the same morning; 22:00 sharp is already quiet.
    expect(deliveryPlan(notification, paris, new Date('2026-11-27T05:30:45Z'))).toEqual({
      action: 'delay',
      until: new Date('2026-11-27T06:00:00.000Z'),
    });
    expect(deliveryPlan(notification, paris, new Date('2026-11-26T21:00:00Z')).action).toBe('delay');
  });

  it('delays in America/New_York, where the same instant may be daytime in Paris', () => {
    // 22:30 in New York (UTC-5), 04:30 in Paris -> 07:00 in New York = 12:00Z.
    expect(deliveryPlan(notification, newYork, new Date('2026-11-27T03:30:00Z'))).toEqual({
      action: 'delay',
      until: new Date('2026-11-27T12:00:00.000Z'),
    });
    // 20:00 in New York is outside, though it is 02:00 in Paris.
    expect(deliveryPlan(notification, newYork, new Date('2026-11-27T01:00:00Z'))).toEqual({ action: 'send' });
  });

  it('keeps the local end of quiet hours across a daylight-saving change', () => {
    // 22:30 EDT on 31 Oct 2026; clocks go back on 1 Nov: 07:00 EST = 12:00Z.
    expect(deliveryPlan(notification, newYork, new Date('2026-11-01T02:30:00Z'))).toEqual({
      action: 'delay',
      until: new Date('2026-11-01T12:00:00.000Z'),
    });
  });

  it('supports quiet hours within one day', () => {
    const lunch: Preferences = { ...paris, quietHours: { start: '12:00', end: '14:00' } };
    expect(deliveryPlan(notification, lunch, new Date('2026-11-26T11:30:00Z'))).toEqual({
      action: 'delay',
      until: new Date('2026-11-26T13:00:00.000Z'),
    });
    expect(deliveryPlan(notification, lunch, new Date('2026-11-26T13:00:00Z'))).toEqual({ action: 'send' });
  });

  it('skips muted rules, even in quiet hours, and routes to the digest when asked', () => {
    const muted = { ...paris, mutedRules: ['at-risk'] };
    expect(deliveryPlan(notification, muted, new Date('2026-11-26T22:30:00Z'))).toEqual({ action: 'skip', reason: 'muted' });
    expect(deliveryPlan(notification, { ...paris, mutedRules: ['confidence-drop'] }, new Date('2026-11-26T14:00:00Z'))).toEqual({
      action: 'send',
    });
    expect(deliveryPlan(notification, { ...paris, digest: true }, new Date('2026-11-26T14:00:00Z'))).toEqual({
      action: 'digest',
    });
  });
});

describe('digestOf', () => {
  it('gathers one recipient notifications into one digest per day', () => {
    const items = [
      ...atRisk({ keyResultId: 'kr-1', objectiveId: 'obj-1', reasons: ['x'], krOwner: 'ana', objectiveOwner: 'bob', triggeredBy: 'e1' }),
      ...confidenceDrop(8, checkIn(2), ['ana']),
      ...confidenceDrop(8, checkIn(2), ['ana']),
    ];
    const digest = digestOf(items, 'ana', '2026-11-26');
    expect(digest).toMatchObject({ rule: 'digest', recipient: 'ana', dedupeKey: 'digest:ana:2026-11-26' });
    expect(digest?.items.map((n) => n.rule)).toEqual(['at-risk', 'confidence-drop']);
    expect(digest?.body.split('\n')).toHaveLength(2);
    expect(digest?.body).toContain('[at-risk] A key result is at risk');
    expect(digestOf(items, 'carl', '2026-11-26')).toBeUndefined();
  });
});

describe('notification texts without a known title', () => {
  const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
  const id = '0193a4c2-7a1b-7c3d-8e4f-a1b2c3d4e5f6';

  it('never put an id in front of a person: a neutral phrase stands in for the title', () => {
    const texts = [
      ...atRisk({ keyResultId: id, objectiveId: id, reasons: ['Confidence 3 is below 5.'], krOwner: 'kim', triggeredBy: id }),
      ...objectiveAligned({ id, data: { objectiveId: id, parentObjectiveId: id } as ObjectiveAligned['data'] }, 'owner', 'actor'),
      ...objectiveGraded({ id, data: { objectiveId: id, overallGrade: 0.7, retrospective: 'Fine.' } as ObjectiveGraded['data'] }, 'owner', []),
      ...confidenceDrop(8, { ...checkIn(2), data: { ...checkIn(2).data, keyResultId: id } }, ['owner']),
    ].flatMap((n) => [n.subject, n.body]);
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expect(text).not.toMatch(UUID);
  });
});
