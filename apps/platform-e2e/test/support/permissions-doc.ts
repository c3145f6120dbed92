import { permissionsTable, publicRoutes, routePermissions } from '@okr/platform';
import { SERVICE_NAMES, type Platform } from './platform';

/** Where the generated permission table lives, from the workspace root. */
export const PERMISSIONS_DOC = 'docs/PERMISSIONS.md';

/** docs/PERMISSIONS.md as the running services' route declarations make it. */
export function permissionsDoc(platform: Pick<Platform, 'apps'>): string {
  return permissionsTable(
    SERVICE_NAMES.map((service) => ({ service, routes: routePermissions(platform.apps[service]), publicRoutes: publicRoutes(platform.apps[service]) })),
  );
}
