import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { requiresAuthentication } from './jwt-auth.guard';
import { PERMISSION, type PermissionDeclaration } from './permission.decorator';
import { PERMISSIONS, authorize, type PermissionName, type ResourceFacts } from './permissions';
import { IS_PUBLIC, type Principal } from './principal';

/** A route of a running app as its controllers declare it, with its permission (if any). */
export interface RoutePermission {
  method: string;
  /** Fastify-style path, e.g. `/api/v1/objectives/:id/rewordings`. */
  path: string;
  permission?: PermissionName;
  /** Name of the resolver of the resource, for owning-team permissions. */
  resolver?: string;
}

const join = (...parts: string[]): string =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p !== '')
    .join('/')}`;

/**
 * Every authenticated route (under `/api/`, not `@Public()`) of an initialised Nest app, read from
 * its controllers' metadata, sorted by path then method: what the permission table and the route
 * walker enumerate, so that a new route cannot be left out of either.
 */
export function routePermissions(app: INestApplication): RoutePermission[] {
  return apiRoutes(app)
    .filter((r) => !r.isPublic)
    .map(({ isPublic: _, ...route }) => route);
}

/**
 * The routes under `/api/` that need no token (`@Public()`: signing in, the sign-in settings), sorted
 * by path then method: listed apart in the permission table, so that an open route is never unseen.
 */
export function publicRoutes(app: INestApplication): { method: string; path: string }[] {
  return apiRoutes(app)
    .filter((r) => r.isPublic)
    .map(({ method, path }) => ({ method, path }));
}

function apiRoutes(app: INestApplication): (RoutePermission & { isPublic: boolean })[] {
  const routes: (RoutePermission & { isPublic: boolean })[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!controller?.prototype) continue;
      const base = (Reflect.getMetadata(PATH_METADATA, controller) as string | undefined) ?? '';
      const classPublic = Reflect.getMetadata(IS_PUBLIC, controller) === true;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const subPaths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (subPaths === undefined || method === undefined) continue;
        const isPublic = classPublic || Reflect.getMetadata(IS_PUBLIC, handler) === true;
        const declaration = Reflect.getMetadata(PERMISSION, handler) as PermissionDeclaration | undefined;
        for (const sub of Array.isArray(subPaths) ? subPaths : [subPaths]) {
          const path = join(base, sub);
          if (!requiresAuthentication(path)) continue;
          routes.push({
            method: RequestMethod[method],
            path,
            isPublic,
            ...(declaration ? { permission: declaration.permission } : {}),
            ...(declaration?.resolver ? { resolver: declaration.resolver.name } : {}),
          });
        }
      }
    }
  }
  const unique = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  return [...unique.values()].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** The columns of the permission table: who calls, relative to a resource owned by team `owning`. */
export const TABLE_CALLERS: readonly { column: string; principal: Principal }[] = [
  { column: 'admin', principal: { tenantId: 't', userId: 'ada', roles: ['admin'], teams: [] } },
  { column: 'leader', principal: { tenantId: 't', userId: 'lee', roles: ['leader'], teams: ['leadership'] } },
  { column: 'member of the owning team', principal: { tenantId: 't', userId: 'mo', roles: ['member'], teams: ['owning'] } },
  { column: 'member of another team', principal: { tenantId: 't', userId: 'max', roles: ['member'], teams: ['other'] } },
  { column: 'auditor', principal: { tenantId: 't', userId: 'aud', roles: ['auditor'], teams: [] } },
];

/** The resource every owning-team cell is about: owned by team `owning` and by someone else. */
export const TABLE_RESOURCE: ResourceFacts = { description: 'the resource', teams: ['owning'], owners: ['olga'] };

/**
 * `docs/PERMISSIONS.md`: one row per route of each service, one column per caller, each cell what
 * `authorize()` decides. Generated (`npm run docs:permissions`); a test fails when the file differs.
 */
export function permissionsTable(
  services: readonly { service: string; routes: readonly RoutePermission[]; publicRoutes?: readonly { method: string; path: string }[] }[],
): string {
  const header = ['Service', 'Route', 'Permission', ...TABLE_CALLERS.map((c) => c.column)];
  const rows = services.flatMap(({ service, routes }) =>
    routes.map((route) => {
      const permission = route.permission;
      const cells = TABLE_CALLERS.map(({ principal }) =>
        permission === undefined ? 'refused' : authorize(principal, permission, TABLE_RESOURCE).allowed ? 'yes' : 'no',
      );
      return [service, `\`${route.method} ${route.path}\``, permission === undefined ? '**none: refused**' : `\`${permission}\``, ...cells];
    }),
  );
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const legend = (Object.keys(PERMISSIONS) as PermissionName[]).map(
    (name) => `| \`${name}\` | ${PERMISSIONS[name].requirement} | ${PERMISSIONS[name].summary} |`,
  );
  return [
    '# Permissions',
    '',
    'Generated from the routes\' `@Permission()` declarations by `npm run docs:permissions`; do not edit by hand',
    '(a test fails when this file differs from what the script generates). Each cell is what the one',
    'decision, `authorize()` in libs/platform, answers for that caller on a resource owned by a team',
    '("the owning team") and by a person who is none of these callers. The route walker in',
    'apps/platform-e2e calls every route as each of these callers and checks the cell.',
    '',
    '## Permissions and who holds them',
    '',
    '| Permission | Who | Allows |',
    '| --- | --- | --- |',
    ...legend,
    '',
    'Who: `anyone` = every role of the tenant; `writer` = admins, leaders and members (not auditors);',
    "`owning-team` = a member of the resource's team, its owner (an objective's owner, a learning's author), or",
    'an admin; `leader` = leaders and admins; `admin-or-auditor`; `admin`; `service-account` = API keys of',
    "service accounts only (their scope is checked by the command). A token's roles come from",
    '`OKR_ROLES_CLAIM`; a token with no known role is a member; a token with several roles holds the union.',
    '',
    '## Routes',
    '',
    line(header),
    line(header.map(() => '---')),
    ...rows.map(line),
    '',
    '## Routes open to anyone (`@Public()`: no token)',
    '',
    'As the services run on the embedded defaults (a route of one auth mode only is registered in that mode).',
    '',
    line(['Service', 'Route']),
    line(['---', '---']),
    ...services.flatMap(({ service, publicRoutes: open = [] }) => open.map((r) => line([service, `\`${r.method} ${r.path}\``]))),
    '',
  ].join('\n');
}
