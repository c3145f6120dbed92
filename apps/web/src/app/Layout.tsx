import { NavLink, Outlet } from 'react-router';
import { useAuth, useSession } from '../auth/AuthContext';
import { useTeams } from '../api/directory';
import { OidcSessionKeeper } from '../auth/OidcSessionKeeper';
import { useAuthConfig } from '../auth/useAuthConfig';
import { userManagerFor } from '../auth/user-managers';

/** The frame of every signed-in page: a skip link, the navigation, who is signed in, and the page. */
export function Layout() {
  const session = useSession();
  const { signOut } = useAuth();
  const { oidc } = useAuthConfig();
  const { teamName } = useTeams();
  // Signing out ends the tab's session, and with OpenID Connect the provider's session too.
  const signOutEverywhere = () => {
    signOut();
    if (oidc) void userManagerFor(oidc).signoutRedirect();
  };
  const myTeam = session.teams[0];
  return (
    <div className="app">
      <OidcSessionKeeper />
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">OKRs</span>
        <nav aria-label="Main">
          <ul>
            {myTeam && (
              <li>
                <NavLink to={`/teams/${encodeURIComponent(myTeam)}`}>My team</NavLink>
              </li>
            )}
            <li>
              <NavLink to="/alignment">Alignment</NavLink>
            </li>
            <li>
              <NavLink to="/learnings">Learnings</NavLink>
            </li>
            <li>
              <NavLink to="/at-risk">At risk</NavLink>
            </li>
            <li>
              <NavLink to="/replay">Replay</NavLink>
            </li>
            <li>
              <NavLink to="/notifications">Notifications</NavLink>
            </li>
          </ul>
        </nav>
        <div className="who">
          <span>
            {session.user}
            {myTeam ? ` · ${teamName(myTeam)}` : ''}
          </span>
          <button type="button" onClick={signOutEverywhere}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
