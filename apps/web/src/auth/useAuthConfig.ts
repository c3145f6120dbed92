import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/ApiContext';
import { fetchAuthConfig, oidcSettingsOf } from './auth-config';
import type { OidcSettings } from './oidc';

/** How this server signs people in, read once per tab (it changes only with the server's configuration). */
export function useAuthConfig() {
  const api = useApi();
  const query = useQuery({ queryKey: ['auth-config'], queryFn: () => fetchAuthConfig(api), staleTime: Infinity, gcTime: Infinity });
  const oidc: OidcSettings | null = query.data ? oidcSettingsOf(query.data) : null;
  return { ...query, oidc };
}
