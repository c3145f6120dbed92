import type { OpenAPIObject } from '@nestjs/swagger';
import { answerViolations, openApiGaps } from '@okr/platform/testing';
import { createCheckInsTestApp, eventually, givenKeyResult, type CallOptions, type CheckInsTestApp } from './support/check-ins-test-app';

/**
 * The OpenAPI document is what the web app's client is generated from: it must describe every answer,
 * and the answers must be what it describes (read strictly: a field it does not name is a mismatch).
 */
describe("check-ins' OpenAPI document describes its real answers", () => {
  let t: CheckInsTestApp;
  let document: OpenAPIObject;
  let objectiveId: string;
  let keyResultId: string;
  beforeAll(async () => {
    t = await createCheckInsTestApp();
    document = (await t.app.inject({ method: 'GET', url: '/api/docs-json' })).json();
    ({ objectiveId, keyResultId } = await givenKeyResult(t));
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
    await documented('GET', '/api/v1/learnings/0193a3c4-0000-7000-8000-000000000000', 404);
    await documented('POST', `/api/v1/key-results/${keyResultId}/check-ins`, 400, { body: { value: 'high', confidence: 11 } });
  });

  /** Calls the route and checks its answer against the document, whatever the status. */
  async function documented(method: string, url: string, status: number, options: CallOptions = {}) {
    const response = await t.call(method, url, options);
    expect({ status: response.status, violations: answerViolations(document, method, url, response.status, response.body) }).toEqual({ status, violations: [] });
    return response.body;
  }

  it('check-ins: record, correct, list as of now and as known then', async () => {
    const recorded = await documented('POST', `/api/v1/key-results/${keyResultId}/check-ins`, 201, {
      body: { value: 24, confidence: 6, note: 'Checklist shipped', blockers: ['SSO vendor'], effectiveAt: '2026-10-12' },
    });
    await documented('POST', `/api/v1/check-ins/${recorded.id}/corrections`, 201, { body: { value: 25, reason: 'Dashboard was a day late' } });
    const list = await documented('GET', `/api/v1/key-results/${keyResultId}/check-ins`, 200);
    expect(list.items).toEqual([expect.objectContaining({ value: 25, corrections: 1, correctedAt: expect.any(String), blockers: ['SSO vendor'] })]);
    await documented('GET', `/api/v1/key-results/${keyResultId}/check-ins?knownAt=2026-01-01T00:00:00Z&limit=1`, 200);
  });

  it('learnings: capture, read, revise, acknowledge, history, and the lists of an objective and a key result', async () => {
    const captured = await documented('POST', '/api/v1/learnings', 201, {
      body: {
        objectiveId,
        keyResultIds: [keyResultId],
        tried: 'A guided import would lift week-1 activation',
        approach: 'hypothesis',
        result: 'invalidated',
        insight: 'Users stall on permissions, not on the import itself',
        nextStep: 'Ship a permissions checklist',
        evidence: [{ kind: 'customer-interview', summary: '7 of 10 trial admins could not grant access', link: 'https://notes.example.com/7' }],
        tags: ['onboarding'],
      },
    });
    const id = captured.id as string;
    await documented('POST', `/api/v1/learnings/${id}/revisions`, 201, { body: { insight: 'Users stall on permissions and SSO', reason: 'Two more interviews' } });
    await documented('POST', `/api/v1/learnings/${id}/acknowledgements`, 201, { body: { note: 'Same in support' }, token: await t.token('acme', 'bob') });
    expect(await documented('GET', `/api/v1/learnings/${id}`, 200)).toMatchObject({ result: 'invalidated', acknowledgedBy: ['bob'], revisions: 1 });
    expect((await documented('GET', `/api/v1/learnings/${id}/history`, 200)).items).toHaveLength(3);
    await eventually(async () => (await t.call('GET', `/api/v1/objectives/${objectiveId}/learnings`)).body.items?.length === 1);
    await documented('GET', `/api/v1/objectives/${objectiveId}/learnings`, 200);
    await documented('GET', `/api/v1/key-results/${keyResultId}/learnings`, 200);
  });

  it('questions: ask on each subject, answer, set aside, read one, list an objective’s', async () => {
    const onObjective = await documented('POST', `/api/v1/objectives/${objectiveId}/questions`, 201, { body: { text: 'Why this objective now?' } });
    const onKeyResult = await documented('POST', `/api/v1/key-results/${keyResultId}/questions`, 201, { body: { text: 'Why 40%?' } });
    await documented('POST', `/api/v1/questions/${onObjective.id}/answers`, 201, { body: { text: 'Churn in week one' } });
    await documented('POST', `/api/v1/questions/${onKeyResult.id}/set-aside`, 201, { body: { note: 'For planning' } });
    expect(await documented('GET', `/api/v1/questions/${onKeyResult.id}`, 200)).toMatchObject({ status: 'set-aside', setAside: { note: 'For planning' } });
    // The list is a read model: wait until it has applied the answer and the setting aside, not only the two questions.
    const statuses = async () => ((await t.call('GET', `/api/v1/objectives/${objectiveId}/questions`)).body.items ?? []).map((q: { status: string }) => q.status).join(',');
    await eventually(async () => (await statuses()) === 'answered,set-aside');
    const listed = await documented('GET', `/api/v1/objectives/${objectiveId}/questions`, 200);
    expect(listed.items.map((q: { status: string }) => q.status)).toEqual(['answered', 'set-aside']);
  });

  it('service accounts and measurements: the key only where it is issued, every outcome of a batch', async () => {
    const created = await documented('POST', '/api/v1/service-accounts', 201, { body: { name: 'amplitude-feed', scope: { teams: ['growth'] } } });
    expect(created.apiKey).toEqual(expect.any(String));
    const rotated = await documented('POST', `/api/v1/service-accounts/${created.id}/key-rotations`, 201);
    const apiKey = rotated.apiKey as string;
    const measurement = { value: 31.5, measuredAt: '2026-10-19', source: 'amplitude', link: 'https://analytics.example.com/chart/42' };
    await documented('POST', `/api/v1/key-results/${keyResultId}/measurements`, 201, { body: measurement, token: apiKey });
    await documented('POST', `/api/v1/key-results/${keyResultId}/measurements`, 200, { body: measurement, token: apiKey });
    const batch = await documented('POST', '/api/v1/measurements', 200, {
      token: apiKey,
      body: {
        items: [
          { keyResultId, ...measurement },
          { keyResultId, value: 33, measuredAt: '2026-10-26', source: 'amplitude' },
          { keyResultId, value: 34, measuredAt: '2999-01-01', source: 'amplitude' },
        ],
      },
    });
    expect(batch.items.map((i: { status: string }) => i.status)).toEqual(['unchanged', 'recorded', 'refused']);
    expect((await documented('GET', '/api/v1/service-accounts', 200)).items[0]).not.toHaveProperty('apiKey');
    const revoked = await documented('POST', `/api/v1/service-accounts/${created.id}/revocation`, 200, { body: { reason: 'Contract ended' } });
    expect(revoked).not.toHaveProperty('apiKey');
  });
});
