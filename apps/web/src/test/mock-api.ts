import { createApi, type Api } from '../api/client';

/** What a handler answers: a JSON body and a status (200 by default), or a problem for 4xx/5xx. */
export interface MockAnswer {
  status?: number;
  body?: unknown;
}
export interface MockRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: Headers;
}
export type MockHandler = (request: MockRequest) => MockAnswer | Promise<MockAnswer>;

/**
 * A fake of the four services for component tests: handlers keyed by "METHOD /path/{param}" as in the
 * OpenAPI documents. An unexpected request fails the test with its method and path; `calls` records all.
 */
export function mockApi(handlers: Record<string, MockHandler>): { api: Api; calls: MockRequest[] } {
  const routes = Object.entries(handlers).map(([key, handler]) => {
    const [method, template] = key.split(' ') as [string, string];
    const names: string[] = [];
    const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
    return { method, pattern, names, handler };
  });
  const calls: MockRequest[] = [];
  const fetch = async (input: RequestInfo | URL): Promise<Response> => {
    const request = input as Request;
    const url = new URL(request.url);
    const text = request.method === 'GET' ? '' : await request.text();
    for (const route of routes) {
      const match = route.method === request.method ? route.pattern.exec(url.pathname) : null;
      if (!match) continue;
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1] ?? '')]));
      const call = { method: request.method, path: url.pathname, params, query: url.searchParams, body: text ? JSON.parse(text) : undefined, headers: request.headers };
      calls.push(call);
      const answer = await route.handler(call);
      const status = answer.status ?? 200;
      if (status === 204) return new Response(null, { status });
      const type = status >= 400 ? 'application/problem+json' : 'application/json';
      return new Response(JSON.stringify(answer.body ?? {}), { status, headers: { 'content-type': type } });
    }
    throw new Error(`unexpected request in a component test: ${request.method} ${url.pathname}${url.search}`);
  };
  return { api: createApi({ token: () => 'test-token', fetch: fetch as typeof globalThis.fetch, baseUrl: 'http://localhost' }), calls };
}

/** A problem+json answer. */
export function problem(status: number, title: string, detail: string, errors?: { field: string; message: string }[]): MockAnswer {
  return { status, body: { type: 'urn:okr:problem:test', title, status, detail, instance: '/', correlationId: 'c', ...(errors ? { errors } : {}) } };
}

/** One page of a list, as every list route answers. */
export function page<T>(items: T[], nextCursor: string | null = null): MockAnswer {
  return { body: { items, nextCursor } };
}
