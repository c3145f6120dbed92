import { EVENT_SCHEMAS, eventSchema, latestSchemaVersion, schemaFile, schemaId, schemaPath } from '@okr/event-contracts';
import { CE_DATA_CONTENT_TYPE, CE_HEADERS, CE_SPEC_VERSION, TRACEPARENT_HEADER } from '../kafka/cloudevents';
import { DLQ_HEADERS } from '../kafka/dead-letter';
import { deadLetterTopic, TOPICS } from '../topics';
import { TOPIC_EVENT_TYPES } from './topic-event-types';

type Json = Record<string, unknown>;

/** How the document gives each payload's JSON Schema, and where a reader finds the schema of a version. */
export interface SchemaPlacement {
  /** The payload's `schema`: a `$ref` to a file or to a schema of `components.schemas`. */
  schema(type: string, version: number): Json;
  location(type: string, version: number): string;
  /** Schemas to add to `components.schemas`, for the (type, version)s used. */
  components?(used: readonly { type: string; version: number }[]): Json;
}

/** The committed document, from the repository root. */
export const ASYNCAPI_FILE = 'docs/asyncapi.yaml';

/** docs/asyncapi.yaml: references to the committed schema files (relative to docs/). */
export const COMMITTED_SCHEMAS: SchemaPlacement = {
  location: (type, version) => `../${schemaFile(type, version)}`,
  schema: (type, version) => ({ $ref: `../${schemaFile(type, version)}` }),
};

const componentName = (type: string, version: number): string => `${type}V${version}`;

/**
 * The served document: the schemas carried in `components.schemas`, so it stands alone wherever it is
 * fetched from. A schema's own references (`#/$defs/X`) are rewritten to its place in the document.
 */
export const SERVED_SCHEMAS: SchemaPlacement = {
  location: schemaPath,
  schema: (type, version) => ({ $ref: `#/components/schemas/${componentName(type, version)}` }),
  components: (used) =>
    Object.fromEntries(
      used.map(({ type, version }) => {
        const schema = eventSchema(type, version);
        if (!schema) throw new Error(`no JSON Schema for ${type} v${version}`);
        const name = componentName(type, version);
        // Without `$id`, whose base would make the rewritten references point into the schema itself;
        // the message's description names the id.
        const { $id: _id, $schema: _dialect, ...rest } = schema as Json;
        return [name, JSON.parse(JSON.stringify(rest).replaceAll('"#/$defs/', `"#/components/schemas/${name}/$defs/`)) as Json];
      }),
    ),
};

/** Topic settings as infra creates them (infra/k8s/kafka-topics/topics.yaml; a test keeps both equal). */
export const TOPIC_RETENTION_MS = { events: -1, deadLetters: 1_209_600_000 } as const;
export const TOPIC_PARTITIONS = 6;

/** The JSON Schema dialect of the payload schemas (libs/event-contracts). */
const PAYLOAD_SCHEMA_FORMAT = 'application/schema+json;version=2020-12';
const KAFKA_BINDING_VERSION = '0.5.0';

const text = (description: string, extra: Json = {}): Json => ({ type: 'string', description, ...extra });

/** The CloudEvents headers of every record (Kafka protocol binding, binary content mode). */
const cloudEventHeaders = (): Json => ({
  type: 'object',
  description: 'CloudEvents 1.0 attributes as Kafka headers (Kafka protocol binding, binary content mode).',
  required: [
    CE_HEADERS.specversion, CE_HEADERS.id, CE_HEADERS.source, CE_HEADERS.type, CE_HEADERS.subject, CE_HEADERS.time,
    CE_HEADERS.dataschema, CE_HEADERS.contentType, CE_HEADERS.tenantid, CE_HEADERS.actor, CE_HEADERS.correlationid,
    CE_HEADERS.causationid, CE_HEADERS.streamrevision, CE_HEADERS.logposition, CE_HEADERS.schemaversion,
  ],
  properties: {
    [CE_HEADERS.specversion]: text('CloudEvents version.', { const: CE_SPEC_VERSION }),
    [CE_HEADERS.id]: text('The event id (UUID v7), unique and stable: redeliveries and replays carry the same id. Deduplicate on it.', { format: 'uuid' }),
    [CE_HEADERS.source]: text('The publishing context.', { examples: ['okr/goals'] }),
    [CE_HEADERS.type]: text('The event type, a past-tense fact.'),
    [CE_HEADERS.subject]: text('The stream, `{category}-{aggregateId}`.', { examples: ['objective-0193a6f0-0000-7000-8000-0000000000aa'] }),
    [CE_HEADERS.time]: text('When the change happened (for imported history: the original time).', { format: 'date-time' }),
    [CE_HEADERS.dataschema]: text('The `$id` of the JSON Schema of the value, `urn:okr:event:<type>:v<N>`.'),
    [CE_HEADERS.contentType]: text('The value is the event data as JSON.', { const: CE_DATA_CONTENT_TYPE }),
    [CE_HEADERS.tenantid]: text('The organisation (tenant) the event belongs to.'),
    [CE_HEADERS.actor]: text('Who caused the change (user or service account subject).'),
    [CE_HEADERS.correlationid]: text('The request that caused the change; shared by every event it caused.'),
    [CE_HEADERS.causationid]: text('The command or event that caused this event.'),
    [CE_HEADERS.importedat]: text('Only on imported history: when it was imported.', { format: 'date-time' }),
    [CE_HEADERS.streamrevision]: text('Revision of the event in its stream, from 0, as a decimal string.', { pattern: '^[0-9]+$' }),
    [CE_HEADERS.logposition]: text("Position in the owning event store's global log, as a decimal string.", { pattern: '^[0-9]+$' }),
    [CE_HEADERS.schemaversion]: text('Schema version of the value, as a decimal string.', { pattern: '^[0-9]+$' }),
    [CE_HEADERS.traceparent]: text('CloudEvents distributed tracing extension: the W3C trace context the event was created in.'),
    [TRACEPARENT_HEADER]: text('The same W3C trace context, as Kafka instrumentations read it.'),
  },
});

