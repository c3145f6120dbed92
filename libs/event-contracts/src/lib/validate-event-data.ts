import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { eventSchemaEntry } from './event-schemas';

/** One reason an event's data does not match its schema. */
export interface EventDataError {
  /** JSON pointer into the data (`/measure/kind`; `` for the data itself). */
  path: string;
  message: string;
}

export type EventDataValidation = { valid: true } | { valid: false; errors: EventDataError[] };

/** The vendor keywords the schemas carry: annotations, never assertions. */
const ANNOTATIONS = ['x-event-type', 'x-schema-version', 'x-personal-data'];

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
ajv.addKeyword({ keyword: ANNOTATIONS[0] as string }).addKeyword({ keyword: ANNOTATIONS[1] as string }).addKeyword({ keyword: ANNOTATIONS[2] as string });

const compiled = new Map<string, ValidateFunction>();

/**
 * Checks an event's data against the committed schema of its (type, version) with ajv (JSON Schema
 * 2020-12). An unknown type or version is invalid: nothing is written or published without a contract.
 */
export function validateEventData(type: string, version: number, data: unknown): EventDataValidation {
  const entry = eventSchemaEntry(type, version);
  if (!entry) return { valid: false, errors: [{ path: '', message: `no schema for event type ${type} version ${version}` }] };
  let validate = compiled.get(entry.id);
  if (!validate) {
    validate = ajv.getSchema(entry.id) ?? ajv.compile(entry.schema);
    compiled.set(entry.id, validate);
  }
  if (validate(data)) return { valid: true };
  return { valid: false, errors: (validate.errors ?? []).map(toError) };
}

function toError(error: ErrorObject): EventDataError {
  const extra = error.keyword === 'additionalProperties' ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})` : '';
  return { path: error.instancePath, message: `${error.message ?? error.keyword}${extra}` };
}
