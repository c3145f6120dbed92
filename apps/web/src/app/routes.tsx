import { Navigate, useLocation, type RouteObject } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { CALLBACK_PATH } from '../auth/oidc';
import { AuthCallbackPage } from '../pages/AuthCallbackPage';
import { SignInPage } from '../pages/SignInPage';
import { Layout } from './Layout';

/** Signed-in pages: without a session, go to the sign-in page and come back here afterwards. */
function RequireSession() {
  const { session } = useAuth();
  const location = useLocation();
  if (!session) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <Layout />;
}

/** `/`: the signed-in person's team, or the alignment map for someone in no team. */
function Home() {
  const { session } = useAuth();
  const team = session?.teams[0];
  return <Navigate to={team ? `/teams/${encodeURIComponent(team)}` : '/alignment'} replace />;
}

/** Every page has a URL (filters and the replay instant are search params); pages load on first visit. */
export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage /> },
  { path: CALLBACK_PATH, element: <AuthCallbackPage /> },
  {
    element: <RequireSession />,
    children: [
      { index: true, element: <Home /> },
      { path: 'teams/:teamId', lazy: async () => ({ Component: (await import('../pages/team/TeamPage')).TeamPage }) },
      { path: 'objectives/:objectiveId', lazy: async () => ({ Component: (await import('../pages/objective/ObjectivePage')).ObjectivePage }) },
      { path: 'alignment', lazy: async () => ({ Component: (await import('../pages/alignment/AlignmentPage')).AlignmentPage }) },
      { path: 'learnings', lazy: async () => ({ Component: (await import('../pages/learnings/LearningsPage')).LearningsPage }) },
      { path: 'at-risk', lazy: async () => ({ Component: (await import('../pages/at-risk/AtRiskPage')).AtRiskPage }) },
      { path: 'replay', lazy: async () => ({ Component: (await import('../pages/replay/ReplayPage')).ReplayPage }) },
      { path: 'audit/:kind/:id', lazy: async () => ({ Component: (await import('../pages/audit/AuditPage')).AuditPage }) },
      { path: 'notifications', lazy: async () => ({ Component: (await import('../pages/notifications/NotificationsPage')).NotificationsPage }) },
      { path: '*', lazy: async () => ({ Component: (await import('../pages/NotFoundPage')).NotFoundPage }) },
    ],
  },
];
