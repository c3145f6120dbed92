import { join } from 'node:path';
import { createGenerator, type Definition } from 'ts-json-schema-generator';
import type { JsonSchema } from '../lib/json-schema';
import { JSON_SCHEMA_DIALECT, schemaFile, schemaId } from '../lib/schema-names';
import { declaredEventVersions, type DeclaredEventVersion } from './domain-event-types';
import { olderPersonalDataPaths, type UpcastSteps } from './older-personal-data';
import { markPersonalData, type PersonalDataFields } from './personal-data';

/** One generated schema: its (type, version), its committed file and its content. */
export interface GeneratedEventSchema {
  type: string;
  version: number;
  file: string;
  schema: JsonSchema;
}

/**
 * The JSON Schema (2020-12) of every event type and version the domain declares, generated from the
 * TypeScript types by ts-json-schema-generator: the schema describes an event's `data` (what a
 * CloudEvent carries as its data), closed (`additionalProperties: false`) so that a writer that
 * stores a field the type does not declare fails the validation tests.
 */
export function generateEventSchemas(root: string, personalData: PersonalDataFields = {}, upcasters: Readonly<Record<string, UpcastSteps>> = {}): GeneratedEventSchema[] {
  const generator = createGenerator({
    path: join(root, 'libs/okr-domain/src/index.ts'),
    tsconfig: join(root, 'libs/okr-domain/tsconfig.json'),
    jsDoc: 'extended',
    additionalProperties: false,
    // The domain is type-checked on its own (tsc, land.sh); checking it again here only costs time.
    skipTypeCheck: true,
    expose: 'export',
    topRef: true,
    sortProps: true,
  });
  const declaredVersions = declaredEventVersions(root);
  const latest = new Map(declaredVersions.map(({ type, version }) => [type, version]));
  return declaredVersions.map((declared) => {
    // JSONSchema7's type has no index signature; the document is plain JSON all the same.
    const schema = eventDataSchema(declared, generator.createSchema(declared.alias) as unknown as JsonSchema);
    const paths = personalData[declared.type] ?? [];
    const isLatest = latest.get(declared.type) === declared.version;
    // The catalogue names today's fields; an older version's come through its upcasters.
    const older = isLatest ? [] : olderPersonalDataPaths(schema, declared.version, upcasters[declared.type] ?? [], paths);
    markPersonalData(schema, [...paths, ...older], isLatest);
    return { type: declared.type, version: declared.version, file: schemaFile(declared.type, declared.version), schema };
  });
}

/** Pretty JSON with a final newline: the committed form, so that the drift test compares bytes. */
export const schemaText = (schema: JsonSchema): string => `${JSON.stringify(schema, null, 2)}\n`;

function eventDataSchema(declared: DeclaredEventVersion, generated: JsonSchema): JsonSchema {
  const definitions = (generated['definitions'] ?? {}) as Record<string, Definition>;
  const event = resolve(definitions, { $ref: generated['$ref'] });
  const data = (event['properties'] as Record<string, JsonSchema> | undefined)?.['data'];
  if (!data) throw new Error(`${declared.file}: ${declared.alias} has no data`);
  const body = resolve(definitions, data);
  const defs: Record<string, JsonSchema> = {};
  collectDefinitions(body, definitions, defs);
  const { description, ...shape } = body;
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: schemaId(declared.type, declared.version),
    title: `${declared.type} v${declared.version}`,
    ...(declared.description || description ? { description: declared.description ?? description } : {}),
    'x-event-type': declared.type,
    'x-schema-version': declared.version,
    ...(rewriteRefs(shape) as JsonSchema),
    ...(Object.keys(defs).length ? { $defs: sortKeys(rewriteRefs(defs) as Record<string, JsonSchema>) } : {}),
  };
}

const DEFINITIONS_REF = '#/definitions/';

const definitionName = (ref: string): string => decodeURIComponent(ref.slice(DEFINITIONS_REF.length));

/** Follows `$ref`s at the top of a schema (an alias of an alias) to the schema itself; the aliases' descriptions come from the TSDoc read by the discovery. */
function resolve(definitions: Record<string, Definition>, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; typeof current['$ref'] === 'string'; hops++) {
    if (hops > 20) throw new Error(`reference cycle at ${String(current['$ref'])}`);
    const target = definitions[definitionName(current['$ref'] as string)];
    if (!target) throw new Error(`unresolved reference ${String(current['$ref'])}`);
    current = target as JsonSchema;
  }
  return current;
}

/** Copies every definition the schema refers to, transitively, into `into`. */
function collectDefinitions(node: unknown, definitions: Record<string, Definition>, into: Record<string, JsonSchema>): void {
  if (Array.isArray(node)) return node.forEach((item) => collectDefinitions(item, definitions, into));
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith(DEFINITIONS_REF)) {
      const name = definitionName(value);
      if (into[name]) continue;
      const target = definitions[name];
      if (!target) throw new Error(`unresolved reference ${value}`);
      into[name] = target as JsonSchema;
      collectDefinitions(target, definitions, into);
    } else {
      collectDefinitions(value, definitions, into);
    }
  }
}

/** draft-07's `#/definitions/X` becomes 2020-12's `#/$defs/X`. */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) =>
      key === '$ref' && typeof value === 'string' && value.startsWith(DEFINITIONS_REF)
        ? [key, `#/$defs/${encodeURIComponent(definitionName(value))}`]
        : [key, rewriteRefs(value)],
    ),
  );
}

const sortKeys = <T>(record: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
