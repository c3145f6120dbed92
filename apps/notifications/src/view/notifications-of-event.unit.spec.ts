import type { ProjectedEvent } from '@okr/messaging';
import type { KeyResultDoc, ObjectiveDoc, TeamDoc, ViewDoc } from '../store/notifications.store';
import { notificationViewModel, viewEvent } from './notification-view.read-model';
import { isLive, notificationsOf, subjectOf } from './notifications-of-event';

const NOW = '2026-12-03T12:00:00.000Z';
const event = (type: string, data: Record<string, unknown>, metadata: Partial<ProjectedEvent['metadata']> = {}) =>
  viewEvent({ id: `e-${type}`, type, streamId: 's-1', revision: 3, data, metadata: { tenantId: 'acme', actor: 'carol', occurredAt: NOW, ...metadata } });

const objective: ObjectiveDoc = {
  _id: 'o1',
  kind: 'objective',
  tenantId: 'acme',
  cycleId: 'c1',
  teamId: 'growth',
  ownerId: 'alice',
  title: 'Grow revenue',
  status: 'active',
  activatedAt: NOW,
  parents: [],
};
const keyResult: KeyResultDoc = {
  _id: 'k1',
  kind: 'keyResult',
  tenantId: 'acme',
  objectiveId: 'o1',
  title: 'Reach 100 customers',
  ownerId: 'bob',
  dropped: false,
  lastConfidence: 8,
  lastCheckInAt: NOW,
};
const team: TeamDoc = { _id: 'acme:growth', kind: 'team', tenantId: 'acme', teamId: 'growth', leads: ['lena'] };
const view: ViewDoc[] = [objective, keyResult];
const checkIn = (confidence: number) =>
  event('CheckInRecorded', { checkInId: 'ci', keyResultId: 'k1', objectiveId: 'o1', value: 10, confidence, effectiveAt: '2026-12-03', recordedAt: NOW });

describe('the notification step (event + documents read -> notifications)', () => {
  it('a confidence drop tells the key result and objective owners, by title, about the objective’s team', () => {
    const { notifications, teamId } = notificationsOf(checkIn(3), { view, team: null, followers: [] });
    expect(teamId).toBe('growth');
    expect(notifications.map((n) => [n.rule, n.recipient, n.dedupeKey])).toEqual([
      ['confidence-drop', 'bob', 'confidence-drop:e-CheckInRecorded:bob'],
      ['confidence-drop', 'alice', 'confidence-drop:e-CheckInRecorded:alice'],
    ]);
    expect(notifications[0].subject).toBe('Confidence dropped from 8 to 3 on "Reach 100 customers"');
  });

  it('reads the previous confidence from the documents as they were before the event: no drop, no notification', () => {
    expect(notificationsOf(checkIn(7), { view, team: null, followers: [] }).notifications).toEqual([]);
    expect(notificationsOf(checkIn(3), { view: [objective], team: null, followers: [] }).notifications).toEqual([]);
  });

  it('a question reaches the team’s leads, the owners and the followers, never the one who asked', () => {
    const asked = event('QuestionAsked', { questionId: 'q1', subject: 'keyResult', subjectId: 'k1', objectiveId: 'o1', keyResultId: 'k1', text: 'Why?', askedBy: 'dave' });
    expect(subjectOf(asked, view)).toEqual({ objectiveId: 'o1', teamId: 'growth', followers: true });
    const { notifications } = notificationsOf(asked, { view, team, followers: ['erin', 'dave', 'bob'] });
    expect(notifications.map((n) => n.recipient).sort()).toEqual(['alice', 'bob', 'erin', 'lena']);
  });

  it('an at-risk assessment without a new reason notifies nobody', () => {
    const assessed = (addedReasons: unknown[]) =>
      event('KeyResultAtRisk', { keyResultId: 'k1', objectiveId: 'o1', teamId: 'growth', reasons: [{ code: 'low-confidence', message: 'Confidence 3' }], addedReasons, objectiveOwnerId: 'alice' });
    expect(subjectOf(assessed([]), view)).toBeNull();
    expect(notificationsOf(assessed([]), { view, team: null, followers: [] }).notifications).toEqual([]);
    expect(notificationsOf(assessed(['low-confidence']), { view, team: null, followers: [] }).notifications.map((n) => n.recipient).sort()).toEqual(['alice', 'bob']);
  });

  it('events that change only the view notify nobody', () => {
    expect(subjectOf(event('ObjectiveActivated', { objectiveId: 'o1' }), view)).toBeNull();
  });
});

describe('only live events notify', () => {
  const since = '2026-12-01T00:00:00.000Z';
  const at = new Date(NOW);
  it('refuses imported events, events before the first start and events older than the maximum age', () => {
    expect(isLive(checkIn(3), at, since, 24)).toBe(true);
    expect(isLive(event('X', {}, { importedAt: NOW }), at, since, 24)).toBe(false);
    expect(isLive(event('X', {}, { occurredAt: '2026-11-30T23:59:59.000Z' }), at, '2026-12-01T00:00:00.000Z', 24 * 30)).toBe(false);
    expect(isLive(event('X', {}, { occurredAt: '2026-12-02T11:59:59.000Z' }), at, since, 24)).toBe(false);
    expect(isLive(event('X', {}, { occurredAt: '2026-12-02T12:00:00.000Z' }), at, since, 24)).toBe(true);
  });
});

describe('the notification view (read model)', () => {
  it('reads the key result and its objective for a check-in, and records the new confidence', () => {
    expect(notificationViewModel.reads(checkIn(3))).toEqual({ _id: { $in: ['k1', 'o1'] } });
    expect(notificationViewModel.project(checkIn(3), view)).toEqual([
      {
        updateOne: {
          filter: { _id: 'k1' },
          update: { $set: { kind: 'keyResult', tenantId: 'acme', objectiveId: 'o1', lastConfidence: 3, lastCheckInAt: NOW } },
          upsert: true,
        },
      },
    ]);
  });

  it('keeps a team’s leads under the tenant, and an objective’s parents as a set', () => {
    expect(notificationViewModel.project(event('TeamRegistered', { teamId: 'growth', name: 'Growth', leads: ['lena'] }), [])).toEqual([
      { updateOne: { filter: { _id: 'acme:growth' }, update: { $set: { kind: 'team', tenantId: 'acme', teamId: 'growth', leads: ['lena'] } }, upsert: true } },
    ]);
    expect(notificationViewModel.project(event('ObjectiveAligned', { objectiveId: 'o2', parentObjectiveId: 'o1' }), [])).toEqual([
      { updateOne: { filter: { _id: 'o2' }, update: { $addToSet: { parents: 'o1' }, $set: { kind: 'objective', tenantId: 'acme' } }, upsert: true } },
    ]);
  });
});
