import {
  countEvents,
  createCheckInsTestApp,
  eventually,
  givenKeyResult,
  type CallOptions,
  type CheckInsTestApp,
  viewCaughtUp,
} from './support/check-ins-test-app';

const PROBLEM = 'application/problem+json';
const UNKNOWN = '0193a3c4-0000-7000-8000-000000000000';

describe('learnings API', () => {
  let t: CheckInsTestApp;
  let objectiveId: string;
  let keyResultId: string;
  beforeAll(async () => {
    t = await createCheckInsTestApp();
    ({ objectiveId, keyResultId } = await givenKeyResult(t));
  });
  afterAll(() => t.close(true));

  /** The walkthrough's learning: an invalidated hypothesis, with a customer interview as evidence. */
  const walkthrough = () => ({
    objectiveId,
    keyResultIds: [keyResultId],
    tried: 'A guided import would lift week-1 activation',
    result: 'invalidated',
    insight: 'Users stall on permissions, not on the import itself',
    nextStep: 'Ship a permissions checklist',
    evidence: [{ kind: 'customer-interview', summary: '7 of 10 trial admins could not grant access' }],
    tags: ['onboarding'],
  });

  async function failing(method: string, url: string, options: CallOptions = {}) {
    const before = await countEvents(t.store);
    const response = await t.call(method, url, options);
    expect(response.headers['content-type']).toContain(PROBLEM);
    expect(await countEvents(t.store)).toBe(before);
    return response;
  }

  it('captures, reads, revises, acknowledges, and keeps the history', async () => {
    const captured = await t.call('POST', '/api/v1/learnings', { body: walkthrough() });
    expect(captured.status).toBe(201);
    expect(captured.body).toEqual({ id: expect.any(String), revision: 0 });
    const id = captured.body.id as string;

    const read = await t.call('GET', `/api/v1/learnings/${id}`);
    expect(read.status).toBe(200);
    expect(read.headers.etag).toBe('"0"');
    expect(read.body).toMatchObject({
      id,
      teamId: 'growth',
      objectiveId,
      keyResultIds: [keyResultId],
      result: 'invalidated',
      author: 'alice',
      acknowledgedBy: [],
      revisions: 0,
      evidence: [{ kind: 'customer-interview', summary: '7 of 10 trial admins could not grant access' }],
    });

    const revised = await t.call('POST', `/api/v1/learnings/${id}/revisions`, {
      body: { insight: 'Users stall on permissions and SSO', reason: 'Two more interviews' },
      headers: { 'if-match': '"0"' },
    });
    expect(revised.status).toBe(201);
    expect(revised.body).toEqual({ id, revision: 1, events: ['LearningRevised'] });

    const bob = await t.token('acme', 'bob');
    const ack = await t.call('POST', `/api/v1/learnings/${id}/acknowledgements`, { body: { note: 'Same in support tickets' }, token: bob });
    expect(ack.status).toBe(201);
    expect(ack.body.events).toEqual(['LearningAcknowledged']);
    // Bob again, with another note: 422 naming the rule, nothing written (before, 201 and the note was dropped).
    const again = await t.call('POST', `/api/v1/learnings/${id}/acknowledgements`, { body: { note: 'And in sales calls' }, token: bob });
    expect(again.body).toMatchObject({ status: 422, code: 'already-acknowledged' });
    const after = await t.call('GET', `/api/v1/learnings/${id}`);
    expect(after.body).toMatchObject({ insight: 'Users stall on permissions and SSO', acknowledgedBy: ['bob'], revisions: 1, revision: 2 });

    const history = await t.call('GET', `/api/v1/learnings/${id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((e: { type: string }) => e.type)).toEqual(['LearningCaptured', 'LearningRevised', 'LearningAcknowledged']);
    expect(history.body.items[1]).toMatchObject({ actor: 'alice', reason: 'Two more interviews', occurredAt: expect.any(String) });
    expect(history.body.items[2]).toMatchObject({ actor: 'bob' });

    // Listed for its objective and its key result (the index follows the service's own events).
    const ofObjective = await eventually(async () => {
      const list = await t.call('GET', `/api/v1/objectives/${objectiveId}/learnings`);
      return list.body.items.some((l: { id: string; insight: string }) => l.id === id && l.insight.includes('SSO')) && list;
    }, 5000, 'learning listed for its objective');
    expect(ofObjective.status).toBe(200);
    expect(ofObjective.body.items).toEqual([
      { id, objectiveId, keyResultIds: [keyResultId], result: 'invalidated', insight: 'Users stall on permissions and SSO', capturedAt: expect.any(String) },
    ]);
    const ofKeyResult = await t.call('GET', `/api/v1/key-results/${keyResultId}/learnings`);
    expect(ofKeyResult.body.items.map((l: { id: string }) => l.id)).toEqual([id]);
    expect(ofKeyResult.body.nextCursor).toBeNull();
    const firstEvent = await t.call('GET', `/api/v1/learnings/${id}/history?limit=1`);
    expect(firstEvent.body.items).toHaveLength(1);
    const rest = await t.call('GET', `/api/v1/learnings/${id}/history?cursor=${firstEvent.body.nextCursor}`);
    expect(rest.body.items[0].revision).toBe(1);
  });

  it('400 names each bad field', async () => {
    const r = await failing('POST', '/api/v1/learnings', {
      body: { ...walkthrough(), result: 'failed', tried: '', evidence: [{ kind: 'gut-feeling', summary: '' }], colour: 'red' },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['result', 'tried', 'evidence[0].kind', 'evidence[0].summary', 'colour']),
    );
    const noReason = await failing('POST', `/api/v1/learnings/${UNKNOWN}/revisions`, { body: { insight: 'x' } });
    expect(noReason.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'reason' })]));
    expect((await failing('GET', '/api/v1/learnings/nope')).status).toBe(400);
  });

  it('401 without a token', async () => {
    expect((await failing('POST', '/api/v1/learnings', { body: walkthrough(), token: null })).status).toBe(401);
    expect((await failing('GET', `/api/v1/objectives/${objectiveId}/learnings`, { token: null })).status).toBe(401);
  });

  it('404 for unknown learnings, objectives and key results', async () => {
    expect((await failing('GET', `/api/v1/learnings/${UNKNOWN}`)).body.code).toBe('learning-not-found');
    expect((await failing('GET', `/api/v1/learnings/${UNKNOWN}/history`)).body.code).toBe('learning-not-found');
    const revise = await failing('POST', `/api/v1/learnings/${UNKNOWN}/revisions`, { body: { insight: 'x', reason: 'r' } });
    expect(revise).toMatchObject({ status: 404, body: { code: 'learning-not-found' } });
    expect((await failing('POST', `/api/v1/learnings/${UNKNOWN}/acknowledgements`, { body: {} })).status).toBe(404);
    expect((await failing('POST', '/api/v1/learnings', { body: { ...walkthrough(), objectiveId: UNKNOWN } })).body.code).toBe('objective-not-found');
    expect((await failing('POST', '/api/v1/learnings', { body: { ...walkthrough(), keyResultIds: [UNKNOWN] } })).body.code).toBe('key-result-not-found');
    expect((await failing('GET', `/api/v1/objectives/${UNKNOWN}/learnings`)).body.code).toBe('objective-not-found');
    expect((await failing('GET', `/api/v1/key-results/${UNKNOWN}/learnings`)).body.code).toBe('key-result-not-found');
  });

  it('409 for a stale If-Match; 422 for broken rules; an idempotent retry', async () => {
    const id = (await t.call('POST', '/api/v1/learnings', { body: walkthrough() })).body.id;
    expect((await t.call('POST', `/api/v1/learnings/${id}/revisions`, { body: { tags: ['activation'], reason: 'r' }, headers: { 'if-match': '"0"' } })).status).toBe(201);
    const stale = await failing('POST', `/api/v1/learnings/${id}/revisions`, { body: { tags: ['x'], reason: 'r' }, headers: { 'if-match': '"0"' } });
    expect(stale.status).toBe(409);

    const own = await failing('POST', `/api/v1/learnings/${id}/acknowledgements`, { body: {} });
    expect(own).toMatchObject({ status: 422, body: { code: 'cannot-acknowledge-own-learning' } });
    const unlinked = await failing('POST', '/api/v1/learnings', { body: { ...walkthrough(), objectiveId: undefined, keyResultIds: [] } });
    expect(unlinked).toMatchObject({ status: 422, body: { code: 'learning-needs-a-goal' } });
    const nothing = await failing('POST', `/api/v1/learnings/${id}/revisions`, { body: { tags: ['activation'], reason: 'r' } });
    expect(nothing).toMatchObject({ status: 422, body: { code: 'revision-changes-nothing' } });

    const request = { body: walkthrough(), headers: { 'idempotency-key': 'learning-once' } };
    const first = await t.call('POST', '/api/v1/learnings', request);
    const count = await countEvents(t.store);
    const retry = await t.call('POST', '/api/v1/learnings', request);
    expect(retry).toMatchObject({ status: 201, body: first.body });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await countEvents(t.store)).toBe(count);
  });

  it("another tenant's token sees nothing and changes nothing (404)", async () => {
    const id = (await t.call('POST', '/api/v1/learnings', { body: walkthrough() })).body.id;
    const globex = await t.token('globex', 'mallory');
    // 404, not 503 view-catching-up: what was written a moment ago is applied first.
    await viewCaughtUp(t);
    const before = await countEvents(t.store);
    for (const [method, url, body] of [
      ['GET', `/api/v1/learnings/${id}`],
      ['GET', `/api/v1/learnings/${id}/history`],
      ['POST', `/api/v1/learnings/${id}/revisions`, { insight: 'mine', reason: 'r' }],
      ['POST', `/api/v1/learnings/${id}/acknowledgements`, {}],
      ['POST', '/api/v1/learnings', walkthrough()],
    ] as const) {
      const r = await t.call(method, url, { token: globex, ...(body ? { body } : {}) });
      expect({ url, method, status: r.status }).toEqual({ url, method, status: 404 });
    }
    expect(await countEvents(t.store)).toBe(before);
  });
});
