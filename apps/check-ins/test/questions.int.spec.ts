import { issueEmbeddedToken } from '@okr/platform';
import { countEvents, createCheckInsTestApp, eventually, givenKeyResult, type CheckInsTestApp, viewCaughtUp } from './support/check-ins-test-app';

const UNKNOWN = '0193a3c4-0000-7000-8000-000000000000';

describe('questions API', () => {
  let t: CheckInsTestApp;
  let objectiveId: string;
  let keyResultId: string;
  let ceo: string;
  let ana: string;
  let outsider: string;
  beforeAll(async () => {
    t = await createCheckInsTestApp();
    ({ objectiveId, keyResultId } = await givenKeyResult(t));
    const token = (user: string, teams: string[]) => issueEmbeddedToken({ dataDir: t.dataDir, tenant: 'acme', user, teams });
    [ceo, ana, outsider] = await Promise.all([token('ceo', []), token('ana', ['growth']), token('olga', ['core'])]);
  });
  afterAll(() => t.close(true));

  const listed = async (query = '') => (await t.call('GET', `/api/v1/objectives/${objectiveId}/questions${query}`)).body;

  it('a leader asks, the team answers, and the objective lists both', async () => {
    const asked = await t.call('POST', `/api/v1/key-results/${keyResultId}/questions`, {
      body: { text: 'What would tell you the checklist works before the quarter ends?' },
      token: ceo,
    });
    expect(asked.status).toBe(201);
    expect(asked.headers.location).toBe(`/api/v1/questions/${asked.body.id}`);
    const id = asked.body.id as string;

    const question = await t.call('GET', `/api/v1/questions/${id}`);
    expect(question.body).toMatchObject({ id, subject: 'key-result', subjectId: keyResultId, objectiveId, keyResultId, teamId: 'growth', askedBy: 'ceo', status: 'open', answers: [] });
    expect(question.headers.etag).toBe('"0"');

    const answered = await t.call('POST', `/api/v1/questions/${id}/answers`, {
      body: { text: 'Activation of the first 50 sign-ups after the release' },
      token: ana,
      headers: { 'if-match': '"0"' },
    });
    expect(answered.status).toBe(201);
    expect(answered.body).toEqual({ id, revision: 1, events: ['QuestionAnswered'] });

    const page = await eventually(async () => {
      const body = await listed();
      return body.items?.[0]?.status === 'answered' ? body : undefined;
    });
    expect(page).toEqual({
      items: [
        expect.objectContaining({
          id,
          status: 'answered',
          askedBy: 'ceo',
          answers: [{ text: 'Activation of the first 50 sign-ups after the release', answeredBy: 'ana', answeredAt: expect.any(String) }],
        }),
      ],
      nextCursor: null,
    });
  });

  it('only the owning team (or an admin) answers or sets aside: 403 and nothing written for others', async () => {
    const { body } = await t.call('POST', `/api/v1/objectives/${objectiveId}/questions`, { body: { text: 'Why this objective now?' }, token: ceo });
    const before = await countEvents(t.store);
    const refused = await t.call('POST', `/api/v1/questions/${body.id}/answers`, { body: { text: 'Because' }, token: outsider });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'permission-denied', detail: expect.stringContaining('team growth'), details: { permission: 'question:answer' } });
    expect((await t.call('POST', `/api/v1/questions/${body.id}/set-aside`, { body: {}, token: ceo })).status).toBe(403);
    expect(await countEvents(t.store)).toBe(before);

    const aside = await t.call('POST', `/api/v1/questions/${body.id}/set-aside`, { body: { note: 'Next planning' }, token: ana });
    expect(aside.body.events).toEqual(['QuestionSetAside']);
    const again = await t.call('POST', `/api/v1/questions/${body.id}/set-aside`, { body: {}, token: ana });
    expect(again.body.events).toEqual([]);
  });

  it('asks about a learning, placed on its objective and team', async () => {
    const learning = await t.call('POST', '/api/v1/learnings', {
      body: { objectiveId, keyResultIds: [keyResultId], tried: 'Checklist email', result: 'invalidated', insight: 'Nobody reads it' },
    });
    const asked = await t.call('POST', `/api/v1/learnings/${learning.body.id}/questions`, { body: { text: 'What did customers do instead?' }, token: ceo });
    expect(asked.status).toBe(201);
    const question = await t.call('GET', `/api/v1/questions/${asked.body.id}`);
    expect(question.body).toMatchObject({ subject: 'learning', subjectId: learning.body.id, objectiveId, keyResultId, teamId: 'growth' });
  });

  it('pages with limit and an opaque cursor, and filters by status', async () => {
    await eventually(async () => ((await listed()).items?.length === 3 ? true : undefined));
    const first = await listed('?limit=2');
    expect(first.items).toHaveLength(2);
    expect(typeof first.nextCursor).toBe('string');
    const second = await listed(`?limit=2&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.items, ...second.items].map((q: { id: string }) => q.id);
    expect(new Set(ids).size).toBe(3);
    expect((await listed('?status=open')).items.map((q: { status: string }) => q.status)).toEqual(['open']);
    const bad = await t.call('GET', `/api/v1/objectives/${objectiveId}/questions?cursor=nonsense`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'cursor', message: expect.stringContaining('nextCursor') }]);
    expect((await t.call('GET', `/api/v1/objectives/${objectiveId}/questions?limit=201`)).status).toBe(400);
  });

  it('refuses unknown subjects, other tenants and blank text, writing nothing', async () => {
    // 404, not 503 view-catching-up: what was written a moment ago is applied first.
    await viewCaughtUp(t);
    const before = await countEvents(t.store);
    expect((await t.call('POST', `/api/v1/objectives/${UNKNOWN}/questions`, { body: { text: 'x' } })).status).toBe(404);
    expect((await t.call('POST', `/api/v1/key-results/${UNKNOWN}/questions`, { body: { text: 'x' } })).status).toBe(404);
    expect((await t.call('POST', `/api/v1/learnings/${UNKNOWN}/questions`, { body: { text: 'x' } })).status).toBe(404);
    const globex = await t.token('globex', 'gina');
    expect((await t.call('POST', `/api/v1/objectives/${objectiveId}/questions`, { body: { text: 'x' }, token: globex })).status).toBe(404);
    const blank = await t.call('POST', `/api/v1/objectives/${objectiveId}/questions`, { body: { text: '' } });
    expect(blank.status).toBe(400);
    expect(blank.body.errors).toEqual([expect.objectContaining({ field: 'text' })]);
    expect((await t.call('POST', `/api/v1/questions/${UNKNOWN}/answers`, { body: { text: 'x' } })).status).toBe(404);
    expect(await countEvents(t.store)).toBe(before);
  });
});
