import { randomUUID } from 'node:crypto';
import { EVENT_STORE, PERSONAL_DATA_KEY_STORE, openSealedValues, type EventStore, type PersonalDataKeyStore } from '@okr/event-store';
import { ReadModelCollections, appliedId } from '@okr/messaging';
import { ERASED_PERSON } from '@okr/okr-domain';
import { COLLECTIONS, NotificationsStore } from '../src/store/notifications.store';
import { caller, createNotificationsTestApp, eventually, startHttpReceiver, type HttpReceiver, type NotificationsTestApp } from './support/notifications-test-app';

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
  const learning = async (objectiveId: string, insight: string, author = 'ana'): Promise<string> => {
    const learningId = randomUUID();
    const id = randomUUID();
    const data = { learningId, teamId: 'growth', objectiveId, keyResultIds: [], tried: 'A checklist', result: 'validated', insight, evidence: [], author };
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
    // Recipients are kept sealed: opened as a reader of the log opens them.
    const deliveries = async (triggeredBy: string) => (await openSealedValues(store, await (await collections()).deliveries.find({ triggeredBy }))).map((d) => d.recipient);
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

  describe('the inbox, the delivery log and digests', () => {
    let receiver: HttpReceiver;
    beforeAll(async () => {
      receiver = await startHttpReceiver();
    });
    afterAll(() => receiver.close());

    const as = async (user: string) => caller(t.app, await t.token('acme', user));
    const keys = () => t.app.get<PersonalDataKeyStore>(PERSONAL_DATA_KEY_STORE);
    const erase = async (user: string) => expect(await keys().destroy((await keys().keyIdOf('acme', user)) as string)).toBe(true);
    const rawDeliveries = async () => JSON.stringify(await (await collections()).deliveries.find({ tenantId: 'acme' }));
    /** An objective of `owner` in the view, followed by `followers`. */
    const objectiveOf = async (owner: string, title: string, followers: string[] = []): Promise<string> => {
      const objectiveId = randomUUID();
      const set = { objectiveId, cycleId: randomUUID(), teamId: 'growth', ownerId: owner, title };
      await store.append(`objective-${objectiveId}`, [{ id: randomUUID(), type: 'ObjectiveSet', data: set, metadata: metadata() }], 'no_stream');
      for (const follower of followers) {
        const follow = await as(follower);
        await eventually(async () => (await follow('POST', '/api/v1/follows', { body: { kind: 'objective', targetId: objectiveId } })).status === 201, 10_000, 'followed');
      }
      return objectiveId;
    };
    const logOf = async (query: string) => (await t.call('GET', `/api/v1/deliveries?${query}`)).body.items as Record<string, unknown>[];

    it('keeps recipients and texts sealed; after an erasure the inbox and the log read "erased person", the rest stays', async () => {
      const objectiveId = await objectiveOf('oona', 'Onboarding shines');
      const triggeredBy = await learning(objectiveId, 'Welcome calls convert', 'ana');
      const oona = await as('oona');
      const inbox = async () => (await oona('GET', '/api/v1/notifications')).body.items as Record<string, unknown>[];
      expect(await inbox()).toEqual([expect.objectContaining({ rule: 'learning-captured', objectiveId, body: expect.stringContaining('ana captured a learning') })]);
      expect((await inbox())[0]?.['body']).toContain('Welcome calls convert');
      const logged = await logOf('recipient=oona');
      expect(logged).toEqual([expect.objectContaining({ recipient: 'oona', channel: 'in-app', status: 'delivered', triggeredBy })]);
      // Stored sealed: neither the recipient nor the words of the author, in any field.
      const raw = await rawDeliveries();
      expect(raw).not.toContain('oona');
      expect(raw).not.toContain('Welcome calls convert');
      expect(raw).not.toContain('ana captured');

      // The author erased: the text (it quotes them) reads "erased person"; who got it, when and how stays.
      await erase('ana');
      const [afterAuthor] = await inbox();
      expect(afterAuthor).toMatchObject({ id: logged[0]?.['id'], rule: 'learning-captured', objectiveId, subject: ERASED_PERSON, body: ERASED_PERSON });
      expect(await logOf('recipient=oona')).toEqual([expect.objectContaining({ recipient: 'oona', subject: ERASED_PERSON, body: ERASED_PERSON, status: 'delivered' })]);

      // The recipient erased: filtering by them finds nothing; the delivery itself says "erased person".
      await erase('oona');
      expect(await logOf('recipient=oona')).toEqual([]);
      expect(await inbox()).toEqual([]);
      const one = (await t.call('GET', `/api/v1/deliveries/${logged[0]?.['id']}`)).body;
      expect(one).toMatchObject({ recipient: ERASED_PERSON, channel: 'in-app', status: 'delivered', rule: 'learning-captured', triggeredBy, objectiveId, attempts: 0 });
      expect(JSON.stringify(one)).not.toMatch(/pd1\./);
    });

    it('a digest is sent opened and kept sealed; erasing anyone it quotes makes it unreadable', async () => {
      const dina = await as('dina');
      const prefs = { digest: true, digestAt: '00:00', timeZone: 'UTC', chat: { url: `${receiver.origin}/chat/dina`, format: 'slack' } };
      expect((await dina('PUT', '/api/v1/preferences', { body: prefs })).status).toBe(200);
      const objectiveId = await objectiveOf('otto', 'Trials convert faster', ['dina']);
      await learning(objectiveId, 'Demos on day two convert', 'aldo');
      const gone = await learning(objectiveId, 'Pricing pages confuse', 'abel');
      expect(await logOf('recipient=dina&channel=chat')).toEqual([expect.objectContaining({ status: 'held' }), expect.objectContaining({ status: 'held' })]);
      // Erased before the digest: that message is left out of it (skipped), the other goes out.
      await erase('abel');
      expect((await t.call('POST', '/api/v1/admin/digests/run')).body.digests).toBe(1);
      expect(await logOf('recipient=dina&channel=chat&status=skipped')).toEqual([
        expect.objectContaining({ triggeredBy: gone, reason: 'personal-data-erased', subject: ERASED_PERSON, body: ERASED_PERSON }),
      ]);
      await t.dispatcher().drain();
      const sent = await eventually(() => receiver.requests.find((r) => r.path === '/chat/dina'), 10_000, 'digest sent');
      expect(sent.body).toContain('New learning (validated) on');
      expect(sent.body).not.toMatch(/pd1\./);
      const [digest] = await logOf('recipient=dina&rule=digest');
      expect(digest).toMatchObject({ status: 'delivered', channel: 'chat', items: [expect.objectContaining({ rule: 'learning-captured', body: expect.stringContaining('Demos on day two convert') })] });
      expect(sent.body).not.toContain(ERASED_PERSON);
      const raw = await rawDeliveries();
      expect(raw).not.toContain('dina');
      expect(raw).not.toContain('Demos on day two convert');

      await erase('aldo');
      const after = (await t.call('GET', `/api/v1/deliveries/${digest?.['id']}`)).body;
      expect(after).toMatchObject({ recipient: 'dina', status: 'delivered', attempts: 1, subject: ERASED_PERSON, body: ERASED_PERSON, items: [expect.objectContaining({ rule: 'learning-captured', body: ERASED_PERSON })] });
    });

    it('the dispatcher does not send to an erased recipient: skipped as personal-data-erased, nothing sealed leaves', async () => {
      const quinn = await as('quinn');
      const hhmm = (offsetMs: number) => new Date(t.clock.now().getTime() + offsetMs).toISOString().slice(11, 16);
      const quietHours = { start: hhmm(-3_600_000), end: hhmm(3_600_000) };
      expect((await quinn('PUT', '/api/v1/preferences', { body: { quietHours, chat: { url: `${receiver.origin}/chat/quinn`, format: 'slack' } } })).status).toBe(200);
      const objectiveId = await objectiveOf('olive', 'Churn falls', ['quinn']);
      await learning(objectiveId, 'Exit surveys explain churn', 'ana');
      const [waiting] = await logOf('recipient=quinn&channel=chat');
      expect(waiting).toMatchObject({ status: 'pending', reason: 'quiet hours' });

      await erase('quinn');
      t.clock.advance(3 * 3_600_000);
      await t.dispatcher().drain();
      const after = (await t.call('GET', `/api/v1/deliveries/${waiting?.['id']}`)).body;
      expect(after).toMatchObject({ recipient: ERASED_PERSON, status: 'skipped', reason: 'personal-data-erased', attempts: 0, nextAttemptAt: null });
      expect(receiver.requests.filter((r) => r.path === '/chat/quinn')).toEqual([]);
    });

    it("keeps a person's email address sealed under their key: shown to them, none once they are erased", async () => {
      const emma = await as('emma');
      const put = await emma('PUT', '/api/v1/preferences', { body: { email: 'emma@example.com', timeZone: 'Europe/Paris' } });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ email: 'emma@example.com' });
      expect((await emma('GET', '/api/v1/preferences')).body).toMatchObject({ email: 'emma@example.com', timeZone: 'Europe/Paris' });
      const stored = JSON.stringify(await (await collections()).preferences.find({ tenantId: 'acme', userId: 'emma' }));
      expect(stored).toContain('Europe/Paris');
      expect(stored).not.toContain('emma@example.com');

      await erase('emma');
      expect((await emma('GET', '/api/v1/preferences')).body).toMatchObject({ email: null, timeZone: 'Europe/Paris' });
    });
  });
});
