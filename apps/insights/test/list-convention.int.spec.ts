import { createServiceTestApp, listConventionViolations, PLATFORM_NOT_LISTS, type ServiceTestApp } from '@okr/platform/testing';
import { InsightsModule } from '../src/app.module';

/** GET routes of insights that answer one resource, a report or a file, not a list (every other GET route must be a documented list). */
const NOT_LISTS = [
  ...PLATFORM_NOT_LISTS,
  'GET /api/v1/objectives/{id}/summary',
  'GET /api/v1/key-results/{krId}/series',
  'GET /api/v1/key-results/{krId}/risk',
  'GET /api/v1/teams/{teamId}/dashboard',
  'GET /api/v1/frames',
  'GET /api/v1/alignment-tree',
  'GET /api/v1/audit/exports',
  'GET /api/v1/audit/{streamId}/verify',
  'GET /api/v1/admin/rebuilds/{id}',
  'GET /api/v1/platform/rebuilds/{id}',
  'GET /api/v1/admin/projection-audit',
];

describe('insights OpenAPI: every list follows the list convention', () => {
  let t: ServiceTestApp;
  beforeAll(async () => {
    t = await createServiceTestApp('insights', (config, logs) => InsightsModule.forRoot(config, logs), { openApi: { title: 'insights', version: '1' } });
  });
  afterAll(() => t.close(true));

  it('documents limit, cursor and a page of items with nextCursor on every GET list route', async () => {
    const document = (await t.call('GET', '/api/docs-json', { token: null })).body;
    expect(listConventionViolations(document, NOT_LISTS)).toEqual([]);
    const learnings = document.paths['/api/v1/learnings'].get;
    expect(learnings.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['teamId', 'cycleId', 'result', 'tag', 'limit', 'cursor']));
  });
});
