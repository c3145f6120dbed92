import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiProvider } from '../api/ApiContext';
import { createApi } from '../api/client';
import { ProblemError } from '../api/problem';
import { AuthProvider, useAuth } from '../auth/AuthContext';
import { loadSession } from '../auth/session';
import { routes } from './routes';

/** Retries only what may succeed on a second try (network errors, 5xx), never a refusal. */
function retry(failures: number, error: unknown): boolean {
  if (error instanceof ProblemError && error.status < 500) return false;
  return failures < 2;
}

function WithApi() {
  const { signOut } = useAuth();
  // The token is read at each request from the tab's session, so a new sign-in needs no new client.
  const api = useMemo(() => createApi({ token: () => loadSession()?.token ?? null, onUnauthorized: signOut }), [signOut]);
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry, refetchOnWindowFocus: false } } }));
  const [router] = useState(() => createBrowserRouter(routes));
  return (
    <ApiProvider api={api}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </ApiProvider>
  );
}

export function App() {
  return (
    <AuthProvider>
      <WithApi />
    </AuthProvider>
  );
}