const deadLetterHeaders = (): Json => ({
  type: 'object',
  description: 'The original CloudEvents headers, plus why a consumer group gave the event up.',
  allOf: [{ $ref: '#/components/schemas/CloudEventHeaders' }],
  required: [DLQ_HEADERS.error, DLQ_HEADERS.attempts, DLQ_HEADERS.group, DLQ_HEADERS.failedAt, DLQ_HEADERS.topic, DLQ_HEADERS.partition, DLQ_HEADERS.offset],
  properties: {
    [DLQ_HEADERS.error]: text('The last error (message and top of the stack).'),
    [DLQ_HEADERS.attempts]: text('Attempts made.', { pattern: '^[0-9]+$' }),
    [DLQ_HEADERS.group]: text('The consumer group that gave up.'),
    [DLQ_HEADERS.failedAt]: text('When it gave up.', { format: 'date-time' }),
    [DLQ_HEADERS.topic]: text('The topic the record came from.'),
    [DLQ_HEADERS.partition]: text('Its partition there.', { pattern: '^[0-9]+$' }),
    [DLQ_HEADERS.offset]: text('Its offset there.', { pattern: '^[0-9]+$' }),
  },
});

const keyBinding = (): Json => ({
  kafka: { key: text('The aggregate id: one aggregate, one partition, so its events stay in order.'), bindingVersion: KAFKA_BINDING_VERSION },
});

const publishedTypes = (): string[] => Object.values(TOPIC_EVENT_TYPES).flat().sort();

const versionsOf = (type: string): number[] =>
  EVENT_SCHEMAS.filter((entry) => entry.type === type)
    .map((entry) => entry.version)
    .sort((a, b) => a - b);

/** The id of the message of one schema version of a type: `ObjectiveOwnershipTransferredV2`. */
export const messageId = (type: string, version: number): string => componentName(type, version);

/**
 * One message per schema version of a type: topics keep records forever, so a record published
 * before a type's latest version existed still carries its own version, named by `ce_dataschema`.
 */
function eventMessages(type: string, source: string, schemas: SchemaPlacement): [string, Json][] {
  const latest = latestSchemaVersion(type);
  if (latest === undefined) throw new Error(`event type ${type} is on a topic but has no JSON Schema in @okr/event-contracts`);
  return versionsOf(type).map((version) => {
    const id = schemaId(type, version);
    const when =
      version === latest
        ? `Published today${latest > 1 ? ` (from when v${latest} was introduced; earlier records carry an older version)` : ''}.`
        : `Published before v${latest} existed: records of that time stay on the topic as they were published. ` +
          `The platform's own readers upcast them to v${latest}; a consumer reads this schema and may upcast the same way.`;
    return [
      messageId(type, version),
      {
        name: type,
        title: `${type} v${version}`,
        summary: `${type}, schema version ${version}${version === latest ? ' (latest)' : ''}.`,
        description: `The value is the data of ${type} in schema version ${version}: \`ce_dataschema\` is \`${id}\` and \`ce_schemaversion\` is \`${version}\` (schema: ${schemas.location(type, version)}). ${when}`,
        contentType: CE_DATA_CONTENT_TYPE,
        headers: {
          allOf: [
            { $ref: '#/components/schemas/CloudEventHeaders' },
            {
              type: 'object',
              properties: {
                [CE_HEADERS.type]: { const: type },
                [CE_HEADERS.source]: { const: source },
                [CE_HEADERS.dataschema]: { const: id },
                [CE_HEADERS.schemaversion]: { const: String(version) },
              },
            },
          ],
        },
        payload: { schemaFormat: PAYLOAD_SCHEMA_FORMAT, schema: schemas.schema(type, version) },
        correlationId: { description: 'The request that caused the event.', location: `$message.header#/${CE_HEADERS.correlationid}` },
        bindings: keyBinding(),
      },
    ];
  });
}

