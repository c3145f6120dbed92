import { randomUUID } from 'node:crypto';
import { EVENT_STORE, PERSONAL_DATA_KEY_STORE, type EventStore, type PersonalDataKeyStore } from '@okr/event-store';
import { ReadModelCollections, appliedId } from '@okr/messaging';
import { ERASED_PERSON } from '@okr/okr-domain';
import { COLLECTIONS, NotificationsStore } from '../src/store/notifications.store';
import { createNotificationsTestApp, eventually, type NotificationsTestApp } from './support/notifications-test-app';

/**
 * Notifications' view keeps owners and leads sealed as the events carry them: an erasure (the person's
 * key destroyed; here in this service's own key store, which forgets it at once) leaves no one to tell.
 */
describe('notifications and an erased person', () => {
  let t: NotificationsTestApp;
  let store: EventStore;
  beforeAll(async () => {
    t = await createNotificationsTestApp();
    store = t.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(() => t.close(true));

  const metadata = () => ({ tenantId: 'acme', actor: 'alice', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() });
  const collections = () => t.app.get(NotificationsStore).collections();
  /** Appends a learning on the objective and waits until the view has applied it. */
  const learning = async (objectiveId: string, insight: string): Promise<string> => {
    const learningId = randomUUID();
    const id = randomUUID();
    const data = { learningId, teamId: 'growth', objectiveId, keyResultIds: [], tried: 'A checklist', result: 'validated', insight, evidence: [], author: 'ana' };
    await store.append(`learning-${learningId}`, [{ id, type: 'LearningCaptured', data, metadata: metadata() }], 'no_stream');
    const applied = await new ReadModelCollections(t.app.get(NotificationsStore).store).applied();
    await eventually(async () => (await applied.findOne({ _id: appliedId(COLLECTIONS.view.name, `learning-${learningId}`) })) !== null, 10_000, 'the learning applied');
    return id;
  };

  it('keeps the owner and leads sealed in its view, and tells an erased owner nothing', async () => {
    const objectiveId = randomUUID();
    await store.append(`team-acme:growth`, [{ id: randomUUID(), type: 'TeamRegistered', data: { teamId: 'growth', name: 'Growth', leads: ['lars'] }, metadata: metadata() }], 'any');
    const set = { objectiveId, cycleId: randomUUID(), teamId: 'growth', ownerId: 'olga', title: 'Trials convert' };
    await store.append(`objective-${objectiveId}`, [{ id: randomUUID(), type: 'ObjectiveSet', data: set, metadata: metadata() }], 'no_stream');
    const first = await learning(objectiveId, 'Checklists help');
    const deliveries = async (triggeredBy: string) => (await (await collections()).deliveries.find({ triggeredBy })).map((d) => d.recipient);
    expect(await deliveries(first)).toContain('olga');
    const view = JSON.stringify(await (await collections()).view.find({ tenantId: 'acme', kind: { $in: ['objective', 'team'] } }));
    expect(view).toContain('Trials convert');
    expect(view).not.toMatch(/"(olga|lars)"/);

    const keys = t.app.get<PersonalDataKeyStore>(PERSONAL_DATA_KEY_STORE);
    await keys.destroy((await keys.keyIdOf('acme', 'olga')) as string);
    const second = await learning(objectiveId, 'Checklists still help');
    expect(await deliveries(second)).not.toContain('olga');
    expect(await deliveries(second)).not.toContain(ERASED_PERSON);
  });
});
