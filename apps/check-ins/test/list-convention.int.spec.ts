import { listConventionViolations, PLATFORM_NOT_LISTS } from '@okr/platform/testing';
import { createCheckInsTestApp, type CheckInsTestApp } from './support/check-ins-test-app';

/** GET routes of check-ins that answer one resource, not a list (every other GET route must be a documented list). */
const NOT_LISTS = [...PLATFORM_NOT_LISTS, 'GET /api/v1/learnings/{id}', 'GET /api/v1/questions/{id}'];

describe('check-ins OpenAPI: every list follows the list convention', () => {
  let t: CheckInsTestApp;
  beforeAll(async () => (t = await createCheckInsTestApp()));
  afterAll(() => t.close(true));

  it('documents limit, cursor and a page of items with nextCursor on every GET list route', async () => {
    const document = (await t.call('GET', '/api/docs-json', { token: null })).body;
    expect(listConventionViolations(document, NOT_LISTS)).toEqual([]);
  });
});
