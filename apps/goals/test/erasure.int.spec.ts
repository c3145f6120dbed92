import { verifyChain } from '@okr/event-store';
import { collect } from '@okr/event-store/testing';
import { ERASED_PERSON } from '@okr/okr-domain';
import { addKeyResult, uniqueCycle } from './support/fixtures';
import { createGoalsTestApp, type GoalsTestApp } from './support/goals-test-app';

describe('goals API: erasing a person', () => {
  let t: GoalsTestApp;
  beforeAll(async () => {
    t = await createGoalsTestApp();
  });
  afterAll(() => t.close(true));

  it('seals the person in what is stored, then makes them unreadable while the goal and its chain stay', async () => {
    const bob = await t.token('acme', 'bob', ['member'], ['growth']);
    const cycle = await t.call('POST', '/api/v1/cycles', { body: uniqueCycle() });
    const created = await t.call('POST', '/api/v1/objectives', { body: { cycleId: cycle.body.id, teamId: 'growth', title: 'Trials convert' }, token: bob });
    expect(created.status).toBe(201);
    const objectiveId = created.body.id as string;
    const keyResultId = await addKeyResult(t, objectiveId, { ownerId: 'bob' });
    const stream = `objective-${objectiveId}`;

    const stored = JSON.stringify(await collect(t.store.readStream(stream, { asStored: true })));
    expect(stored).not.toContain('"bob"');
    expect(stored).toContain('Trials convert');
    expect((await t.call('GET', `/api/v1/objectives/${objectiveId}`)).body).toMatchObject({ ownerId: 'bob', title: 'Trials convert' });

    const erased = await t.call('POST', '/api/v1/admin/people/bob/erasure', { body: { reason: 'Asked to be forgotten' } });
    expect(erased.status).toBe(201);
    expect(erased.body).toEqual({ erasureId: expect.any(String), erasedAt: expect.any(String) });

    const after = await t.call('GET', `/api/v1/objectives/${objectiveId}`);
    expect(after.body).toMatchObject({ ownerId: ERASED_PERSON, title: 'Trials convert', cycleId: cycle.body.id, teamId: 'growth' });
    expect(after.body.keyResults).toEqual([expect.objectContaining({ id: keyResultId, ownerId: ERASED_PERSON, start: 20, target: 40 })]);
    expect(JSON.stringify(after.body)).not.toContain('"bob"');
    expect((await verifyChain(stream, t.store.readStream(stream, { asStored: true }))).intact).toBe(true);

    // The record of the erasure names no one, and its reason reads back for the admin.
    const [record] = await collect(t.store.readStream('erasure-acme'));
    expect(record).toMatchObject({ type: 'PersonalDataErased', data: { reason: 'Asked to be forgotten' }, metadata: { actor: 'alice' } });
    expect(JSON.stringify(await collect(t.store.readStream('erasure-acme', { asStored: true })))).not.toMatch(/bob|Asked to be forgotten/);

    expect((await t.call('POST', '/api/v1/admin/people/bob/erasure', { body: { reason: 'again' } })).status).toBe(404);
  });

  it('refuses a caller who is not an admin, and an erasure without a reason, erasing nothing', async () => {
    const cy = await t.token('acme', 'cy', ['member'], ['growth']);
    const cycle = await t.call('POST', '/api/v1/cycles', { body: uniqueCycle() });
    const created = await t.call('POST', '/api/v1/objectives', { body: { cycleId: cycle.body.id, teamId: 'growth', title: 'Onboarding' }, token: cy });
    const refused = await t.call('POST', '/api/v1/admin/people/cy/erasure', { body: { reason: 'no' }, token: cy });
    expect(refused.status).toBe(403);
    const noReason = await t.call('POST', '/api/v1/admin/people/cy/erasure', { body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    expect((await t.call('GET', `/api/v1/objectives/${created.body.id}`)).body.ownerId).toBe('cy');
  });
});
