import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { countEvents } from '@okr/event-store/testing';
import { TABLE_CALLERS, authorize, routePermissions, type Principal, type RoutePermission } from '@okr/platform';
import { eventually } from '@okr/platform/testing';
import { PERMISSIONS_DOC, permissionsDoc } from './support/permissions-doc';
import { SERVICE_NAMES, startPlatform, type Platform, type ServiceName } from './support/platform';

/**
 * Walks every route of every service, as each caller of the permission table, on a seeded tenant
 * whose resources all belong to team growth: a cell that says "no" must answer 403 and append
 * nothing; a cell that says "yes" must get past the guard (any answer but 401/403/5xx).
 */
describe('permissions: every route of every service, for every role', () => {
  let platform: Platform;
  let store: EventStore;
  const seeded: Record<string, string> = {};
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    platform = await startPlatform();
    store = platform.apps.goals.get<EventStore>(EVENT_STORE);
    const admin = await platform.token({ roles: ['admin'], user: 'ada' });
    const call = (service: ServiceName, method: string, url: string, body?: unknown) =>
      platform.call(service, method, url, admin, body === undefined ? {} : { body });
    const cycle = await call('goals', 'POST', '/api/v1/cycles', { name: 'Walk', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 });
    seeded['cycle'] = cycle.body.id;
    const objective = await call('goals', 'POST', '/api/v1/objectives', { cycleId: seeded['cycle'], teamId: 'growth', title: 'Growth', ownerId: 'olga' });
    seeded['objective'] = objective.body.id;
    await call('goals', 'POST', '/api/v1/objectives', { cycleId: seeded['cycle'], teamId: 'sales', title: 'Sales' });
    const kr = await call('goals', 'POST', `/api/v1/objectives/${seeded['objective']}/key-results`, { title: 'Activation', kind: 'increase', start: 0, target: 10 });
    seeded['keyResult'] = kr.body.id;
    const checkIn = await eventually(async () => {
      const r = await call('check-ins', 'POST', `/api/v1/key-results/${seeded['keyResult']}/check-ins`, { value: 1, confidence: 7, effectiveAt: '2026-10-05' });
      return r.status === 201 && r;
    }, 10_000, 'the key result known to check-ins');
    seeded['checkIn'] = checkIn.body.id;
    const learning = await call('check-ins', 'POST', '/api/v1/learnings', { objectiveId: seeded['objective'], tried: 'A', result: 'validated', insight: 'B' });
    seeded['learning'] = learning.body.id;
    const question = await call('check-ins', 'POST', `/api/v1/objectives/${seeded['objective']}/questions`, { text: 'Why?' });
    seeded['question'] = question.body.id;
    await eventually(
      async () => (await call('notifications', 'POST', '/api/v1/follows', { kind: 'objective', targetId: seeded['objective'] })).status === 201,
      10_000,
      'the objective known to notifications',
    );
    for (const { column, principal } of TABLE_CALLERS) {
      // The table's "owning" team is growth here, its "other" team sales.
      const teams = principal.teams.map((t) => (t === 'owning' ? 'growth' : t === 'other' ? 'sales' : t));
      tokens.set(column, await platform.token({ user: principal.userId, roles: [...principal.roles], teams }));
    }
  }, 60_000);
  afterAll(() => platform?.close());

  it('has a permission on every route, and docs/PERMISSIONS.md is what `npm run docs:permissions` generates', async () => {
    const undeclared = SERVICE_NAMES.flatMap((service) => routePermissions(platform.apps[service]).filter((r) => !r.permission).map((r) => `${service} ${r.method} ${r.path}`));
    expect(undeclared).toEqual([]);
    const committed = await readFile(join(__dirname, '../../..', PERMISSIONS_DOC), 'utf8');
    expect(committed).toBe(permissionsDoc(platform));
  });

  /** A concrete URL for a route: its parameters filled with the seeded resources of team growth. */
  const urlOf = (route: RoutePermission): string =>
    route.path.replace(/:(\w+)/g, (_, name: string) => {
      const on = (prefix: string) => route.path.startsWith(`/api/v1/${prefix}/`);
      if (name === 'krId') return seeded['keyResult'] as string;
      if (name === 'kind') return 'objective';
      if (name === 'targetId') return seeded['objective'] as string;
      if (name === 'streamId') return `objective-${seeded['objective']}`;
      if (name === 'teamId' || (name === 'id' && on('teams'))) return 'growth';
      if (name !== 'id') return randomUUID();
      if (on('objectives')) return seeded['objective'] as string;
      if (on('cycles')) return seeded['cycle'] as string;
      if (on('check-ins')) return seeded['checkIn'] as string;
      if (on('learnings')) return seeded['learning'] as string;
      if (on('questions')) return seeded['question'] as string;
      return randomUUID();
    });

  /** One body for every write: what the resolvers read (team, objective) plus a title, valid or not for the rest. */
  const bodyOf = () => ({ teamId: 'growth', objectiveId: seeded['objective'], cycleId: seeded['cycle'], title: 'Walked', kind: 'objective', targetId: seeded['objective'] });

  const routes = () => SERVICE_NAMES.flatMap((service) => routePermissions(platform.apps[service]).map((route) => ({ service, route })));

  it('answers each cell of the table on every route: 403 problem+json and no event for "no", past the guard for "yes"', async () => {
    const mismatches: string[] = [];
    let calls = 0;
    for (const { service, route } of routes()) {
      for (const { column, principal } of TABLE_CALLERS) {
        const facts = { description: 'the resource', teams: ['owning'], owners: ['olga'] };
        const expected = route.permission !== undefined && authorize(principal as Principal, route.permission, facts).allowed;
        const before = expected ? 0 : await countEvents(store);
        const write = route.method !== 'GET';
        const res = await platform.call(service, route.method, urlOf(route), tokens.get(column) as string, write && route.method !== 'DELETE' ? { body: bodyOf() } : {});
        calls += 1;
        const where = `${service} ${route.method} ${route.path} as ${column}: ${res.status} ${res.body?.code ?? ''}`;
        if (expected) {
          if (res.status === 401 || res.status === 403 || res.status >= 500) mismatches.push(`${where} (expected past the guard)`);
        } else {
          if (res.status !== 403 || !String(res.headers['content-type']).includes('application/problem+json')) mismatches.push(`${where} (expected 403)`);
          else if ((await countEvents(store)) !== before) mismatches.push(`${where} (a refusal appended events)`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(calls).toBe(routes().length * TABLE_CALLERS.length);
  }, 300_000);
});
