import { PERMISSION_NAMES, PERMISSIONS, authorize, effectiveRoles, needsResource, type PermissionName, type ResourceFacts } from './permissions';
import type { Principal } from './principal';

const person = (roles: string[], teams: string[] = [], userId = 'pat'): Principal => ({ tenantId: 'acme', userId, roles, teams });

/** An objective of team growth owned by olga. */
const growthObjective: ResourceFacts = { description: 'objective "Grow"', teams: ['growth'], owners: ['olga'] };

/** The callers of the matrix, each with what they hold relative to `growthObjective`. */
const CALLERS = {
  admin: person(['admin']),
  leader: person(['leader'], ['leadership']),
  'leader of the team': person(['leader'], ['growth']),
  'member of the team': person(['member'], ['growth']),
  'member, no role claimed': person([], ['growth']),
  'member of another team': person(['member'], ['sales']),
  owner: person([], ['sales'], 'olga'),
  auditor: person(['auditor']),
  'auditor in the team': person(['auditor'], ['growth'], 'olga'),
  'unknown role only': person(['superuser'], ['sales']),
  'auditor and member': person(['auditor', 'member'], ['growth']),
  operator: person(['operator']),
  'service account of the team': {
    ...person(['integration'], ['growth'], 'integration:amplitude'),
    serviceAccount: { id: 'sa-1', name: 'amplitude', scope: { teams: ['growth'], keyResultIds: [] } },
  },
} as const;
type Caller = keyof typeof CALLERS;

/** Expected: who may use each requirement on `growthObjective`. Every cell of the matrix is listed. */
const ALLOWED: Record<(typeof PERMISSIONS)[PermissionName]['requirement'], readonly Caller[]> = {
  anyone: (Object.keys(CALLERS) as Caller[]).filter((c) => c !== 'service account of the team'),
  writer: ['admin', 'leader', 'leader of the team', 'member of the team', 'member, no role claimed', 'member of another team', 'owner', 'unknown role only', 'auditor and member'],
  'owning-team': ['admin', 'leader of the team', 'member of the team', 'member, no role claimed', 'owner', 'auditor and member'],
  leader: ['admin', 'leader', 'leader of the team'],
  'admin-or-auditor': ['admin', 'auditor', 'auditor in the team', 'auditor and member'],
  admin: ['admin'],
  'service-account': ['service account of the team'],
  operator: ['operator'],
};

describe('authorize', () => {
  const cells = PERMISSION_NAMES.flatMap((permission) =>
    (Object.keys(CALLERS) as Caller[]).map((caller) => [permission, caller, ALLOWED[PERMISSIONS[permission].requirement].includes(caller)] as const),
  );

  it.each(cells)('%s for %s: allowed=%s', (permission, caller, expected) => {
    const decision = authorize(CALLERS[caller], permission, growthObjective);
    expect(decision.allowed).toBe(expected);
    if (!decision.allowed) {
      expect(decision.permission).toBe(permission);
      expect(decision.detail).toContain(permission);
    }
  });

  it('refuses an owning-team permission without the facts of the resource, except to admins', () => {
    expect(authorize(CALLERS['member of the team'], 'objective:write').allowed).toBe(false);
    expect(authorize(CALLERS.admin, 'objective:write').allowed).toBe(true);
  });

  it("names the owning team and the owner in a refusal, never the resource's id", () => {
    const decision = authorize(CALLERS['member of another team'], 'objective:write', growthObjective);
    expect(decision).toEqual({
      allowed: false,
      permission: 'objective:write',
      detail:
        'You may not change an objective and its key results: permission objective:write is granted to members of team growth, the owner of objective "Grow", and admins.',
      requires: { roles: ['admin'], teams: ['growth'], owner: true },
    });
  });

  it('tells an auditor that auditors only read', () => {
    const decision = authorize(CALLERS.auditor, 'self:write');
    expect(decision.allowed).toBe(false);
    expect(!decision.allowed && decision.detail).toContain('auditors only read');
  });

  it('lets the owner-to-be of a resource of their own write it', () => {
    const own: ResourceFacts = { description: 'a learning of your own', teams: [], owners: ['pat'] };
    expect(authorize(person(['member']), 'learning:capture', own).allowed).toBe(true);
    expect(authorize(person(['auditor']), 'learning:capture', own).allowed).toBe(false);
  });
});

describe('needsResource', () => {
  it.each([
    ['a member, an owning-team permission', person(['member']), 'objective:write', true],
    ['a leader, an owning-team permission', person(['leader']), 'check-in:write', true],
    ['an admin (granted outright)', person(['admin']), 'objective:write', false],
    ['an auditor (refused outright)', person(['auditor']), 'objective:write', false],
    ['a member, a role-only permission', person(['member']), 'tenant:admin', false],
  ] as const)('%s', (_, principal, permission, expected) => {
    expect(needsResource(principal, permission)).toBe(expected);
  });
});

describe('effectiveRoles', () => {
  it('keeps the known roles and makes a token without any a member', () => {
    expect([...effectiveRoles({ roles: ['auditor', 'owner'] })]).toEqual(['auditor']);
    expect([...effectiveRoles({ roles: [] })]).toEqual(['member']);
    expect([...effectiveRoles({ roles: ['superuser'] })]).toEqual(['member']);
  });
});
