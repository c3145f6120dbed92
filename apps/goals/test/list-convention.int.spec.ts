import { listConventionViolations, PLATFORM_NOT_LISTS } from '@okr/platform/testing';
import { createGoalsTestApp, type GoalsTestApp } from './support/goals-test-app';

/** GET routes of goals that answer one resource, not a list (every other GET route must be a documented list). */
const NOT_LISTS = [...PLATFORM_NOT_LISTS, 'GET /api/v1/objectives/{id}', 'GET /api/v1/cycles/{id}', 'GET /api/v1/teams/{id}', 'GET /api/v1/auth/config'];

describe('goals OpenAPI: every list follows the list convention', () => {
  let t: GoalsTestApp;
  beforeAll(async () => (t = await createGoalsTestApp()));
  afterAll(() => t.close(true));

  it('documents limit, cursor and a page of items with nextCursor on every GET list route', async () => {
    const document = (await t.call('GET', '/api/docs-json', { token: null })).body;
    expect(listConventionViolations(document, NOT_LISTS)).toEqual([]);
    expect(document.paths['/api/v1/objectives'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['cycleId', 'teamId', 'ownerId', 'status', 'q', 'limit', 'cursor']),
    );
  });
});
