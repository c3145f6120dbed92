import type { OpenAPIObject } from '@nestjs/swagger';
import { v7 as uuidv7 } from 'uuid';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { answerViolations, openApiGaps } from '@okr/platform/testing';
import { closedPort } from '../src/channels/testing/http-receiver';
import { NotificationsStore } from '../src/store/notifications.store';
import { caller, createNotificationsTestApp, eventually, isoDay, type CallOptions, type NotificationsTestApp } from './support/notifications-test-app';

const DAY = 86_400_000;

/**
 * The OpenAPI document is what the web app's client is generated from: the answers must be what it
 * describes (read strictly: a field it does not name is a mismatch), secrets included.
 */
describe("notifications' OpenAPI document describes its real answers", () => {
  let t: NotificationsTestApp;
  let document: OpenAPIObject;
  let objectiveId: string;

  /** Goals' facts, appended to the shared log as goals would: a running cycle, an active objective of alice's with one key result. */
  async function givenActiveObjective(): Promise<string> {
    const store = t.app.get<EventStore>(EVENT_STORE);
    const metadata = () => ({ tenantId: 'acme', actor: 'goals-fixture', correlationId: uuidv7(), causationId: uuidv7(), occurredAt: new Date().toISOString() });
    const [cycleId, id, keyResultId] = [uuidv7(), uuidv7(), uuidv7()];
    const cycle = { type: 'CyclePlanned', data: { cycleId, name: 'Now', startsOn: isoDay(-1), endsOn: isoDay(89), checkInCadenceDays: 7 } };
    await store.append(`cycle-${cycleId}`, [{ id: uuidv7(), ...cycle, metadata: metadata() }], 'no_stream');
    const events = [
      { type: 'ObjectiveSet', data: { objectiveId: id, cycleId, teamId: 'growth', ownerId: 'alice', title: 'New customers succeed' } },
      { type: 'KeyResultAdded', data: { objectiveId: id, keyResultId, title: 'Week-1 activation', measure: { kind: 'increase', start: 20, target: 40 } } },
      { type: 'ObjectiveActivated', data: { objectiveId: id } },
    ];
    await store.append(`objective-${id}`, events.map((e) => ({ id: uuidv7(), ...e, metadata: metadata() })), 'no_stream');
    const c = await t.app.get(NotificationsStore).collections();
    await eventually(async () => (await c.view.findOne({ _id: id, kind: 'objective' }))?.['activatedAt'], 10_000, 'the objective active in the view');
    await eventually(async () => (await c.view.count({ kind: 'keyResult', objectiveId: id })) === 1, 10_000, 'the key result in the view');
    return id;
  }

  beforeAll(async () => {
    t = await createNotificationsTestApp();
    document = (await t.app.inject({ method: 'GET', url: '/api/docs-json' })).json();
    objectiveId = await givenActiveObjective();
  });
  afterAll(() => t.close(true));

  it('leaves a generated client nothing to guess: every success and error answer has a schema', () => {
    expect(openApiGaps(document)).toEqual([]);
  });

  it('event contracts: the schema catalogue, one schema, the AsyncAPI document (served alike by every service)', async () => {
    await documented('GET', '/api/events/schemas?limit=5', 200, { token: null });
    await documented('GET', '/api/events/schemas/KeyResultAdded/1', 200, { token: null });
    await documented('GET', '/api/events/schemas/NoSuchEvent/1', 404, { token: null });
    await documented('GET', '/api/events/asyncapi', 200, { token: null });
  });

  it('refusals are the documented problem details too', async () => {
    await documented('GET', '/api/v1/deliveries/no-such-delivery', 404);
    await documented('PUT', '/api/v1/preferences', 400, { body: { quietHours: { start: '25:00' }, digestAt: 'noon' } });
  });

  /** Calls the route and checks its answer against the document, whatever the status. */
  async function documented(method: string, url: string, status: number, options: CallOptions = {}) {
    const response = await t.call(method, url, options);
    expect({ status: response.status, violations: answerViolations(document, method, url, response.status, response.body) }).toEqual({ status, violations: [] });
    return response.body;
  }

  it('preferences: the defaults, then quiet hours, muted rules, a digest by email and a chat channel shown by its host', async () => {
    expect(await documented('GET', '/api/v1/preferences', 200)).toMatchObject({ quietHours: null, email: null, chat: null, digest: false });
    const put = await documented('PUT', '/api/v1/preferences', 200, {
      body: {
        timeZone: 'Europe/Paris',
        mutedRules: ['confidence-drop'],
        quietHours: { start: '22:00', end: '07:00' },
        digest: true,
        digestAt: '00:00',
        email: 'alice@acme.test',
        chat: { url: 'https://127.0.0.1/services/T000/B000/secret-part', format: 'slack' },
      },
    });
    expect(JSON.stringify(put)).not.toContain('secret-part');
    expect(await documented('GET', '/api/v1/preferences', 200)).toEqual(put);
  });

  it('the email channel: set, read, removed; the password never', async () => {
    const body = { host: '127.0.0.1', port: await closedPort(), username: 'okr', password: 'never-shown', from: 'OKR <okr@acme.test>' };
    const put = await documented('PUT', '/api/v1/channels/email', 200, { body });
    expect(put).toMatchObject({ passwordSet: true, secure: false });
    expect(JSON.stringify(await documented('GET', '/api/v1/channels/email', 200))).not.toContain('never-shown');
    await documented('DELETE', '/api/v1/channels/email', 204);
    await documented('PUT', '/api/v1/channels/email', 200, { body: { ...body, username: undefined, password: undefined } });
  });

  it('reminders and digests: the runs, the inbox, the delivery log with a digest and its entries', async () => {
    const run = await documented('POST', '/api/v1/admin/reminders/run', 200, { body: { at: new Date(Date.now() + 8 * DAY).toISOString() } });
    expect(run.recorded).toBeGreaterThan(0);
    expect((await documented('POST', '/api/v1/admin/digests/run', 200)).digests).toBeGreaterThan(0);
    const inbox = await documented('GET', '/api/v1/notifications', 200);
    expect(inbox.items).toEqual([expect.objectContaining({ rule: 'check-in-reminder', objectiveId })]);
    const log = await documented('GET', '/api/v1/deliveries?limit=200', 200);
    const digest = log.items.find((d: { rule: string }) => d.rule === 'digest');
    expect(digest).toMatchObject({ items: [expect.objectContaining({ rule: 'check-in-reminder' })] });
    expect(log.items.map((d: { status: string }) => d.status)).toEqual(expect.arrayContaining(['delivered', 'digested']));
    await documented('GET', `/api/v1/deliveries/${digest.id}`, 200);
    await documented('GET', `/api/v1/deliveries/${log.items.find((d: { status: string }) => d.status === 'digested').id}`, 200);
  });

  it('follows: follow, list, unfollow', async () => {
    expect(await documented('POST', '/api/v1/follows', 201, { body: { kind: 'objective', targetId: objectiveId } })).toMatchObject({ kind: 'objective' });
    await documented('POST', '/api/v1/follows', 201, { body: { kind: 'team', targetId: 'growth' } });
    expect((await documented('GET', '/api/v1/follows', 200)).items).toHaveLength(2);
    await documented('DELETE', '/api/v1/follows/team/growth', 204);
  });

  it('webhooks: the secret only at registration and rotation; a chat URL only by its host; a test delivery to follow', async () => {
    const port = await closedPort();
    const json = await documented('POST', '/api/v1/webhooks', 201, { body: { url: `http://127.0.0.1:${port}/okr`, teams: ['growth'], rules: ['at-risk'] } });
    expect(json.secret).toMatch(/^whsec_/);
    const chat = await documented('POST', '/api/v1/webhooks', 201, { body: { url: `http://127.0.0.1:${port}/chat/secret-part`, format: 'teams', description: 'Growth room' } });
    expect(JSON.stringify(await documented('GET', '/api/v1/webhooks', 200))).not.toMatch(/whsec_|secret-part/);
    expect(await documented('GET', `/api/v1/webhooks/${chat.id}`, 200)).not.toHaveProperty('secret');
    await documented('POST', `/api/v1/webhooks/${json.id}/rotate-secret`, 200);
    const test = await documented('POST', `/api/v1/webhooks/${json.id}/test`, 202);
    await documented('GET', `/api/v1/deliveries/${test.deliveryId}`, 200);
    await documented('DELETE', `/api/v1/webhooks/${chat.id}`, 204);
  });

  it('a member sees their own inbox and preferences through the same schemas', async () => {
    const bob = caller(t.app, await t.token('acme', 'bob'));
    for (const url of ['/api/v1/notifications', '/api/v1/preferences', '/api/v1/deliveries']) {
      const response = await bob('GET', url);
      expect(answerViolations(document, 'GET', url, response.status, response.body)).toEqual([]);
    }
  });
});
