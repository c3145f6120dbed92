import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import { ApiProvider } from '../api/ApiContext';
import type { Api } from '../api/client';
import { AuthProvider } from '../auth/AuthContext';
import type { Session } from '../auth/session';

export const TEST_SESSION: Session = {
  token: 'test-token',
  tenant: 'acme',
  user: 'alice',
  teams: ['growth'],
  roles: ['member'],
  expiresAt: '2999-01-01T00:00:00.000Z',
};

/**
 * Renders a page as the app does (API, query cache without retries, auth, router) at `url`, matched by
 * `path` (e.g. '/teams/:teamId'). Returns the router too, to assert where the page navigated.
 */
export function renderPage(
  element: ReactElement,
  { api, path = '/', url = path, session = TEST_SESSION, extraRoutes = [] }: { api: Api; path?: string; url?: string; session?: Session | null; extraRoutes?: RouteObject[] },
) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } } });
  const router = createMemoryRouter([{ path, element }, ...extraRoutes, { path: '*', element: <p>elsewhere</p> }], { initialEntries: [url] });
  const result = render(
    <AuthProvider initial={session}>
      <ApiProvider api={api}>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </ApiProvider>
    </AuthProvider>,
  );
  return { ...result, router, queryClient };
}
