import { describe, expect, it } from 'vitest';
import { mockApi, page, problem } from '../test/mock-api';
import { data } from './client';
import { ProblemError } from './problem';

describe('the typed API client', () => {
  it('sends the bearer token and answers the body', async () => {
    const { api, calls } = mockApi({ 'GET /api/v1/teams': () => page([{ id: 'growth', name: 'Growth', parentTeamId: null, leads: [] }]) });
    const teams = await data(api.goals.GET('/api/v1/teams', { params: { query: { limit: 10 } } }));
    expect(teams.items[0]?.name).toBe('Growth');
    expect(calls[0]?.headers.get('authorization')).toBe('Bearer test-token');
    expect(calls[0]?.query.get('limit')).toBe('10');
  });
  it('turns a problem+json answer into a ProblemError with its sentences', async () => {
    const { api } = mockApi({ 'GET /api/v1/cycles/{id}': () => problem(404, 'Not found', 'No cycle 2026-Q9 in this tenant') });
    const error = await data(api.goals.GET('/api/v1/cycles/{id}', { params: { path: { id: 'x' } } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).status).toBe(404);
    expect((error as ProblemError).message).toBe('Not found. No cycle 2026-Q9 in this tenant.');
  });
});
