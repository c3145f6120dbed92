import { PERSONAL_DATA_KEY_STORE, type PersonalDataKeyStore } from '@okr/event-store';
import { ERASED_PERSON } from '@okr/okr-domain';
import { issueEmbeddedToken } from '@okr/platform';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import { learningsIndexModel } from '../src/view/own-events.read-models';
import { questionsIndexModel } from '../src/questions/questions.read-model';
import { createCheckInsTestApp, eventually, givenKeyResult, knownGoalsModel, type CheckInsTestApp } from './support/check-ins-test-app';

/**
 * An erasure (goals destroys the person's key in the key store the services share; here the key is
 * destroyed in check-ins' own, which forgets the key at once) reaches check-ins' read models and lists:
 * the person reads "erased person", every number, date and place stays, and no document holds them in
 * clear. What reads a stream's fold (the lists' texts) forgets a fold opened before within
 * OKR_FOLD_CACHE_SECONDS, as on any replica but the one that erased: 1 s here.
 */
describe('check-ins API: an erased person', () => {
  let t: CheckInsTestApp;
  let objectiveId: string;
  let keyResultId: string;
  const token = (user: string, teams: string[]) => issueEmbeddedToken({ dataDir: t.dataDir, tenant: 'acme', user, teams });
  const erase = async (person: string) => {
    const keys = t.app.get<PersonalDataKeyStore>(PERSONAL_DATA_KEY_STORE);
    expect(await keys.destroy((await keys.keyIdOf('acme', person)) as string)).toBe(true);
  };
  const stored = async (name: string) => JSON.stringify(await (await t.app.get<ReadStore>(READ_STORE).collection({ name })).find({}));

  beforeAll(async () => {
    t = await createCheckInsTestApp(undefined, { OKR_FOLD_CACHE_SECONDS: '1', OKR_KEY_CACHE_SECONDS: '1' });
    ({ objectiveId, keyResultId } = await givenKeyResult(t, { ownerId: 'olga' }));
  });
  afterAll(() => t.close(true));

  it('keeps the owner of an objective sealed in its view of goals: an erased owner owns nothing', async () => {
    const olga = await token('olga', ['core']);
    const checkIn = (value: number) => t.call('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body: { value, confidence: 6, effectiveAt: '2026-10-12' }, token: olga });
    expect((await checkIn(25)).status).toBe(201);
    expect(await stored(knownGoalsModel.name)).not.toContain('"olga"');

    await erase('olga');
    expect((await checkIn(26)).status).toBe(403);
    expect((await t.call('GET', `/api/v1/key-results/${keyResultId}/check-ins`)).body.items).toEqual([expect.objectContaining({ value: 25, confidence: 6 })]);
  });

  it('lists an erased author’s learnings with "erased person" for them and their words, the rest unchanged', async () => {
    const lena = await token('lena', ['growth']);
    const body = { objectiveId, keyResultIds: [keyResultId], tried: 'Lena tried a checklist', result: 'validated', insight: 'Lena learned it helps', tags: ['onboarding'] };
    const id = (await t.call('POST', '/api/v1/learnings', { body, token: lena })).body.id as string;
    const list = async () => (await t.call('GET', `/api/v1/objectives/${objectiveId}/learnings`)).body.items as Record<string, unknown>[];
    const before = await eventually(async () => ((await list()).length === 1 ? await list() : undefined), 5000, 'the learning in the list');
    expect(before[0]).toMatchObject({ id, insight: 'Lena learned it helps', result: 'validated' });
    expect(await stored(learningsIndexModel.name)).not.toMatch(/lena/i);

    await erase('lena');
    const after = await eventually(async () => ((await list())[0]?.insight === ERASED_PERSON ? await list() : undefined), 5000, 'the erasure in the list');
    expect(after).toEqual([{ ...before[0], insight: ERASED_PERSON }]);
    expect(JSON.stringify(after)).not.toMatch(/lena/i);
  });

  it('lists an erased asker’s questions with "erased person" for them and their words, the answers of others readable', async () => {
    const [quinn, ana] = await Promise.all([token('quinn', []), token('ana', ['growth'])]);
    const id = (await t.call('POST', `/api/v1/objectives/${objectiveId}/questions`, { body: { text: 'Quinn asks why' }, token: quinn })).body.id as string;
    expect((await t.call('POST', `/api/v1/questions/${id}/answers`, { body: { text: 'Ana answers because' }, token: ana })).status).toBe(201);
    const list = async () => (await t.call('GET', `/api/v1/objectives/${objectiveId}/questions`)).body.items as Record<string, unknown>[];
    const before = await eventually(async () => ((await list())[0]?.status === 'answered' ? await list() : undefined), 5000, 'the answered question in the list');
    expect(before[0]).toMatchObject({ id, askedBy: 'quinn', text: 'Quinn asks why', answers: [expect.objectContaining({ answeredBy: 'ana', text: 'Ana answers because' })] });
    expect(await stored(questionsIndexModel.name)).not.toMatch(/quinn|ana/i);

    await erase('quinn');
    const after = await eventually(async () => ((await list())[0]?.askedBy === ERASED_PERSON ? await list() : undefined), 5000, 'the erasure in the list');
    expect(after).toEqual([{ ...before[0], askedBy: ERASED_PERSON, text: ERASED_PERSON }]);
  });
});
