import type { IHeaders, Message } from 'kafkajs';
import type { IntegrationEvent } from '../integration-event';

/** Header names of CloudEvents' Kafka protocol binding, binary content mode, plus the platform's own. */
export const CE_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
  contentType: 'content-type',
  tenantId: 'tenant_id',
  correlationId: 'correlation_id',
  causationId: 'causation_id',
  traceparent: 'traceparent',
} as const;

/** The CloudEvents version the headers follow. */
export const CE_SPEC_VERSION = '1.0';

/** First value of a header as text; kafkajs hands headers over as Buffers (or arrays of them). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : value.toString();
}

/**
 * The Kafka record of an integration event: key = aggregate id (one aggregate, one partition, in
 * order), value = the event as JSON, headers = CloudEvents attributes, so routers and downstream
 * tools can filter without parsing the value.
 */
export function toKafkaMessage(event: IntegrationEvent, source: string): Message {
  const headers: IHeaders = {
    [CE_HEADERS.specversion]: CE_SPEC_VERSION,
    [CE_HEADERS.id]: event.id,
    [CE_HEADERS.type]: event.type,
    [CE_HEADERS.source]: source,
    [CE_HEADERS.time]: event.metadata.occurredAt,
    [CE_HEADERS.subject]: event.streamId,
    [CE_HEADERS.contentType]: 'application/json',
  };
  const optional: [string, string | undefined][] = [
    [CE_HEADERS.tenantId, event.metadata.tenantId],
    [CE_HEADERS.correlationId, event.metadata.correlationId],
    [CE_HEADERS.causationId, event.metadata.causationId],
    [CE_HEADERS.traceparent, event.metadata.traceparent],
  ];
  for (const [name, value] of optional) if (value) headers[name] = value;
  return { key: event.key, value: JSON.stringify(event), headers };
}

/** A record that claims to be a CloudEvent but whose value is not an integration event. */
export class MalformedKafkaMessageError extends Error {
  constructor(reason: string) {
    super(`MalformedKafkaMessageError: ${reason}`);
    this.name = 'MalformedKafkaMessageError';
  }
}

/**
 * The integration event in a Kafka record, or `undefined` when the record is no CloudEvent (no
 * `ce_id`): such records are not ours, e.g. the markers the test harness writes to create topics.
 * Throws {@link MalformedKafkaMessageError} when a CloudEvent's value cannot be an integration event.
 */
export function fromKafkaMessage(message: { value: Buffer | string | null; headers?: IHeaders }): IntegrationEvent | undefined {
  const id = headerText(message.headers, CE_HEADERS.id);
  if (id === undefined) return undefined;
  if (message.value === null) throw new MalformedKafkaMessageError(`event ${id} has no value`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.value.toString());
  } catch (error) {
    throw new MalformedKafkaMessageError(`event ${id} is not JSON: ${(error as Error).message}`);
  }
  const event = parsed as Partial<IntegrationEvent> | null;
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
