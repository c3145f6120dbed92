import { GENERATED_EVENT_SCHEMAS } from './event-schemas.generated';
import type { JsonSchema } from './json-schema';
import { schemaFile, schemaId, schemaPath } from './schema-names';

/** One committed event schema: the JSON Schema (2020-12) of an event type's data at one schema version. */
export interface EventSchemaEntry {
  readonly type: string;
  readonly version: number;
  /** `urn:okr:event:<EventType>:v<N>`, the schema's `$id`. */
  readonly id: string;
  /** Where every service serves it: `/api/events/schemas/<EventType>/<N>`. */
  readonly path: string;
  /** The committed file, from the repository root. */
  readonly file: string;
  readonly schema: JsonSchema;
}

/** Every event type and schema version the domain writes or has written, by type then version. */
export const EVENT_SCHEMAS: readonly EventSchemaEntry[] = GENERATED_EVENT_SCHEMAS.map(({ type, version, schema }) => ({
  type,
  version,
  id: schemaId(type, version),
  path: schemaPath(type, version),
  file: schemaFile(type, version),
  schema,
}));

const byKey = new Map(EVENT_SCHEMAS.map((entry) => [`${entry.type}/${entry.version}`, entry]));
const latest = new Map<string, number>();
for (const { type, version } of EVENT_SCHEMAS) latest.set(type, Math.max(version, latest.get(type) ?? 0));

/** The catalogue entry of one (type, version), or undefined when no such schema exists. */
export const eventSchemaEntry = (type: string, version: number): EventSchemaEntry | undefined => byKey.get(`${type}/${version}`);

/** The JSON Schema of one (type, version), or undefined when no such schema exists. */
export const eventSchema = (type: string, version: number): JsonSchema | undefined => eventSchemaEntry(type, version)?.schema;

/** The version written today (the one upcasting lifts older events to), or undefined for a type that has no schema. */
export const latestSchemaVersion = (type: string): number | undefined => latest.get(type);

/** Every event type with a schema, sorted. */
export const EVENT_TYPES_WITH_SCHEMAS: readonly string[] = [...latest.keys()].sort();
