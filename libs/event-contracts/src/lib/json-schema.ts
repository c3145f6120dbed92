/** A JSON Schema document or subschema, as plain JSON. */
export type JsonSchema = Record<string, unknown>;
