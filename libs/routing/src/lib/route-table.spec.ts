import { pathPattern, routeTableFrom, routeTableModule, RouteTableError, templatesOverlap } from './route-table';

const doc = (paths: Record<string, string[]>) => ({
  paths: Object.fromEntries(Object.entries(paths).map(([path, methods]) => [path, Object.fromEntries(methods.map((m) => [m, {}]))])),
});

describe('routing table', () => {
  it("is every documented /api operation of every service, sorted, without the services' own documents", () => {
    const table = routeTableFrom([
      { service: 'goals', document: doc({ '/api/v1/objectives/{id}': ['get', 'patch'], '/health/live': ['get'], '/api/docs-json': ['get'] }) },
      { service: 'insights', document: doc({ '/api/v1/objectives/{id}/summary': ['get'], '/api/v1/learnings': ['get'] }) },
      { service: 'check-ins', document: doc({ '/api/v1/learnings': ['post'], '/api/v1/objectives/{id}/learnings': ['get', 'parameters'] }) },
    ]);
    expect(table.routes).toEqual([
      { method: 'GET', path: '/api/v1/learnings', service: 'insights' },
      { method: 'POST', path: '/api/v1/learnings', service: 'check-ins' },
      { method: 'GET', path: '/api/v1/objectives/:id', service: 'goals' },
      { method: 'PATCH', path: '/api/v1/objectives/:id', service: 'goals' },
      { method: 'GET', path: '/api/v1/objectives/:id/learnings', service: 'check-ins' },
      { method: 'GET', path: '/api/v1/objectives/:id/summary', service: 'insights' },
    ]);
  });

  it('fails, naming both services, when two services have the same route', () => {
    const make = () =>
      routeTableFrom([
        { service: 'goals', document: doc({ '/api/v1/imports': ['post'] }) },
        { service: 'check-ins', document: doc({ '/api/v1/imports': ['post'] }) },
      ]);
    expect(make).toThrow(RouteTableError);
    expect(make).toThrow('POST /api/v1/imports is a route of both goals and check-ins');
  });

  it('fails when a literal path of one service is also a parameter value of another (no order among regular expressions)', () => {
    expect(() =>
      routeTableFrom([
        { service: 'goals', document: doc({ '/api/v1/objectives/{id}': ['get'] }) },
        { service: 'insights', document: doc({ '/api/v1/objectives/at-risk': ['get', 'post'] }) },
      ]),
    ).toThrow('GET /api/v1/objectives/:id (goals) and GET /api/v1/objectives/at-risk (insights) match the same requests');
  });

  it('lets one service overlap itself, and two services share a path with different methods', () => {
    expect(() =>
      routeTableFrom([
        { service: 'insights', document: doc({ '/api/v1/audit/{streamId}': ['get'], '/api/v1/audit/exports': ['get'] }) },
        { service: 'check-ins', document: doc({ '/api/v1/audit/exports': ['post'] }) },
      ]),
    ).not.toThrow();
  });

  it('makes a route every service documents with the same operation one shared row, sent to the first service', () => {
    const schemas = { '/api/events/schemas/{type}/{version}': { get: { summary: 'One schema', responses: { 200: {} } } } };
    const table = routeTableFrom([
      { service: 'insights', document: { paths: { ...schemas, '/api/v1/at-risk': { get: {} } } } },
      { service: 'goals', document: { paths: schemas } },
      { service: 'check-ins', document: { paths: schemas } },
      { service: 'notifications', document: { paths: schemas } },
    ]);
    expect(table.routes).toEqual([
      { method: 'GET', path: '/api/events/schemas/:type/:version', service: 'insights', shared: true },
      { method: 'GET', path: '/api/v1/at-risk', service: 'insights' },
    ]);
    expect(routeTableModule(table)).toContain("{ method: 'GET', path: '/api/events/schemas/:type/:version', service: 'insights', shared: true },");
  });

  it('fails when a route is served by some services only, or differently by one of them', () => {
    const one = (summary: string) => ({ '/api/events/schemas': { get: { summary } } });
    expect(() =>
      routeTableFrom([
        { service: 'goals', document: { paths: one('list') } },
        { service: 'check-ins', document: { paths: one('list') } },
        { service: 'insights', document: { paths: one('list') } },
      ]),
    ).toThrow('GET /api/events/schemas is a route of both goals and check-ins');
    expect(() =>
      routeTableFrom([
        { service: 'goals', document: { paths: one('list') } },
        { service: 'check-ins', document: { paths: one('list') } },
        { service: 'insights', document: { paths: one('list') } },
        { service: 'notifications', document: { paths: one('another list') } },
      ]),
    ).toThrow(RouteTableError);
  });

  it('tells overlapping templates apart from distinct ones', () => {
    expect(templatesOverlap('/a/:id/b', '/a/x/:other')).toBe(true);
    expect(templatesOverlap('/a/:id', '/a/:id/b')).toBe(false);
    expect(templatesOverlap('/a/x', '/a/y')).toBe(false);
  });

  it('turns a template into the regular expression of its requests', () => {
    expect(pathPattern('/api/v1/objectives/:id/key-results/:krId')).toBe('^/api/v1/objectives/[^/]+/key-results/[^/]+$');
    expect(pathPattern('/api/v1/a.b')).toBe('^/api/v1/a\\.b$');
    expect(new RegExp(pathPattern('/api/v1/objectives/:id')).test('/api/v1/objectives/42/summary')).toBe(false);
  });
});
