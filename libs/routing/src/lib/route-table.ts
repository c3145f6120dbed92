/** The services behind the one origin, in the order their ports go (goals 3001 ... notifications 3004). */
export const SERVICE_NAMES = ['goals', 'check-ins', 'insights', 'notifications'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Each service's port when nothing else is configured (`npm start`, the Kubernetes Services). */
export const SERVICE_PORTS: Readonly<Record<ServiceName, number>> = { goals: 3001, 'check-ins': 3002, insights: 3003, notifications: 3004 };

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One route of one service: `POST /api/v1/objectives/:id/key-results` -> goals. */
export interface Route {
  readonly method: HttpMethod;
  /** Fastify-style template: `/api/v1/objectives/:id/summary`. */
  readonly path: string;
  readonly service: ServiceName;
  /**
   * Served identically by every service (the same operation in each document, e.g. the event schema
   * catalogue): `service` is then only the one the gateway picks, any other would answer the same.
   */
  readonly shared?: true;
}

/** Every route of every service: what the gateway and the Kubernetes HTTPRoutes send where. */
export interface RouteTable {
  readonly routes: readonly Route[];
}

/** The part of an OpenAPI 3 document the table is made from. */
export interface OpenApiPaths {
  readonly paths?: Readonly<Record<string, object>>;
}

/** Each service's document in the gateway, standing for the service's own `/api/docs-json`. */
export const serviceDocsPath = (service: ServiceName): string => `/api/docs/${service}-json`;

/** The document's path on the service itself. */
export const SERVICE_DOCS_PATH = '/api/docs-json';

/** A table that cannot be made: two services claim one request. */
export class RouteTableError extends Error {
  constructor(readonly conflicts: readonly string[]) {
    super(
      `The services' routes cannot share one origin: ${conflicts.join('; ')}. ` +
        'Give one of each pair a path of its own (e.g. a distinct last segment), then run `npm run gateway:routes` again.',
    );
    this.name = 'RouteTableError';
  }
}

/** `/api/v1/objectives/{id}` (OpenAPI) -> `/api/v1/objectives/:id`. */
export const fromOpenApiPath = (path: string): string => path.replace(/\{([^}/]+)\}/g, ':$1');

const segmentsOf = (path: string): string[] => path.split('/').filter((s) => s !== '');
const isParam = (segment: string): boolean => segment.startsWith(':');

/**
 * Whether one request could match both templates: as many segments, and at each position the same
 * literal or a parameter on either side. A router prefers literals, but a Kubernetes HTTPRoute's
 * regular expressions have no order: such a pair must never name two services.
 */
export function templatesOverlap(a: string, b: string): boolean {
  const left = segmentsOf(a);
  const right = segmentsOf(b);
  return left.length === right.length && left.every((segment, i) => segment === right[i] || isParam(segment) || isParam(right[i] as string));
}

/**
 * The routing table of the services' OpenAPI documents: every documented operation under `/api/`
 * (the documents themselves excepted: the gateway serves them at {@link serviceDocsPath}), sorted by
 * path then method.
 * A route every service documents with the same operation (the event schema catalogue) is shared: one
 * row, marked `shared`, sent to the first service.
 * @throws RouteTableError naming every method and path that two services claim, whether the same
 *   template or two templates one request can match (`/objectives/:id` and `/objectives/summary`).
 */
export function routeTableFrom(documents: readonly { service: ServiceName; document: OpenApiPaths }[]): RouteTable {
  const claims: (Route & { operation: string })[] = [];
  for (const { service, document } of documents) {
    for (const [openApiPath, operations] of Object.entries(document.paths ?? {})) {
      const path = fromOpenApiPath(openApiPath);
      if (!path.startsWith('/api/') || path.startsWith('/api/docs')) continue;
      for (const [key, operation] of Object.entries(operations)) {
        const method = key.toUpperCase() as HttpMethod;
        if (HTTP_METHODS.includes(method)) claims.push({ method, path, service, operation: canonicalJson(operation) });
      }
    }
  }
  const routes = collapseSharedRoutes(claims);
  const conflicts: string[] = [];
  routes.forEach((route, i) => {
    for (const other of routes.slice(i + 1)) {
      if (other.service === route.service || other.method !== route.method || !templatesOverlap(route.path, other.path)) continue;
      conflicts.push(
        route.path === other.path
          ? `${route.method} ${route.path} is a route of both ${route.service} and ${other.service}` +
              (route.shared || other.shared ? '' : ' (a route every service serves with the same operation is shared)')
          : `${route.method} ${route.path} (${route.service}) and ${other.method} ${other.path} (${other.service}) match the same requests`,
      );
    }
  });
  if (conflicts.length > 0) throw new RouteTableError(conflicts);
  routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  return { routes };
}

/**
 * A method and template that every one of the platform's services documents with the same operation is one shared route,
 * sent to the first service that has it; any other claim of one template by two services is kept
 * as is, for the conflict check to name.
 */
function collapseSharedRoutes(claims: readonly (Route & { operation: string })[]): Route[] {
  const byTemplate = new Map<string, (Route & { operation: string })[]>();
  for (const claim of claims) {
    const key = `${claim.method} ${claim.path}`;
    byTemplate.set(key, [...(byTemplate.get(key) ?? []), claim]);
  }
  return [...byTemplate.values()].flatMap((same) => {
    const services = new Set(same.map((c) => c.service));
    const identical = same.every((c) => c.operation === same[0]?.operation);
    const strip = ({ operation: _, ...route }: Route & { operation: string }): Route => route;
    if (SERVICE_NAMES.every((name) => services.has(name)) && same.length === SERVICE_NAMES.length && identical) {
      return [{ ...strip(same[0] as Route & { operation: string }), shared: true as const }];
    }
    return same.map(strip);
  });
}

/** JSON with sorted keys, so that two documents' equal operations compare equal. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The regular expression a template's requests match: `^/api/v1/objectives/[^/]+/summary$`. */
export function pathPattern(path: string): string {
  const body = segmentsOf(path)
    .map((segment) => (isParam(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return `^/${body}$`;
}

/** The source of the committed table module (`npm run gateway:routes` writes it). */
export function routeTableModule(table: RouteTable): string {
  const rows = table.routes.map((r) => `    { method: '${r.method}', path: '${r.path}', service: '${r.service}'${r.shared ? ', shared: true' : ''} },`);
  return [
    '// Generated by `npm run gateway:routes` from the services\' OpenAPI documents: do not edit by hand',
    '// (a test in apps/platform-e2e fails when this differs from what the live documents give).',
    "import type { RouteTable } from './route-table';",
    '',
    '/** Every route of every service, and the service that answers it. */',
    'export const ROUTE_TABLE: RouteTable = {',
    '  routes: [',
    ...rows,
    '  ],',
    '};',
    '',
  ].join('\n');
}
