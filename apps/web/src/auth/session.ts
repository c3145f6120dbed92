/** Who is signed in, as the web app keeps it for the browser tab (sessionStorage: gone when the tab closes). */
export interface Session {
  token: string;
  tenant: string;
  user: string;
  teams: string[];
  roles: string[];
  /** ISO instant after which the token is refused. */
  expiresAt: string;
}

const KEY = 'okr.session';

export function loadSession(storage: Storage = sessionStorage, now = Date.now()): Session | null {
  try {
    const raw = storage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    if (typeof session.token !== 'string' || Date.parse(session.expiresAt) <= now) {
      storage.removeItem(KEY);
      return null;
    }
    return session;
  } catch {
    storage.removeItem(KEY);
    return null;
  }
}

export function saveSession(session: Session | null, storage: Storage = sessionStorage): void {
  if (session) storage.setItem(KEY, JSON.stringify(session));
  else storage.removeItem(KEY);
}

/** Roles that may change a team's goals (auditors read only). */
export function canWrite(session: Session | null): boolean {
  return !!session && !(session.roles.length > 0 && session.roles.every((r) => r === 'auditor'));
}
