import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { APPLIED, toIntegrationEvent } from '@okr/messaging';
import { issueEmbeddedToken } from '@okr/platform';
import { SMTPServer } from 'smtp-server';
import {
  caller,
  closedPort,
  createNotificationsTestApp,
  Dispatcher,
  eventually,
  isoDay,
  NotificationProjections,
  NotificationsStore,
  notificationViewModel,
  startHttpReceiver,
  verifyWebhookSignature,
  webhookTestDelivery,
  type HttpReceiver,
  type NotificationsTestApp,
  type ReceivedRequest,
} from '@okr/notifications-app/testing';
import { startOtherServices, type OtherServices } from './support/other-services';

type Caller = ReturnType<typeof caller>;
interface Delivery {
  id: string;
  rule: string;
  recipient: string;
  channel: string;
  status: string;
  attempts: number;
  reason: string | null;
  subject: string;
  lastError: string | null;
  webhookId: string | null;
  triggeredBy: string;
  items?: { rule: string; subject: string }[];
}

const DAY = 86_400_000;
jest.setTimeout(30_000);

describe('notifications: from goals, check-ins and insights events to the right people, once', () => {
  let notifications: NotificationsTestApp;
  let others: OtherServices;
  let receiver: HttpReceiver;
  let asAlice: Caller; // admin, owner of the objective
  let asBob: Caller; // owner of the key result, checks in
  let asBobHere: Caller;
  let asCarol: Caller; // follows the objective
  let objectiveId: string;
  let keyResultId: string;
  let webhook: { id: string; secret: string };

  /** Every delivery the query selects, page after page. */
  const deliveries = async (query = '', limit = 200): Promise<Delivery[]> => {
    const items: Delivery[] = [];
    let cursor: string | null = null;
    do {
      const r = await notifications.call('GET', `/api/v1/deliveries?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      items.push(...r.body.items);
      cursor = r.body.nextCursor;
    } while (cursor);
    return items;
  };
  const hooked = (rule: string): ReceivedRequest[] => receiver.requests.filter((r) => r.headers['x-okr-event'] === rule);

  beforeAll(async () => {
    receiver = await startHttpReceiver();
    notifications = await createNotificationsTestApp();
    others = await startOtherServices(notifications.dataDir);
    const token = (user: string, roles: string[] = [], teams: string[] = []) => notifications.token('acme', user, roles, teams);
    asAlice = caller(others.goals, await token('alice', ['admin']));
    asBob = caller(others.checkIns, await token('bob', [], ['growth']));
    asBobHere = caller(notifications.app, await token('bob'));
    asCarol = caller(notifications.app, await token('carol'));

    // A cycle running since yesterday: nothing is behind pace or stale yet.
    const cycle = await asAlice('POST', '/api/v1/cycles', {
      body: { name: 'Now', startsOn: isoDay(-1), endsOn: isoDay(89), checkInCadenceDays: 7 },
    });
    expect(cycle.status).toBe(201);
    const objective = await asAlice('POST', '/api/v1/objectives', {
      body: { cycleId: cycle.body.id, teamId: 'growth', title: 'New customers succeed in their first week' },
    });
    expect(objective.status).toBe(201);
    objectiveId = objective.body.id;
    const kr = await asAlice('POST', `/api/v1/objectives/${objectiveId}/key-results`, {
      body: { title: 'Week-1 activation', kind: 'increase', start: 20, target: 40, unit: '%', ownerId: 'bob' },
    });
    expect(kr.status).toBe(201);
    keyResultId = kr.body.id;
    expect((await asAlice('POST', `/api/v1/objectives/${objectiveId}/activation`)).status).toBe(200);
  });

  afterAll(async () => {
    await others?.close();
    await notifications?.close(true);
    await receiver?.close();
  });

  it('a tenant admin registers a webhook: 201 with the secret, shown once and never again', async () => {
    const bad = await notifications.call('POST', '/api/v1/webhooks', { body: { url: 'not a url', rules: ['nope'] } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['rules', 'url']);
    expect((await asBobHere('POST', '/api/v1/webhooks', { body: { url: `${receiver.origin}/okr` } })).status).toBe(403);
    expect((await notifications.call('GET', '/api/v1/webhooks')).body.items).toEqual([]);

    const created = await notifications.call('POST', '/api/v1/webhooks', {
      body: { url: `${receiver.origin}/okr`, description: 'growth channel' },
      headers: { 'idempotency-key': 'register-1' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), secret: expect.stringMatching(/^whsec_[\w-]{43}$/), format: 'json' });
    // A response that shows a secret is never kept for Idempotency-Key replays.
    expect(created.headers['idempotency-key-ignored']).toBe('true');
    webhook = { id: created.body.id, secret: created.body.secret };
    // At rest the secret is sealed (AES-256-GCM under OKR_SECRETS_KEY): a dump of the store holds none.
    const stored = await (await notifications.app.get(NotificationsStore).collections()).webhooks.findOne({ _id: webhook.id });
    expect(stored?.secret).toMatch(/^sealed:v1:/);
    expect(JSON.stringify(stored)).not.toContain(webhook.secret);

    const listed = await notifications.call('GET', '/api/v1/webhooks');
    expect(listed.body.items).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(webhook.secret);
    const one = await notifications.call('GET', `/api/v1/webhooks/${webhook.id}`);
    expect(one.body).not.toHaveProperty('secret');
    expect((await notifications.call('GET', '/api/v1/webhooks/nope')).status).toBe(404);
  });

  it('a check-in with confidence 3: the webhook receives a signed at-risk notification, each person one in-app', async () => {
    const checkIn = await eventually(async () => {
      const r = await asBob('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body: { value: 22, confidence: 3, effectiveAt: isoDay() } });
      return r.status !== 503 && r;
    }, 8000, 'check-in accepted');
    expect(checkIn.status).toBe(201);

    const [request] = await eventually(() => hooked('at-risk').length > 0 && hooked('at-risk'), 10_000, 'at-risk webhook');
    const timestamp = String(request.headers['x-okr-timestamp']);
    expect(
      verifyWebhookSignature({ secret: webhook.secret, timestamp, body: request.body, signature: String(request.headers['x-okr-signature']) }),
    ).toBe(true);
    expect(verifyWebhookSignature({ secret: 'whsec_other', timestamp, body: request.body, signature: String(request.headers['x-okr-signature']) })).toBe(false);
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({ rule: 'at-risk', tenantId: 'acme', keyResultId, objectiveId, teamId: 'growth', recipient: `webhook:${webhook.id}` });
    expect(body.body).toMatch(/Confidence is 3\/10/);
    expect(body.subject).toBe('"Week-1 activation" is at risk');
    expect(request.headers['x-okr-delivery']).toBe(body.id);

    const atRisk = await eventually(async () => {
      const items = await deliveries('&rule=at-risk');
      return items.every((d) => d.status === 'delivered') && items.length === 3 && items;
    }, 5000, 'at-risk deliveries recorded');
    expect(atRisk.map((d) => `${d.recipient}/${d.channel}:${d.status}:${d.attempts}`).sort()).toEqual([
      'alice/in-app:delivered:0',
      'bob/in-app:delivered:0',
      `webhook:${webhook.id}/webhook:delivered:1`,
    ]);
    // Bob sees only his own deliveries, and has the notification in his inbox.
    const own = await asBobHere('GET', '/api/v1/deliveries');
    expect(new Set(own.body.items.map((d: Delivery) => d.recipient))).toEqual(new Set(['bob']));
    const inbox = await asBobHere('GET', '/api/v1/notifications');
    expect(inbox.body.items.map((n: { rule: string }) => n.rule)).toContain('at-risk');
    // The secret never reached the logs.
    expect(notifications.logs.text()).not.toContain(webhook.secret);
  });

  it('a confidence drop of 3 points or more notifies the owners', async () => {
    expect((await asBob('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body: { value: 25, confidence: 8, effectiveAt: isoDay() } })).status).toBe(201);
    expect((await asBob('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body: { value: 26, confidence: 5, effectiveAt: isoDay() } })).status).toBe(201);
    const drops = await eventually(async () => {
      const items = await deliveries('&rule=confidence-drop');
      return items.filter((d) => d.channel === 'in-app').length === 2 && items;
    }, 8000, 'confidence-drop deliveries');
    expect(drops.find((d) => d.recipient === 'bob')?.subject).toBe('Confidence dropped from 8 to 5 on "Week-1 activation"');
    await eventually(() => hooked('confidence-drop').length === 1, 5000, 'confidence-drop webhook');
  });

  it("refuses to follow an objective the tenant does not have, another tenant's included (404, nothing kept)", async () => {
    const mallory = caller(notifications.app, await notifications.token('globex', 'mallory'));
    const foreign = await mallory('POST', '/api/v1/follows', { body: { kind: 'objective', targetId: objectiveId } });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ code: 'objective-not-found' });
    expect(foreign.body.detail).not.toContain(objectiveId);
    const unknown = await asCarol('POST', '/api/v1/follows', { body: { kind: 'objective', targetId: '0190a7e2-0000-7000-8000-00000000dead' } });
    expect(unknown.status).toBe(404);
    expect((await mallory('GET', '/api/v1/follows')).body.items).toEqual([]);
  });

  it("a learning on a followed objective reaches the follower and the owner, not its author", async () => {
    const follow = await asCarol('POST', '/api/v1/follows', { body: { kind: 'objective', targetId: objectiveId } });
    expect(follow.status).toBe(201);
    expect((await asCarol('POST', '/api/v1/follows', { body: { kind: 'objective', targetId: objectiveId } })).status).toBe(201);
    expect((await asCarol('GET', '/api/v1/follows')).body.items).toEqual([{ kind: 'objective', targetId: objectiveId, since: expect.any(String) }]);
    expect((await asCarol('POST', '/api/v1/follows', { body: { kind: 'planet', targetId: 'x' } })).body.errors[0].field).toBe('kind');

    const learning = await asBob('POST', '/api/v1/learnings', {
      body: { objectiveId, tried: 'A guided import on day one', result: 'invalidated', insight: 'Users stall at permissions, not at the import' },
    });
    expect(learning.status).toBe(201);
    const learned = await eventually(async () => {
      const items = await deliveries('&rule=learning-captured&channel=in-app');
      return items.length === 2 && items;
    }, 8000, 'learning deliveries');
    expect(learned.map((d) => d.recipient).sort()).toEqual(['alice', 'carol']);
  });

  it('a question reaches the team lead, the owners and the follower, not the asker; its answer reaches the asker', async () => {
    const team = await asAlice('PUT', '/api/v1/teams/growth', { body: { name: 'Growth', leads: ['gail'] } });
    expect(team.status).toBeLessThan(300);
    const asDave = caller(others.checkIns, await notifications.token('acme', 'dave'));
    // The lead is known once the team's event is applied; the question comes after it on the log.
    await eventually(async () => (await (await notifications.app.get(NotificationsStore).collections()).view.findOne({ _id: 'acme:growth', kind: 'team' })) !== null, 5000, 'team in the view');
    const asked = await asDave('POST', `/api/v1/key-results/${keyResultId}/questions`, { body: { text: 'What would tell you it works by week 6?' } });
    expect(asked.status).toBe(201);
    const told = await eventually(async () => {
      const items = await deliveries('&rule=question-asked&channel=in-app');
      return items.length === 4 && items;
    }, 8000, 'question-asked deliveries');
    expect(told.map((d) => d.recipient).sort()).toEqual(['alice', 'bob', 'carol', 'gail']);
    expect(told[0]?.subject).toBe('dave asked about "Week-1 activation"');

    const bobOfGrowth = await issueEmbeddedToken({ dataDir: notifications.dataDir, tenant: 'acme', user: 'bob', teams: ['growth'] });
    const answered = await caller(others.checkIns, bobOfGrowth)('POST', `/api/v1/questions/${asked.body.id}/answers`, { body: { text: 'Half of the cohort past step 3' } });
    expect(answered.status).toBe(201);
    const answer = await eventually(async () => {
      const items = await deliveries('&rule=question-answered&channel=in-app');
      return items.length === 1 && items;
    }, 8000, 'question-answered delivery');
    expect(answer[0]).toMatchObject({ recipient: 'dave', subject: 'bob answered your question', body: 'bob answered: "Half of the cohort past step 3"' });
  });

  it('an event delivered again, even with the consumer records lost, records no second notification', async () => {
    const before = (await deliveries()).map((d) => d.id).sort();
    const store = notifications.app.get<EventStore>(EVENT_STORE);
    const projections = notifications.app.get(NotificationProjections);
    const events = [];
    for await (const event of store.readAll()) events.push(toIntegrationEvent(event));
    expect(events.length).toBeGreaterThan(5);

    let recorded = 0;
    for (const event of events) recorded += await projections.applyEvent(event);
    expect(recorded).toBe(0);
    // Lose every applied revision (a restored backup, a bug): the delivery ids still hold.
    const applied = await notifications.app.get(NotificationsStore).store.collection({ name: APPLIED });
    expect(await applied.deleteMany({ model: notificationViewModel.name })).toMatchObject({ deleted: expect.any(Number) });
    for (const event of events) recorded += await projections.applyEvent(event);
    expect(recorded).toBe(0);
    expect((await deliveries()).map((d) => d.id).sort()).toEqual(before);
  });

  it('webhook delivery retries on 500 with backoff, never on 400, and shows the failure', async () => {
    // Counted per delivery: a late attempt of an earlier delivery to this receiver must not use up this one's 500s.
    const attempts = new Map<string, number>();
    receiver.respond((request) => {
      const id = String(request.headers['x-okr-delivery'] ?? '');
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      return (attempts.get(id) ?? 0) <= 2 ? { status: 500, body: 'busy' } : { status: 204 };
    });
    const retried = await notifications.call('POST', `/api/v1/webhooks/${webhook.id}/test`);
    expect(retried.status).toBe(202);
    const delivered = await eventually(async () => {
      const r = await notifications.call('GET', `/api/v1/deliveries/${retried.body.deliveryId}`);
      return r.body.status === 'delivered' && r.body;
    }, 8000, 'test delivered after retries');
    expect(delivered.attempts).toBe(3);
    expect(delivered.history.map((h: { outcome: string; statusCode: number }) => `${h.outcome}:${h.statusCode}`)).toEqual([
      'retry:500',
      'retry:500',
      'delivered:204',
    ]);
    expect(receiver.requests.filter((r) => r.headers['x-okr-delivery'] === retried.body.deliveryId)).toHaveLength(3);

    receiver.respond(() => ({ status: 400, body: 'unknown payload' }));
    const rejected = await notifications.call('POST', `/api/v1/webhooks/${webhook.id}/test`);
    const failed = await eventually(async () => {
      const r = await notifications.call('GET', `/api/v1/deliveries/${rejected.body.deliveryId}`);
      return r.body.status === 'failed' && r.body;
    }, 8000, 'test failed');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toMatch(/400/);
    expect(receiver.requests.filter((r) => r.headers['x-okr-delivery'] === rejected.body.deliveryId)).toHaveLength(1);

    receiver.respond(() => ({ status: 503 }));
    const exhausted = await notifications.call('POST', `/api/v1/webhooks/${webhook.id}/test`);
    const gaveUp = await eventually(async () => {
      const r = await notifications.call('GET', `/api/v1/deliveries/${exhausted.body.deliveryId}`);
      return r.body.status === 'failed' && r.body;
    }, 8000, 'test failed after the last attempt');
    expect(gaveUp.attempts).toBe(3); // OKR_DELIVERY_MAX_ATTEMPTS in the tests
    expect((await deliveries('&status=failed')).map((d) => d.id)).toEqual(expect.arrayContaining([rejected.body.deliveryId, exhausted.body.deliveryId]));
    receiver.respond(() => ({ status: 200 }));

    // A secret rotated: the next delivery is signed with the new one.
    const rotated = await notifications.call('POST', `/api/v1/webhooks/${webhook.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(webhook.secret);
    webhook = { ...webhook, secret: rotated.body.secret };
    const after = await notifications.call('POST', `/api/v1/webhooks/${webhook.id}/test`);
    const request = await eventually(() => receiver.requests.find((r) => r.headers['x-okr-delivery'] === after.body.deliveryId), 5000, 'signed with the new secret');
    expect(
      verifyWebhookSignature({
        secret: webhook.secret,
        timestamp: String(request.headers['x-okr-timestamp']),
        body: request.body,
        signature: String(request.headers['x-okr-signature']),
      }),
    ).toBe(true);
  });

  it('two dispatchers racing over the same deliveries send each once', async () => {
    const slow = await startHttpReceiver(() => ({ status: 200 }));
    try {
      const created = await notifications.call('POST', '/api/v1/webhooks', { body: { url: `${slow.origin}/race`, rules: ['objective-graded'] } });
      const c = await notifications.app.get(NotificationsStore).collections();
      const hook = await c.webhooks.findOne({ _id: created.body.id });
      if (!hook) throw new Error('webhook not stored');
      const docs = Array.from({ length: 20 }, (_, i) => webhookTestDelivery(hook, `race-${i}`, 'alice', new Date(0)));
      // Due long ago, written straight to the store so both dispatchers find them in the same round.
      const first = notifications.dispatcher();
      const second = new Dispatcher(
        notifications.app.get(NotificationsStore),
        { onRecorded: () => undefined } as never,
        (first as unknown as { settings: never }).settings,
        notifications.clock,
        (first as unknown as { metrics: never }).metrics,
        (first as unknown as { secrets: never }).secrets,
        (first as unknown as { tracing: never }).tracing,
        (first as unknown as { seal: never }).seal,
      );
      await c.deliveries.bulkWrite(docs.map((document) => ({ insertOne: { document } })));
      await Promise.all([first.runRound(), second.runRound(), first.runRound(), second.runRound()]);
      await eventually(async () => (await c.deliveries.count({ _id: { $in: docs.map((d) => d._id) }, status: 'delivered' })) === 20, 5000, 'all sent');
      const ids = slow.requests.map((r) => r.headers['x-okr-delivery']);
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
      await notifications.call('DELETE', `/api/v1/webhooks/${created.body.id}`);
    } finally {
      await slow.close();
    }
  });

  it('email over SMTP: a tenant server, the message arrives with the recipient and content; digests gather what was held', async () => {
    const received: { to: string[]; raw: string }[] = [];
    const smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, done) {
        if (auth.username === 'okr' && auth.password === 'p4ssw0rd-never-shown') done(null, { user: auth.username });
        else done(new Error('Invalid username or password'));
      },
      onData(stream, session, done) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as { port: number }).port;
    try {
      const put = await notifications.call('PUT', '/api/v1/channels/email', {
        body: { host: '127.0.0.1', port, secure: false, username: 'okr', password: 'p4ssw0rd-never-shown', from: 'OKR <okr@acme.test>' },
      });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ host: '127.0.0.1', passwordSet: true });
      expect(JSON.stringify(put.body)).not.toContain('p4ssw0rd');
      expect(JSON.stringify((await notifications.call('GET', '/api/v1/channels/email')).body)).not.toContain('p4ssw0rd');
      const storedSmtp = await (await notifications.app.get(NotificationsStore).collections()).smtp.findOne({ _id: 'acme' });
      expect(JSON.stringify(storedSmtp)).not.toContain('p4ssw0rd');

      const prefs = await asBobHere('PUT', '/api/v1/preferences', { body: { email: 'bob@acme.test', timeZone: 'Europe/Paris' } });
      expect(prefs.status).toBe(200);
      const carol = await asCarol('PUT', '/api/v1/preferences', { body: { email: 'carol@acme.test', digest: true, digestAt: '00:00' } });
      expect(carol.status).toBe(200);

      // 5 -> 1: a confidence drop (and the key result is at risk again).
      expect((await asBob('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body: { value: 26, confidence: 9, effectiveAt: isoDay() } })).status).toBe(201);
      expect((await asBob('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body: { value: 26, confidence: 4, effectiveAt: isoDay() } })).status).toBe(201);
      const mail = await eventually(() => received.find((m) => m.to.includes('bob@acme.test')), 10_000, 'email received');
      expect(mail.raw).toContain('fell by 5 points (9 -> 4)');
      expect(mail.to).toEqual(['bob@acme.test']);
      expect(mail.raw).toMatch(/^From: OKR <okr@acme\.test>/m);
      expect(mail.raw).toMatch(/Content-Type: text\/plain/);
      expect(mail.raw).toMatch(/Content-Type: text\/html/);
      const emailed = (await deliveries('&rule=confidence-drop&channel=email')).find((d) => d.recipient === 'bob');
      expect(mail.raw).toContain(`Message-ID: <${emailed?.id}@`);

      // Carol asked for a digest: her learning email is held, then goes out in one digest.
      expect(
        (await asBob('POST', '/api/v1/learnings', { body: { objectiveId, tried: 'Checklists in the product', result: 'validated', insight: 'Checklists help' } }))
          .status,
      ).toBe(201);
      const held = await eventually(async () => {
        const items = (await deliveries('&recipient=carol&channel=email&status=held'));
        return items.length === 1 && items;
      }, 8000, 'held for the digest');
      expect(held[0].reason).toBe('held for the daily digest');
      const run = await notifications.call('POST', '/api/v1/admin/digests/run');
      expect(run.body).toEqual({ digests: 1 });
      expect((await notifications.call('POST', '/api/v1/admin/digests/run')).body).toEqual({ digests: 0 });
      const digestMail = await eventually(() => received.find((m) => m.to.includes('carol@acme.test')), 10_000, 'digest email');
      expect(digestMail.raw).toMatch(/OKR digest/);
      expect(digestMail.raw).toContain('Checklists');
      const [digested] = await deliveries('&recipient=carol&channel=email&status=digested');
      expect(digested.id).toBe(held[0].id);
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
    expect(notifications.logs.text()).not.toContain('p4ssw0rd');
  });

  it('preferences: each bad field is named, and a chat URL is never shown whole', async () => {
    const bad = await asBobHere('PUT', '/api/v1/preferences', {
      body: { timeZone: 'Mars/Olympus', mutedRules: ['at-risk', 'sleep'], quietHours: { start: '25:00', end: '07:00' }, email: 'nope' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'mutedRules', 'quietHours.start', 'timeZone']);
    const ok = await asBobHere('PUT', '/api/v1/preferences', {
      body: { timeZone: 'America/New_York', chat: { url: 'https://hooks.slack.com/services/T000/B000/very-secret', format: 'slack' } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.chat).toEqual({ format: 'slack', url: 'https://hooks.slack.com/…' });
    expect(JSON.stringify((await asBobHere('GET', '/api/v1/preferences')).body)).not.toContain('very-secret');
  });

  it("another tenant sees none of acme's webhooks or deliveries", async () => {
    const globex = caller(notifications.app, await notifications.token('globex', 'gina', ['admin']));
    expect((await globex('GET', '/api/v1/webhooks')).body.items).toEqual([]);
    expect((await globex('GET', '/api/v1/deliveries')).body.items).toEqual([]);
    expect((await globex('GET', `/api/v1/webhooks/${webhook.id}`)).status).toBe(404);
    const notHere = await globex('POST', `/api/v1/webhooks/${webhook.id}/test`);
    expect(notHere.body).toMatchObject({ status: 404, code: 'webhook-not-found', detail: 'No such webhook in this tenant.', details: { webhookId: webhook.id } });
    // Globex has no SMTP settings of its own: said in words, not with its tenant id.
    const smtp = await globex('GET', '/api/v1/channels/email');
    expect(smtp.body).toMatchObject({ status: 404, code: 'smtp-settings-not-found' });
    expect(smtp.body.detail).toBe('This tenant has no SMTP settings of its own; the service default applies, if any.');
  });

  it('tests a webhook sent by a client that declares JSON and sends no body', async () => {
    const test = await notifications.call('POST', `/api/v1/webhooks/${webhook.id}/test`, { headers: { 'content-type': 'application/json' } });
    expect(test.status).toBe(202);
    expect(test.body.deliveryId).toEqual(expect.any(String));
  });

  it('an unreachable webhook fails visibly after its attempts', async () => {
    const port = await closedPort();
    const created = await notifications.call('POST', '/api/v1/webhooks', { body: { url: `http://127.0.0.1:${port}/gone` } });
    const test = await notifications.call('POST', `/api/v1/webhooks/${created.body.id}/test`);
    const failed = await eventually(async () => {
      const r = await notifications.call('GET', `/api/v1/deliveries/${test.body.deliveryId}`);
      return r.body.status === 'failed' && r.body;
    }, 8000, 'unreachable webhook failed');
    expect(failed.attempts).toBe(3);
    expect(failed.lastError).toBeTruthy();
  });
  it('check-in reminders: one per missed period, never twice, also after a restart; none once the objective is closed', async () => {
    const run = async (at: number) => {
      const r = await notifications.call('POST', '/api/v1/admin/reminders/run', { body: { at: new Date(Date.now() + at).toISOString() } });
      expect(r.status).toBe(200);
      return r.body as { reminders: number; recorded: number };
    };
    expect((await run(0)).reminders).toBe(0); // checked in just now
    const firstPeriod = await run(8 * DAY);
    expect(firstPeriod.reminders).toBe(1);
    expect(firstPeriod.recorded).toBeGreaterThan(0);
    expect((await run(8 * DAY)).recorded).toBe(0);
    expect((await run(9 * DAY)).recorded).toBe(0); // still the first missed period
    expect((await run(15 * DAY)).recorded).toBeGreaterThan(0); // the second one

    const reminders = await deliveries('&rule=check-in-reminder&channel=in-app');
    expect(reminders.map((d) => d.recipient)).toEqual(['bob', 'bob']);

    // A restart on the same data folder: the schedule is the store, not a timer.
    const dataDir = notifications.dataDir;
    await notifications.close();
    notifications = await createNotificationsTestApp({ dataDir });
    expect((await run(15 * DAY)).recorded).toBe(0);
    expect((await run(9 * DAY)).recorded).toBe(0);

    const graded = await asAlice('POST', `/api/v1/objectives/${objectiveId}/grading`, {
      body: { keyResultGrades: [{ keyResultId, grade: 0.3 }], retrospective: 'Onboarding needs permissions first' },
    });
    expect(graded.status).toBe(200);
    await eventually(async () => (await deliveries('&rule=objective-graded&channel=in-app')).length === 2, 8000, 'graded notifications');
    expect((await run(30 * DAY)).reminders).toBe(0);
  });
  it('reminds on a cycle\'s new dates and name once it was moved and renamed before it started', async () => {
    const cycle = await asAlice('POST', '/api/v1/cycles', { body: { name: 'Next', startsOn: isoDay(30), endsOn: isoDay(120), checkInCadenceDays: 7 } });
    expect((await asAlice('POST', `/api/v1/cycles/${cycle.body.id}/rescheduling`, { body: { startsOn: isoDay(40), endsOn: isoDay(130) } })).status).toBe(200);
    expect((await asAlice('POST', `/api/v1/cycles/${cycle.body.id}/renaming`, { body: { name: 'Next, later' } })).status).toBe(200);
    const c = await notifications.app.get(NotificationsStore).collections();
    const stored = await eventually(async () => {
      const doc = await c.view.findOne({ _id: cycle.body.id, kind: 'cycle' });
      return doc?.['name'] === 'Next, later' && doc;
    }, 8000, 'the moved and renamed cycle');
    expect(stored).toMatchObject({ startsOn: isoDay(40), endsOn: isoDay(130) });
  });

  it('pages the delivery log newest first, one at a time, with every delivery once', async () => {
    const all = await deliveries();
    expect(all.length).toBeGreaterThan(2);
    const oneByOne = await deliveries('', 1);
    expect(oneByOne.map((d) => d.id)).toEqual(all.map((d) => d.id));
    expect(new Set(oneByOne.map((d) => d.id)).size).toBe(all.length);
  });
});
