import type { UserManager } from 'oidc-client-ts';
import { createUserManager, type OidcSettings } from './oidc';

const managers = new Map<string, UserManager>();

/** One UserManager per issuer and client for the tab: its renewal timers and events must not be doubled. */
export function userManagerFor(settings: OidcSettings): UserManager {
  const key = `${settings.issuer}\n${settings.clientId}`;
  let manager = managers.get(key);
  if (!manager) {
    manager = createUserManager(settings);
    managers.set(key, manager);
  }
  return manager;
}
