/** The dialect of every event schema. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** Where the committed schemas live, from the repository root. */
export const EVENT_SCHEMAS_DIR = 'libs/event-contracts/schemas';

/** The route every service serves the catalogue under (`GET /api/events/schemas`). */
export const EVENT_SCHEMAS_ROUTE = '/api/events/schemas';

/** A schema's `$id`: `urn:okr:event:<EventType>:v<N>`, stable wherever the file is served from. */
export const schemaId = (type: string, version: number): string => `urn:okr:event:${type}:v${version}`;

/** The path of a schema on every service (and the gateway): `/api/events/schemas/<EventType>/<N>`. */
export const schemaPath = (type: string, version: number): string => `${EVENT_SCHEMAS_ROUTE}/${type}/${version}`;

/** The committed file of a schema, from the repository root: `libs/event-contracts/schemas/<EventType>/v<N>.schema.json`. */
export const schemaFile = (type: string, version: number): string => `${EVENT_SCHEMAS_DIR}/${type}/v${version}.schema.json`;
