import { countEvents, createGoalsTestApp, type GoalsTestApp } from './support/goals-test-app';
import { eventually, isoDay } from './support/wait';

describe('goals API: teams registry', () => {
  let t: GoalsTestApp;
  beforeAll(async () => {
    t = await createGoalsTestApp();
  });
  afterAll(() => t.close(true));

  it('registers a team with PUT, records only changes, and is idempotent for an identity-provider sync', async () => {
    const product = await t.call('PUT', '/api/v1/teams/product', { body: { name: 'Product' } });
    expect(product.status).toBe(200);
    expect(product.body).toEqual({ id: 'product', revision: 0, changes: ['TeamRegistered'] });
    const body = { name: 'Growth', parentTeamId: 'product', leads: ['gina'] };
    expect((await t.call('PUT', '/api/v1/teams/growth', { body })).body.changes).toEqual(['TeamRegistered']);
    const again = await t.call('PUT', '/api/v1/teams/growth', { body });
    expect(again.body).toEqual({ id: 'growth', revision: 0, changes: [] });
    const changed = await t.call('PUT', '/api/v1/teams/growth', { body: { name: 'Growth & Activation', parentTeamId: null, leads: ['gina', 'hugo'] } });
    expect(changed.body.changes).toEqual(['TeamRenamed', 'TeamMoved', 'TeamLeadsChanged']);
    const before = await countEvents(t.store);
    expect((await t.call('PUT', '/api/v1/teams/growth', { body: { name: 'Growth & Activation', leads: ['gina', 'hugo'] } })).body.changes).toEqual([]);
    expect(await countEvents(t.store)).toBe(before);

    const read = await t.call('GET', '/api/v1/teams/growth');
    expect(read.body).toEqual({ id: 'growth', name: 'Growth & Activation', parentTeamId: null, leads: ['gina', 'hugo'] });
    expect(read.headers.etag).toBe('"3"');
    const list = await eventually(async () => {
      const r = await t.call('GET', '/api/v1/teams?limit=1');
      return r.body.items[0]?.name === 'Growth & Activation' ? r : undefined;
    }, 'the renamed team in the list');
    expect(list.body.items).toEqual([{ id: 'growth', name: 'Growth & Activation', parentTeamId: null, leads: ['gina', 'hugo'] }]);
    const next = await t.call('GET', `/api/v1/teams?limit=1&cursor=${list.body.nextCursor}`);
    expect(next.body).toEqual({ items: [{ id: 'product', name: 'Product', parentTeamId: null, leads: [] }], nextCursor: null });
    expect((await t.call('GET', '/api/v1/teams', { token: await t.token('globex', 'gus') })).body.items).toEqual([]);
  });

  it('refuses a loop in the organisation chart, a bad id, a non-admin and an unknown team', async () => {
    await t.call('PUT', '/api/v1/teams/tribe', { body: { name: 'Tribe' } });
    await t.call('PUT', '/api/v1/teams/squad', { body: { name: 'Squad', parentTeamId: 'tribe' } });
    const loop = await t.call('PUT', '/api/v1/teams/tribe', { body: { name: 'Tribe', parentTeamId: 'squad' } });
    expect(loop.status).toBe(422);
    expect(loop.body).toMatchObject({ code: 'team-parent-loop', detail: 'Team "Tribe" cannot be placed under "Squad": "Squad" is within "Tribe".' });
    const bad = await t.call('PUT', '/api/v1/teams/Not%20a%20slug', { body: { name: 'X' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
    const member = await t.call('PUT', '/api/v1/teams/other', { body: { name: 'Other' }, token: await t.token('acme', 'mia', ['member']) });
    expect(member.status).toBe(403);
    expect((await t.call('GET', '/api/v1/teams/nobody')).status).toBe(404);
  });
});

describe('goals API: carrying objectives over', () => {
  let t: GoalsTestApp;
  let q3: string;
  let q4: string;
  let objectiveId: string;
  let activation: string;
  beforeAll(async () => {
    t = await createGoalsTestApp();
    const plan = async (name: string, startsOn: string, endsOn: string) =>
      (await t.call('POST', '/api/v1/cycles', { body: { name, startsOn, endsOn, checkInCadenceDays: 7 } })).body.id as string;
    q3 = await plan('Q3', isoDay(-100), isoDay(-5));
    q4 = await plan('Q4', isoDay(-4), isoDay(85));
    objectiveId = (await t.call('POST', '/api/v1/objectives', { body: { cycleId: q3, teamId: 'growth', title: 'New customers succeed' } })).body.id;
    const kr = (body: object) => t.call('POST', `/api/v1/objectives/${objectiveId}/key-results`, { body });
    activation = (await kr({ title: 'Week-1 activation', kind: 'increase', start: 20, target: 40, unit: '%' })).body.id;
    const launched = (await kr({ title: 'Guided onboarding launched', kind: 'milestone' })).body.id;
    await kr({ title: 'Guided import launched', kind: 'milestone' });
    await t.call('POST', `/api/v1/objectives/${objectiveId}/activation`);
    // Check-ins are written by the check-ins service; here their events go straight into its streams.
    const checkIn = (keyResultId: string, value: number | boolean) =>
      t.store.append(
        `checkins-${keyResultId}`,
        [
          {
            id: crypto.randomUUID(),
            type: 'CheckInRecorded',
            data: { checkInId: crypto.randomUUID(), keyResultId, objectiveId, value, confidence: 5, effectiveAt: isoDay(-6), recordedAt: new Date().toISOString() },
            metadata: { tenantId: 'acme', actor: 'gina', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() },
          },
        ],
        'no_stream',
      );
    await checkIn(activation, 33);
    await checkIn(launched, true);
  });
  afterAll(() => t.close(true));

  it('carries an unfinished objective into the next cycle with its key results and a reason, linked both ways', async () => {
    const reason = 'Activation stalled on the import step; we keep going in Q4.';
    const carried = await t.call('POST', `/api/v1/objectives/${objectiveId}/carry-over`, { body: { toCycleId: q4, reason } });
    expect(carried.status).toBe(201);
    expect(carried.headers.location).toBe(`/api/v1/objectives/${carried.body.id}`);
    const next = (await t.call('GET', `/api/v1/objectives/${carried.body.id}`)).body;
    expect(next).toMatchObject({
      cycleId: q4,
      teamId: 'growth',
      title: 'New customers succeed',
      status: 'active',
      carriedOverFrom: { objectiveId, cycleId: q3, reason },
    });
    // The activation key result starts where it got (33 %); the milestone already done stays behind.
    expect(next.keyResults.map((kr: Record<string, unknown>) => [kr.title, kr.kind, kr.start, kr.target])).toEqual([
      ['Week-1 activation', 'increase', 33, 40],
      ['Guided import launched', 'milestone', undefined, undefined],
    ]);
    expect(next.keyResults[0].id).not.toBe(activation);
    expect(carried.body.keyResults).toEqual([
      { id: next.keyResults[0].id, fromKeyResultId: activation, title: 'Week-1 activation' },
      { id: next.keyResults[1].id, fromKeyResultId: expect.any(String), title: 'Guided import launched' },
    ]);

    const old = (await t.call('GET', `/api/v1/objectives/${objectiveId}`)).body;
    expect(old).toMatchObject({ cycleId: q3, status: 'active', carriedOverTo: { objectiveId: carried.body.id, cycleId: q4, reason } });
    const history = (await t.call('GET', `/api/v1/objectives/${objectiveId}/history?limit=200`)).body.items;
    expect(history.at(-1)).toMatchObject({ type: 'ObjectiveCarriedOver' });

    const again = await t.call('POST', `/api/v1/objectives/${objectiveId}/carry-over`, { body: { toCycleId: q4, reason } });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('objective-carried-over');
    const reworded = await t.call('POST', `/api/v1/objectives/${objectiveId}/rewordings`, { body: { title: 'Too late' } });
    expect(reworded.body.code).toBe('objective-carried-over');
  });

  it('carries over only from a cycle that is over, to a later one that is not, with a reason', async () => {
    const inQ4 = (await t.call('POST', '/api/v1/objectives', { body: { cycleId: q4, teamId: 'growth', title: 'Still running' } })).body.id;
    const early = await t.call('POST', `/api/v1/objectives/${inQ4}/carry-over`, { body: { toCycleId: q3, reason: 'why not' } });
    expect(early.status).toBe(422);
    expect(early.body.code).toBe('cycle-not-ended');
    const other = (await t.call('POST', '/api/v1/objectives', { body: { cycleId: q3, teamId: 'platform', title: 'Quiet platform' } })).body.id;
    const backwards = await t.call('POST', `/api/v1/objectives/${other}/carry-over`, { body: { toCycleId: q3, reason: 'again' } });
    expect(backwards.body.code).toBe('carry-over-to-cycle-over');
    const noReason = await t.call('POST', `/api/v1/objectives/${other}/carry-over`, { body: { toCycleId: q4 } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'reason' })]));
  });
});