const DELIVERY =
  'Delivery is at least once: a relay restart or a consumer rebalance redelivers, and reading from the start replays; ' +
  'every copy carries the same `ce_id`, so deduplicate on it. Order holds per aggregate (the key): one aggregate, one ' +
  'partition, in `ce_streamrevision` order; there is no order across keys or topics (`ce_logposition` orders one store\'s log).';

const topicBinding = (topic: string, retentionMs: number): Json => ({
  kafka: {
    topic,
    partitions: TOPIC_PARTITIONS,
    topicConfiguration: { 'cleanup.policy': ['delete'], 'retention.ms': retentionMs, ...(retentionMs < 0 ? { 'retention.bytes': -1 } : {}) },
    bindingVersion: KAFKA_BINDING_VERSION,
  },
});

/**
 * The AsyncAPI 3.0 document of every topic the platform publishes and its dead-letter topic: one
 * message per event type and schema version (payload: that version's JSON Schema), the CloudEvents
 * headers, the key, ordering, delivery and retention. `schemas` places the payload schemas: references
 * to the committed files (docs/asyncapi.yaml) or inlined (the served document).
 */
export function asyncApiDocument(schemas: SchemaPlacement): Json {
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  for (const [key, topic] of Object.entries(TOPICS) as [keyof typeof TOPICS, (typeof TOPICS)[keyof typeof TOPICS]][]) {
    const versioned = [...TOPIC_EVENT_TYPES[key]].sort().flatMap((type) => eventMessages(type, topic.source, schemas));
    for (const [id, message] of versioned) messages[id] = message;
    channels[key] = {
      address: topic.name,
      title: topic.name,
      description: `Events of the streams ${topic.categories.map((category) => `\`${category}-*\``).join(', ')}, published by ${topic.source}. Kept forever. ${DELIVERY}`,
      messages: Object.fromEntries(versioned.map(([id]) => [id, { $ref: `#/components/messages/${id}` }])),
      bindings: topicBinding(topic.name, TOPIC_RETENTION_MS.events),
    };
    channels[`${key}DeadLetters`] = {
      address: deadLetterTopic(topic.name),
      title: deadLetterTopic(topic.name),
      description: `Events of ${topic.name} that one of the platform's consumer groups could not handle: the same CloudEvent (key, value, headers) plus \`dlq_*\` headers. Kept 14 days.`,
      messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
      bindings: topicBinding(deadLetterTopic(topic.name), TOPIC_RETENTION_MS.deadLetters),
    };
    operations[`publish${key[0].toUpperCase()}${key.slice(1)}`] = {
      action: 'send',
      title: `The ${topic.source} relay publishes every stored event of its streams`,
      channel: { $ref: `#/channels/${key}` },
    };
    operations[`deadLetter${key[0].toUpperCase()}${key.slice(1)}`] = {
      action: 'send',
      title: `A consumer group of the platform sets aside an event of ${topic.name} it could not handle`,
      channel: { $ref: `#/channels/${key}DeadLetters` },
    };
  }
  messages['DeadLetter'] = {
    name: 'DeadLetter',
    title: 'Dead letter',
    summary: 'An event a consumer group gave up on, with the error.',
    description: 'The value is the original event data; `ce_type` and `ce_dataschema` say which schema it follows.',
    contentType: CE_DATA_CONTENT_TYPE,
    headers: { $ref: '#/components/schemas/DeadLetterHeaders' },
    payload: { type: 'object', description: 'The original event data (see `ce_dataschema`).' },
    bindings: keyBinding(),
  };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'OKR platform events',
      version: '1.0.0',
      description:
        'Every fact the OKR platform stores, published on Kafka as CloudEvents (Kafka protocol binding, binary content mode): ' +
        'key = aggregate id, value = the event data as JSON, attributes as `ce_` headers. ' + DELIVERY +
        ' Events are never rewritten: a new shape is a new schema version, published from then on.',
    },
    defaultContentType: CE_DATA_CONTENT_TYPE,
    channels,
    operations,
    components: {
      messages,
      schemas: {
        CloudEventHeaders: cloudEventHeaders(),
        DeadLetterHeaders: deadLetterHeaders(),
        ...schemas.components?.(publishedTypes().flatMap((type) => versionsOf(type).map((version) => ({ type, version })))),
      },
    },
  };
}
