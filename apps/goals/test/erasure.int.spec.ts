import { snapshotsOf, verifyChain } from '@okr/event-store';
import { collect } from '@okr/event-store/testing';
import { ERASED_PERSON } from '@okr/okr-domain';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import { OBJECTIVE_LIST } from '../src/objectives/objective-list.read-model';
import { eventually } from './support/wait';
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

  it('keeps no owner or reason in clear in the list of objectives; after the erasure it reads "erased person", and owner= finds nothing', async () => {
    const dana = await t.token('acme', 'dana', ['member'], ['growth']);
    const cycleId = (await t.call('POST', '/api/v1/cycles', { body: uniqueCycle() })).body.id as string;
    const mine = (await t.call('POST', '/api/v1/objectives', { body: { cycleId, teamId: 'growth', title: 'Dana ships' }, token: dana })).body.id as string;
    const handed = (await t.call('POST', '/api/v1/objectives', { body: { cycleId, teamId: 'growth', title: 'Erin takes over' }, token: dana })).body.id as string;
    await addKeyResult(t, mine);
    const transfer = { newOwnerId: 'erin', reason: 'Dana moves to the platform team' };
    expect((await t.call('POST', `/api/v1/objectives/${handed}/ownership-transfers`, { body: transfer })).status).toBe(201);
    const list = async (query = '') => (await t.call('GET', `/api/v1/objectives?cycleId=${cycleId}${query}`)).body.items as Record<string, unknown>[];
    const before = await eventually(async () => {
      const items = await list();
      const done = items.some((item) => item.id === mine && item.keyResultCount === 1) && items.some((item) => item.id === handed && item.ownerId === 'erin');
      return done ? items : undefined;
    }, 'both objectives in the list');
    expect(before.map(({ id, ownerId }) => ({ id, ownerId }))).toEqual([
      { id: handed, ownerId: 'erin' },
      { id: mine, ownerId: 'dana' },
    ]);
    expect((await list('&ownerId=dana')).map((item) => item.id)).toEqual([mine]);
    expect((await list('&ownerId=erin')).map((item) => item.id)).toEqual([handed]);

    const documents = await (await t.app.get<ReadStore>(READ_STORE).collection({ name: OBJECTIVE_LIST })).find({ _id: { $in: [mine, handed] } });
    expect(documents).toHaveLength(2);
    expect(JSON.stringify(documents)).not.toMatch(/"(dana|erin|alice)"|Dana moves/);
    expect(JSON.stringify(documents)).toContain('Dana ships');

    expect((await t.call('POST', '/api/v1/admin/people/dana/erasure', { body: { reason: 'Left the company' } })).status).toBe(201);
    const after = await list();
    expect(after).toEqual(before.map((item) => (item.id === mine ? { ...item, ownerId: ERASED_PERSON } : item)));
    expect(await list('&ownerId=dana')).toEqual([]);
    expect((await list('&ownerId=erin')).map((item) => item.id)).toEqual([handed]);
  });

  it('keeps no lead in clear in the list of teams; after the erasure the lead reads "erased person"', async () => {
    expect((await t.call('PUT', '/api/v1/teams/erasure-lab', { body: { name: 'Erasure lab', leads: ['fay', 'gus'] } })).status).toBe(200);
    const team = async () =>
      ((await t.call('GET', '/api/v1/teams?limit=200')).body.items as { id: string; leads: string[] }[]).find((item) => item.id === 'erasure-lab');
    expect(await eventually(team, 'the team in the list')).toEqual({ id: 'erasure-lab', name: 'Erasure lab', parentTeamId: null, leads: ['fay', 'gus'] });
    const documents = await (await t.app.get<ReadStore>(READ_STORE).collection({ name: 'goals-teams-v2' })).find({ teamId: 'erasure-lab' });
    expect(documents).toHaveLength(1);
    expect(JSON.stringify(documents)).not.toMatch(/"(fay|gus)"/);

    expect((await t.call('POST', '/api/v1/admin/people/fay/erasure', { body: { reason: 'Left the company' } })).status).toBe(201);
    expect(await team()).toEqual({ id: 'erasure-lab', name: 'Erasure lab', parentTeamId: null, leads: [ERASED_PERSON, 'gus'] });
  });

  it("drops the tenant's aggregate snapshots, which hold folded state in clear", async () => {
    const dee = await t.token('acme', 'dee', ['member'], ['growth']);
    const cycle = await t.call('POST', '/api/v1/cycles', { body: uniqueCycle() });
    const created = await t.call('POST', '/api/v1/objectives', { body: { cycleId: cycle.body.id, teamId: 'growth', title: 'Renewals' }, token: dee });
    const stream = `objective-${created.body.id as string}`;
    const [last] = await collect(t.store.readStream(stream));
    const snapshots = snapshotsOf(t.store);
    expect(snapshots).toBeDefined();
    const kept = { streamId: stream, tenantId: 'acme', shape: 'objective-state-v1', revision: 0, maxOccurredAt: last.metadata.occurredAt, chunkMinOccurredAt: last.metadata.occurredAt, erasureEpoch: 0, importedOnly: false, last, state: { ownerId: 'dee' } };
    await snapshots?.save(kept);
    await snapshots?.save({ ...kept, streamId: 'objective-elsewhere', tenantId: 'globex' });
    expect((await t.call('POST', '/api/v1/admin/people/dee/erasure', { body: { reason: 'Asked to be forgotten' } })).status).toBe(201);
    expect(await snapshots?.nearest(stream, 'objective-state-v1', new Date())).toBeUndefined();
    expect(await snapshots?.nearest('objective-elsewhere', 'objective-state-v1', new Date())).toBeDefined();
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
