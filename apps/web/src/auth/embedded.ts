import type { Api } from '../api/client';
import type { Session } from './session';

export interface EmbeddedSignIn {
  tenant: string;
  user: string;
  teams: string[];
  roles: string[];
}

/**
 * Obtains a token from the embedded issuer (only in embedded auth mode). The endpoint lands with the
 * gateway; until then the page says sign-in is unavailable.
 */
export async function signInEmbedded(_api: Api, _form: EmbeddedSignIn): Promise<Session> {
  throw new Error('Signing in is not available on this server yet.');
}
