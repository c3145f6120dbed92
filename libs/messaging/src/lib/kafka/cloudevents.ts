import { schemaId } from '@okr/event-contracts';
import type { EventMetadata } from '@okr/okr-domain';
import type { IHeaders, Message } from 'kafkajs';
import type { IntegrationEvent } from '../integration-event';

/** The CloudEvents version the records follow. */
export const CE_SPEC_VERSION = '1.0';

/** The `content-type` of every record: the value is the event's data as JSON. */
export const CE_DATA_CONTENT_TYPE = 'application/json';

/**
 * Kafka headers of the CloudEvents Kafka protocol binding in binary content mode: each attribute is
 * `ce_<attribute>`, except `datacontenttype`, which is the record's `content-type` header.
 */
export const CE_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  subject: 'ce_subject',
  time: 'ce_time',
  dataschema: 'ce_dataschema',
  contentType: 'content-type',
  // Extension attributes (names: lower-case letters and digits only, as the spec requires).
  tenantid: 'ce_tenantid',
  actor: 'ce_actor',
  correlationid: 'ce_correlationid',
  causationid: 'ce_causationid',
  importedat: 'ce_importedat',
  streamrevision: 'ce_streamrevision',
  logposition: 'ce_logposition',
  schemaversion: 'ce_schemaversion',
  // The distributed tracing extension: the trace context in which the event was created.
  traceparent: 'ce_traceparent',
} as const;

/**
 * The W3C Trace Context header that Kafka instrumentations (e.g. OpenTelemetry's) read. It carries
 * the same context as the `traceparent` extension, so a consumer that only knows transport-level
 * propagation continues the same trace.
 */
export const TRACEPARENT_HEADER = 'traceparent';

/**
 * Every metadata field and its extension header. Typed over `EventMetadata`, so a new metadata field
 * fails to compile here until it is given a header, and no field is silently lost on Kafka.
 */
const METADATA_HEADERS = {
  tenantId: CE_HEADERS.tenantid,
  actor: CE_HEADERS.actor,
  correlationId: CE_HEADERS.correlationid,
  causationId: CE_HEADERS.causationid,
  occurredAt: CE_HEADERS.time,
  importedAt: CE_HEADERS.importedat,
  traceparent: CE_HEADERS.traceparent,
} as const satisfies { readonly [K in keyof Required<EventMetadata>]: string };

const REQUIRED_METADATA = ['tenantId', 'actor', 'correlationId', 'causationId', 'occurredAt'] as const satisfies readonly (keyof EventMetadata)[];

/** First value of a header as text; kafkajs hands headers over as Buffers (or arrays of them). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : value.toString();
}

/**
 * The Kafka record of an integration event, per the CloudEvents Kafka protocol binding in binary
 * content mode: key = aggregate id (one aggregate, one partition, in order), value = the event's data
 * as JSON, every other attribute a `ce_` header. `source` is the publishing context (`okr/goals`).
 */
export function toKafkaMessage(event: IntegrationEvent, source: string): Message {
  const headers: IHeaders = {
    [CE_HEADERS.specversion]: CE_SPEC_VERSION,
    [CE_HEADERS.id]: event.id,
    [CE_HEADERS.source]: source,
    [CE_HEADERS.type]: event.type,
    [CE_HEADERS.subject]: event.streamId,
    // The schema's `$id` (`urn:okr:event:<type>:v<N>`): CloudEvents wants an absolute URI, and a
    // service's schema route is relative to wherever it is deployed.
    [CE_HEADERS.dataschema]: schemaId(event.type, event.schemaVersion),
    [CE_HEADERS.contentType]: CE_DATA_CONTENT_TYPE,
    [CE_HEADERS.streamrevision]: String(event.revision),
    [CE_HEADERS.logposition]: String(event.position),
    [CE_HEADERS.schemaversion]: String(event.schemaVersion),
  };
  for (const [field, header] of Object.entries(METADATA_HEADERS)) {
    const value = event.metadata[field as keyof EventMetadata];
    if (value !== undefined && value !== '') headers[header] = value;
  }
  if (event.metadata.traceparent) headers[TRACEPARENT_HEADER] = event.metadata.traceparent;
  return { key: event.key, value: JSON.stringify(event.data ?? null), headers };
}

