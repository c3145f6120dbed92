import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths as CheckInsPaths } from './schema/check-ins';
import type { paths as GoalsPaths } from './schema/goals';
import type { paths as InsightsPaths } from './schema/insights';
import type { paths as NotificationsPaths } from './schema/notifications';
import { ProblemError, type Problem } from './problem';

/**
 * The typed API of the four services, all reached on this page's origin (the gateway routes each path to
 * its service). Types are generated from the services' OpenAPI documents by `npm run api:generate`.
 */
export interface Api {
  goals: Client<GoalsPaths>;
  checkIns: Client<CheckInsPaths>;
  insights: Client<InsightsPaths>;
  notifications: Client<NotificationsPaths>;
}

export interface ApiOptions {
  /** The bearer token of the signed-in person, or null. */
  token: () => string | null;
  /** Called when a service answers 401 (the token expired or was revoked). */
  onUnauthorized?: () => void;
  /** For tests: the fetch to use (defaults to the browser's). */
  fetch?: typeof fetch;
  baseUrl?: string;
}

export function createApi(options: ApiOptions): Api {
  const baseUrl = options.baseUrl ?? globalThis.location?.origin ?? 'http://localhost';
  const auth: Middleware = {
    onRequest({ request }) {
      const token = options.token();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) options.onUnauthorized?.();
      return response;
    },
  };
  // Bound late so that tests (and the browser) can replace fetch after the client is created.
  const fetchImpl = (input: Request) => (options.fetch ?? globalThis.fetch)(input);
  const client = <P extends object>() => {
    const c = createClient<P>({ baseUrl, fetch: fetchImpl });
    c.use(auth);
    return c;
  };
  return { goals: client<GoalsPaths>(), checkIns: client<CheckInsPaths>(), insights: client<InsightsPaths>(), notifications: client<NotificationsPaths>() };
}

/** The body of a successful answer, or a {@link ProblemError} with the service's problem. */
export async function data<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data: body, error, response } = await call;
  if (!response.ok) throw new ProblemError(response.status, (error ?? {}) as Problem);
  return body as T;
}
