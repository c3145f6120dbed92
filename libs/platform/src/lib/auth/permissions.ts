import { ROLES, type Role } from './claims';
import type { Principal } from './principal';

/**
 * Who may hold a permission:
 * - `anyone`: every role of the tenant, auditors included (reads);
 * - `writer`: every role but a read-only auditor (a person's own follows, preferences, acknowledgements);
 * - `owning-team`: a member of the resource's team, its owner (or author), or an admin;
 * - `leader`: a leader or an admin;
 * - `admin-or-auditor`: tenant-wide operational reads;
 * - `admin`: admins only;
 * - `service-account`: a service account's API key only (its scope is checked by the command);
 * - `operator`: platform operators only, for what acts on every tenant at once.
 *
 * A service account holds none of the people's roles: it may only use `service-account` permissions.
 */
export type Requirement = 'anyone' | 'writer' | 'owning-team' | 'leader' | 'admin-or-auditor' | 'admin' | 'service-account' | 'operator';

export interface PermissionDefinition {
  requirement: Requirement;
  /** What it allows, as a person reads it in a 403 and in docs/PERMISSIONS.md. */
  summary: string;
}

/** Every permission a route may declare (see `@Permission()`). */
export const PERMISSIONS = {
  'tenant:read': { requirement: 'anyone', summary: "read the tenant's OKRs, check-ins, learnings, history, audit and replay" },
  'operations:read': {
    requirement: 'admin-or-auditor',
    summary: "read the tenant's channel settings, service accounts, rebuilds and projection audit",
  },
  'audit:export': { requirement: 'admin-or-auditor', summary: 'export the audit trail with its hashes' },
  'self:write': { requirement: 'writer', summary: "change one's own follows and notification preferences" },
  'learning:acknowledge': { requirement: 'writer', summary: "acknowledge someone's learning" },
  'question:ask': { requirement: 'writer', summary: 'ask a question about an objective, a key result or a learning' },
  'cycle:manage': { requirement: 'leader', summary: "plan and run the tenant's cycles" },
  'objective:create': { requirement: 'owning-team', summary: 'set an objective for a team' },
  'objective:write': { requirement: 'owning-team', summary: 'change an objective and its key results' },
  'objective:transfer-ownership': { requirement: 'owning-team', summary: "transfer an objective's ownership" },
  'check-in:write': { requirement: 'owning-team', summary: "record and correct check-ins of an objective's key results" },
  'learning:capture': { requirement: 'owning-team', summary: 'capture a learning about a team\'s goals' },
  'learning:revise': { requirement: 'owning-team', summary: 'revise a learning' },
  'question:answer': { requirement: 'owning-team', summary: "answer or set aside a question about a team's goals" },
  'tenant:admin': {
    requirement: 'admin',
    summary: 'administer the tenant: teams, service accounts, imports, webhooks, email, rebuilds, scheduled runs',
  },
  'measurement:record': { requirement: 'service-account', summary: 'record measurements from a data source' },
  'platform:operate': {
    requirement: 'operator',
    summary: "rebuild read models and audit projections, which span every tenant's data",
  },
} as const satisfies Record<string, PermissionDefinition>;

export type PermissionName = keyof typeof PERMISSIONS;

export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as PermissionName[];

/**
 * What a service found out about the resource a request acts on (see `ResourceResolver`): the
 * teams that own it and the people who own it (an objective's owner, a learning's author).
 */
export interface ResourceFacts {
  /** What the resource is, for a person: `objective "Grow revenue"`, `learning`. */
  readonly description: string;
  readonly teams: readonly string[];
  readonly owners: readonly string[];
}

export type Decision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly permission: PermissionName;
      /** One sentence for a person: what was refused and who may do it. */
      readonly detail: string;
      /** Who would have been allowed, for clients: roles, and for an owned resource its teams and owners. */
      readonly requires: { readonly roles: readonly Role[]; readonly teams?: readonly string[]; readonly owner?: boolean };
    };

/**
 * The roles a principal holds: the known ones of its token, `member` when it names none. Permissions
 * are the union of the roles' grants (a token that is both `auditor` and `member` may write).
 */
export function effectiveRoles(principal: Pick<Principal, 'roles' | 'serviceAccount'>): ReadonlySet<Role> {
  if (principal.serviceAccount) return new Set();
  const known = principal.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  return new Set(known.length > 0 ? known : ['member']);
}

const WRITING_ROLES: readonly Role[] = ['admin', 'leader', 'member'];

/**
 * Whether deciding `permission` for `principal` needs the facts of the resource: only an
 * `owning-team` permission does, and only for someone whose roles neither grant nor refuse it outright.
 */
export function needsResource(principal: Pick<Principal, 'roles' | 'serviceAccount'>, permission: PermissionName): boolean {
  const roles = effectiveRoles(principal);
  return PERMISSIONS[permission].requirement === 'owning-team' && !roles.has('admin') && WRITING_ROLES.some((r) => roles.has(r));
}

/**
 * The one decision of the platform: may `principal` use `permission`, on a resource with `facts`?
 * Pure: a function of the principal's roles, teams, user id and whether it is a service account, the
 * permission, and the facts. An
 * `owning-team` permission without facts is refused (fail closed).
 */
export function authorize(principal: Principal, permission: PermissionName, facts?: ResourceFacts): Decision {
  const { requirement, summary } = PERMISSIONS[permission];
  const roles = effectiveRoles(principal);
  const has = (...wanted: Role[]) => wanted.some((r) => roles.has(r));
  const refuse = (allowedRoles: Role[], who: string, extra: { teams?: readonly string[]; owner?: boolean } = {}): Decision => ({
    allowed: false,
    permission,
    detail: `You may not ${summary}: permission ${permission} is granted to ${who}.`,
    requires: { roles: allowedRoles, ...extra },
  });
  switch (requirement) {
    case 'anyone':
      return principal.serviceAccount ? refuse(['admin', 'leader', 'member', 'auditor'], 'people, not service accounts') : { allowed: true };
    case 'service-account':
      return principal.serviceAccount ? { allowed: true } : refuse([], 'service accounts (API keys) only');
    case 'writer':
      return has(...WRITING_ROLES) ? { allowed: true } : refuse([...WRITING_ROLES], 'admins, leaders and members (auditors only read)');
    case 'leader':
      return has('admin', 'leader') ? { allowed: true } : refuse(['admin', 'leader'], 'admins and leaders');
    case 'admin-or-auditor':
      return has('admin', 'auditor') ? { allowed: true } : refuse(['admin', 'auditor'], 'admins and auditors');
    case 'admin':
      return has('admin') ? { allowed: true } : refuse(['admin'], 'admins');
    case 'operator':
      return has('operator') ? { allowed: true } : refuse(['operator'], "platform operators (a tenant's admins act on their tenant only)");
    case 'owning-team': {
      if (has('admin')) return { allowed: true };
      if (!has('leader', 'member')) return refuse(['admin'], "admins and the owning team's members (auditors only read)");
      if (!facts) return refuse(['admin'], 'admins, and to the owning team only once the resource is known');
      const inTeam = facts.teams.some((team) => principal.teams.includes(team));
      if (inTeam || facts.owners.includes(principal.userId)) return { allowed: true };
      const teams = [...new Set(facts.teams)];
      const owning = teams.length === 0 ? '' : `members of team${teams.length > 1 ? 's' : ''} ${teams.join(', ')}, `;
      const owner = facts.owners.length > 0;
      return refuse(['admin'], `${owning}${owner ? `the owner of ${facts.description}, ` : ''}and admins`, { teams, owner });
    }
  }
}