/** A record that claims to be a CloudEvent (it has `ce_id`) but is not one of ours. */
export class MalformedKafkaMessageError extends Error {
  constructor(reason: string) {
    super(`MalformedKafkaMessageError: ${reason}`);
    this.name = 'MalformedKafkaMessageError';
  }
}

/** A Kafka record as kafkajs hands it to consumers (or as a test builds it). */
export interface KafkaRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
}

const wholeNumber = (id: string, header: string, text: string | undefined): number => {
  const value = Number(text);
  if (text === undefined || text === '' || !Number.isSafeInteger(value) || value < 0) {
    throw new MalformedKafkaMessageError(`event ${id}: header ${header} must be a whole number, got ${text ?? 'nothing'}`);
  }
  return value;
};

const parseJson = (id: string, value: Buffer | string): unknown => {
  try {
    return JSON.parse(value.toString());
  } catch (error) {
    throw new MalformedKafkaMessageError(`event ${id}: the value is not JSON: ${(error as Error).message}`);
  }
};

/**
 * The integration event of a Kafka record, rebuilt from its CloudEvents headers and its value (the
 * data), or `undefined` when the record is no CloudEvent (no `ce_id`): such records are not ours,
 * e.g. the markers the test harness writes to create topics. Records written before the binary
 * mode (the whole event as the value) are read too: topics keep every record forever.
 * Throws {@link MalformedKafkaMessageError} when a CloudEvent lacks what an integration event needs.
 */
export function fromKafkaMessage(message: KafkaRecord): IntegrationEvent | undefined {
  const header = (name: string) => headerText(message.headers, name);
  const id = header(CE_HEADERS.id);
  if (id === undefined) return undefined;
  if (message.value === null) throw new MalformedKafkaMessageError(`event ${id} has no value`);
  if (header(CE_HEADERS.logposition) === undefined && header(LEGACY_TENANT_HEADER) !== undefined) return fromLegacyRecord(id, message.value);

  const specversion = header(CE_HEADERS.specversion);
  if (specversion !== CE_SPEC_VERSION) throw new MalformedKafkaMessageError(`event ${id}: specversion ${specversion ?? 'missing'}, expected ${CE_SPEC_VERSION}`);
  const type = header(CE_HEADERS.type);
  const streamId = header(CE_HEADERS.subject);
  if (!type || !streamId) throw new MalformedKafkaMessageError(`event ${id}: ce_type and ce_subject are required`);
  const metadata: Record<string, string> = {};
  for (const [field, name] of Object.entries(METADATA_HEADERS)) {
    const value = header(name);
    if (value !== undefined) metadata[field] = value;
  }
  const missing = REQUIRED_METADATA.filter((field) => metadata[field] === undefined).map((field) => METADATA_HEADERS[field]);
  if (missing.length > 0) throw new MalformedKafkaMessageError(`event ${id}: missing header(s) ${missing.join(', ')}`);
  const key = message.key?.toString();
  return {
    id,
    type,
    schemaVersion: wholeNumber(id, CE_HEADERS.schemaversion, header(CE_HEADERS.schemaversion)),
    streamId,
    key: key === undefined || key === '' ? aggregateIdOf(streamId) : key,
    revision: wholeNumber(id, CE_HEADERS.streamrevision, header(CE_HEADERS.streamrevision)),
    position: wholeNumber(id, CE_HEADERS.logposition, header(CE_HEADERS.logposition)),
    data: parseJson(id, message.value),
    metadata: metadata as unknown as EventMetadata,
  };
}

/** `objective-<id>` -> `<id>`: the key, for a record produced without one. */
const aggregateIdOf = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(dash + 1);
};

/** The tenant header of records written before the binary mode, whose value was the whole event. */
const LEGACY_TENANT_HEADER = 'tenant_id';

function fromLegacyRecord(id: string, value: Buffer | string): IntegrationEvent {
  const event = parseJson(id, value) as Partial<IntegrationEvent> | null;
  if (
    typeof event !== 'object' ||
    event === null ||
    event.id !== id ||
    typeof event.type !== 'string' ||
    typeof event.streamId !== 'string' ||
    typeof event.position !== 'number' ||
    typeof event.metadata !== 'object'
  ) {
    throw new MalformedKafkaMessageError(`event ${id}: the value is not an integration event with the same id`);
  }
  return event as IntegrationEvent;
}
