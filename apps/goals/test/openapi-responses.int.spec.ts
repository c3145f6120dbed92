import type { OpenAPIObject } from '@nestjs/swagger';
import { answerViolations, openApiGaps } from '@okr/platform/testing';
import { uniqueCycle } from './support/fixtures';
import { createGoalsTestApp, type CallOptions, type GoalsTestApp } from './support/goals-test-app';
import { eventually, isoDay } from './support/wait';

/**
 * The OpenAPI document is what the web app's client is generated from: it must describe every answer
 * of every route, and the answers must be what it describes (read strictly: a field it does not name
 * is a mismatch). Every operation of the document is called here at least once.
 */
describe("goals' OpenAPI document describes its real answers", () => {
  let t: GoalsTestApp;
  let document: OpenAPIObject;
  const called = new Set<string>();

  beforeAll(async () => {
    t = await createGoalsTestApp();
    document = (await t.call('GET', '/api/docs-json', { token: null })).body;
  });
  afterAll(() => t.close(true));

  /** Calls the route, checks its status and its answer against the document, and notes the operation as covered. */
  async function documented(method: string, url: string, status: number, options: CallOptions = {}) {
    const response = await t.call(method, url, options);
    expect({ status: response.status, violations: answerViolations(document, method, url, response.status, response.body) }).toEqual({ status, violations: [] });
    called.add(`${method} ${templateOf(url)}`);
    return response.body;
  }

  const templateOf = (url: string): string => {
    const path = url.split('?')[0] ?? url;
    return Object.keys(document.paths).find((template) => new RegExp(`^${template.replace(/\{[^}/]+\}/g, '[^/]+')}$`).test(path)) ?? path;
  };

  it('leaves a generated client nothing to guess: every success has a schema, every error is a ProblemDetails', () => {
    expect(openApiGaps(document)).toEqual([]);
  });

  it('event contracts: the schema catalogue, one schema, the AsyncAPI document (served alike by every service)', async () => {
    await documented('GET', '/api/events/schemas?limit=5', 200, { token: null });
    await documented('GET', '/api/events/schemas/KeyResultAdded/1', 200, { token: null });
    await documented('GET', '/api/events/schemas/NoSuchEvent/1', 404, { token: null });
    await documented('GET', '/api/events/asyncapi', 200, { token: null });
  });

  it('people: erase one', async () => {
    const cycle = await t.call('POST', '/api/v1/cycles', { body: uniqueCycle() });
    await t.call('POST', '/api/v1/objectives', { body: { cycleId: cycle.body.id, teamId: 'growth', title: 'Owned by Erin', ownerId: 'erin' } });
    await documented('POST', '/api/v1/admin/people/erin/erasure', 201, { body: { reason: 'Asked to be forgotten' } });
    await documented('POST', '/api/v1/admin/people/erin/erasure', 404, { body: { reason: 'Again' } });
  });

  it('teams: describe, read one, list', async () => {
    const described = await documented('PUT', '/api/v1/teams/growth', 200, { body: { name: 'Growth', parentTeamId: null, leads: ['gina'] } });
    expect(described.changes).toEqual(['TeamRegistered']);
    expect(await documented('GET', '/api/v1/teams/growth', 200)).toEqual({ id: 'growth', name: 'Growth', parentTeamId: null, leads: ['gina'] });
    await eventually(async () => ((await t.call('GET', '/api/v1/teams')).body.items?.length === 1 ? true : undefined), 'the team in the list');
    await documented('GET', '/api/v1/teams', 200);
  });

  it('cycles: plan, read, list, rename and move one that has not started, close one that has ended', async () => {
    const ended = await documented('POST', '/api/v1/cycles', 201, { body: uniqueCycle({ startsOn: isoDay(-100), endsOn: isoDay(-10) }) });
    const upcoming = await documented('POST', '/api/v1/cycles', 201, { body: uniqueCycle({ startsOn: isoDay(30), endsOn: isoDay(120) }) });
    await documented('POST', `/api/v1/cycles/${upcoming.id}/renaming`, 200, { body: { name: `${upcoming.id} renamed` } });
    await documented('POST', `/api/v1/cycles/${upcoming.id}/rescheduling`, 200, { body: { startsOn: isoDay(31), endsOn: isoDay(121) } });
    expect(await documented('GET', `/api/v1/cycles/${upcoming.id}`, 200)).toMatchObject({ status: 'upcoming', closedAt: null });

    const open = await t.call('POST', '/api/v1/objectives', { body: { cycleId: ended.id, teamId: 'growth', title: 'Still open' } });
    await eventually(async () => ((await t.call('GET', `/api/v1/objectives?cycleId=${ended.id}`)).body.items?.length === 1 ? true : undefined), 'the objective listed');
    const closed = await documented('POST', `/api/v1/cycles/${ended.id}/closing`, 200);
    expect(closed.ungradedObjectives).toEqual([{ objectiveId: open.body.id, title: 'Still open', teamId: 'growth' }]);
    expect(await documented('GET', `/api/v1/cycles/${ended.id}`, 200)).toMatchObject({ status: 'closed', ungradedObjectives: [expect.any(Object)] });
    await eventually(async () => ((await t.call('GET', '/api/v1/cycles')).body.items?.length >= 2 ? true : undefined), 'the cycles listed');
    await documented('GET', '/api/v1/cycles', 200);
  });

  it('objectives: every change of a life from set to graded and corrected, then read, as of, history and list', async () => {
    const cycle = await documented('POST', '/api/v1/cycles', 201, { body: uniqueCycle({ startsOn: isoDay(-5), endsOn: isoDay(80) }) });
    const parent = await documented('POST', '/api/v1/objectives', 201, { body: { cycleId: cycle.id, teamId: 'growth', title: 'Grow the business' } });
    const set = await documented('POST', '/api/v1/objectives', 201, { body: { cycleId: cycle.id, teamId: 'growth', title: 'New customers succeed' } });
    const base = `/api/v1/objectives/${set.id}`;
    await documented('POST', `${base}/alignments`, 201, { body: { parentObjectiveId: parent.id } });
    await documented('POST', `${base}/alignment-withdrawals`, 201, { body: { parentObjectiveId: parent.id, reason: 'Aligned to the wrong one' } });
    await documented('POST', `${base}/rewordings`, 201, { body: { title: 'New customers succeed in their first week', description: 'Week one', reason: 'Sharper' } });
    const activation = await documented('POST', `${base}/key-results`, 201, { body: { title: 'Week-1 activation', kind: 'increase', start: 20, target: 40, unit: '%' } });
    const milestone = await documented('POST', `${base}/key-results`, 201, { body: { title: 'Guided onboarding', kind: 'milestone' } });
    await documented('POST', `${base}/key-results/${activation.id}/target-revisions`, 201, { body: { target: 35, reason: 'Too ambitious' } });
    await documented('POST', `${base}/key-results/${milestone.id}/drop`, 200, { body: { reason: 'Folded into activation' } });
    const before = new Date().toISOString();
    await documented('POST', `${base}/ownership-transfers`, 201, { body: { newOwnerId: 'bob', reason: 'Bob runs onboarding' } });
    await documented('POST', `${base}/activation`, 200);
    await documented('POST', `${base}/grading`, 200, { body: { keyResultGrades: [{ keyResultId: activation.id, grade: 0.6 }], retrospective: 'Personal emails helped' } });
    await documented('POST', `${base}/grade-corrections`, 200, { body: { overallGrade: 0.7, reason: 'Late data' } });

    const read = await documented('GET', base, 200);
    expect(read).toMatchObject({ status: 'closed', ownerId: 'bob', grade: { overallGrade: 0.7 }, keyResults: [{ status: 'active' }, { status: 'dropped' }] });
    expect(await documented('GET', `${base}?asOf=${before}`, 200)).toMatchObject({ status: 'draft', asOf: before });
    expect((await documented('GET', `${base}/history`, 200)).items.length).toBeGreaterThan(5);
    await documented('POST', `/api/v1/objectives/${parent.id}/archival`, 200, { body: { reason: 'Not this quarter' } });
    await eventually(async () => ((await t.call('GET', `/api/v1/objectives?cycleId=${cycle.id}`)).body.items?.length === 2 ? true : undefined), 'the objectives listed');
    await documented('GET', `/api/v1/objectives?cycleId=${cycle.id}`, 200);
  });

  it('carry-over: the objective it goes on as, linked both ways', async () => {
    const ended = await documented('POST', '/api/v1/cycles', 201, { body: uniqueCycle({ startsOn: isoDay(-100), endsOn: isoDay(-10) }) });
    const later = await documented('POST', '/api/v1/cycles', 201, { body: uniqueCycle({ startsOn: isoDay(-5), endsOn: isoDay(80) }) });
    const old = await documented('POST', '/api/v1/objectives', 201, { body: { cycleId: ended.id, teamId: 'growth', title: 'Unfinished' } });
    await documented('POST', `/api/v1/objectives/${old.id}/key-results`, 201, { body: { title: 'Activation', kind: 'stay-within-range', min: 30, max: 50 } });
    const carried = await documented('POST', `/api/v1/objectives/${old.id}/carry-over`, 201, { body: { toCycleId: later.id, reason: 'Stalled on import' } });
    expect(carried).toMatchObject({ cycleId: later.id, carriedOverFrom: { objectiveId: old.id }, keyResults: [{ title: 'Activation' }] });
    expect(await documented('GET', `/api/v1/objectives/${old.id}`, 200)).toMatchObject({ carriedOverTo: { objectiveId: carried.id } });
    expect(await documented('GET', `/api/v1/objectives/${carried.id}`, 200)).toMatchObject({ carriedOverFrom: { objectiveId: old.id } });
  });

  it('imports: the answer of each imported write', async () => {
    const cycle = (await t.call('POST', '/api/v1/cycles', { body: uniqueCycle() })).body;
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const imported = await documented('POST', '/api/v1/imports/goals', 200, {
      body: { items: [{ at, actor: 'carol', request: { method: 'POST', path: '/api/v1/objectives', body: { cycleId: cycle.id, teamId: 'growth', title: 'Imported' } } }] },
    });
    expect(imported.results).toEqual([{ status: 201, body: { id: expect.any(String), revision: 0 } }]);
  });

  it('answers errors as the ProblemDetails the document promises', async () => {
    await documented('GET', '/api/v1/objectives/0190d1a0-0000-7000-8000-000000000000', 404);
    await documented('POST', '/api/v1/cycles', 400, { body: { name: '' } });
    await documented('GET', '/api/v1/teams', 401, { token: null });
  });

  it('sign-in (embedded mode): how people sign in, and a token for the person typed', async () => {
    expect(await documented('GET', '/api/v1/auth/config', 200, { token: null })).toEqual({ mode: 'embedded' });
    const issued = await documented('POST', '/api/v1/auth/embedded-tokens', 201, { token: null, body: { tenant: 'acme', user: 'gina', teams: ['growth'], roles: ['member'] } });
    expect(issued).toEqual({ token: expect.any(String), expiresAt: expect.any(String) });
  });

  it('has called every operation of the document', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.filter((operation) => !called.has(operation))).toEqual([]);
  });
});
