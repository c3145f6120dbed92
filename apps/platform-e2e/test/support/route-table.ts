import { routeTableFrom, type OpenApiPaths, type RouteTable } from '@okr/routing';
import { liveOpenApiDocuments } from './openapi-documents';
import { SERVICE_NAMES, type Platform } from './platform';

/** Where the generated routing table lives, from the workspace root. */
export const ROUTE_TABLE_MODULE = 'libs/routing/src/lib/route-table.generated.ts';

/** The routing table the running services' OpenAPI documents make. */
export async function liveRouteTable(platform: Platform): Promise<RouteTable> {
  const documents = await liveOpenApiDocuments(platform);
  return routeTableFrom(SERVICE_NAMES.map((service) => ({ service, document: documents[service] as OpenApiPaths })));
}
