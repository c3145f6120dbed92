/**
 * The `dataschema` attribute of an event: the `$id` of its JSON Schema (`urn:okr:event:<type>:v<N>`,
 * the schema files of `libs/event-contracts/schemas`). CloudEvents requires an absolute URI here, and
 * a service's own path (`/api/events/schemas/<type>/<N>`) is relative to wherever it is deployed, so
 * the schema's location-independent id names it; the AsyncAPI document maps each message to that file.
 */
export const dataSchemaOf = (type: string, schemaVersion: number): string => `urn:okr:event:${type}:v${schemaVersion}`;
