import type { JWTPayload } from 'jose';
import type { PlatformConfig } from '../config/platform-config';
import { UnauthenticatedProblem } from '../errors/problems';

/**
 * The roles the platform knows; a token's other role names are ignored. `operator` is not a tenant
 * role: it runs what spans every tenant (read-model rebuilds, the projection audit) and nothing else.
 */
export const ROLES = ['admin', 'leader', 'member', 'auditor', 'operator'] as const;
export type Role = (typeof ROLES)[number];

/** Where the claims of a principal are read, from the platform configuration. */
export type ClaimSettings = Pick<PlatformConfig, 'OKR_TENANT_CLAIM' | 'OKR_ROLES_CLAIM' | 'OKR_TEAMS_CLAIM' | 'OKR_GROUP_TEAM_MAP'>;

/**
 * A claim by its exact name, or else by a dotted path into nested claims (`realm_access.roles`, as
 * Keycloak sends roles). The exact name wins: claim names may contain dots (`https://acme.io/teams`).
 */
export function readClaim(payload: JWTPayload, name: string): unknown {
  if (name in payload) return payload[name];
  if (!name.includes('.')) return undefined;
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A list-of-strings claim (absent = empty); anything else is a 401 naming the claim. */
export function stringListClaim(payload: JWTPayload, name: string): string[] {
  const value = readClaim(payload, name);
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return [...value];
  throw new UnauthenticatedProblem(`The bearer token's ${name} claim must be a list of strings.`, true);
}

/**
 * The teams of a token: the values of the teams claim, each turned into its teams by the group map
 * when one is configured (unmapped groups then make no team). In order, without duplicates.
 */
export function teamsFromGroups(groups: readonly string[], map: ClaimSettings['OKR_GROUP_TEAM_MAP']): string[] {
  const teams = map
    ? groups.flatMap((group) => {
        const mapped = Object.prototype.hasOwnProperty.call(map, group) ? map[group] : undefined;
        return mapped === undefined ? [] : typeof mapped === 'string' ? [mapped] : [...mapped];
      })
    : groups;
  return [...new Set(teams.map((t) => t.trim()).filter((t) => t !== ''))];
}
