import { buildOpenApiDocument } from '@okr/platform';
import { routeTableFrom, type RouteTable } from '@okr/routing';
import { SERVICE_NAMES, type Platform } from './platform';

/** Where the generated routing table lives, from the workspace root. */
export const ROUTE_TABLE_MODULE = 'libs/routing/src/lib/route-table.generated.ts';

/** Each running service's OpenAPI document, as it serves it at `/api/docs-json`. */
export function openApiDocuments(platform: Pick<Platform, 'apps'>): { service: (typeof SERVICE_NAMES)[number]; document: ReturnType<typeof buildOpenApiDocument> }[] {
  return SERVICE_NAMES.map((service) => ({ service, document: buildOpenApiDocument(platform.apps[service], { title: service, version: '1' }) }));
}

/** The routing table the running services' OpenAPI documents make. */
export const liveRouteTable = (platform: Pick<Platform, 'apps'>): RouteTable => routeTableFrom(openApiDocuments(platform));
