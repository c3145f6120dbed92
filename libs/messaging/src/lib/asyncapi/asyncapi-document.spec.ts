import { fromFile, Parser } from '@asyncapi/parser';
import { EVENT_SCHEMAS, EVENT_TYPES_WITH_SCHEMAS, latestSchemaVersion, schemaId } from '@okr/event-contracts';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { deadLetterTopic, TOPICS } from '../topics';
import { ASYNCAPI_FILE, asyncApiDocument, COMMITTED_SCHEMAS, messageId, TOPIC_PARTITIONS, TOPIC_RETENTION_MS } from './asyncapi-document';
import { TOPIC_EVENT_TYPES, UNPUBLISHED_EVENT_TYPES } from './topic-event-types';

const root = resolve(__dirname, '../../../../..');
const committedFile = join(root, ASYNCAPI_FILE);

describe('AsyncAPI document of the topics', () => {
  it('is committed as generated (run `npm run asyncapi:generate` after changing topics, headers or schemas)', () => {
    expect(parse(readFileSync(committedFile, 'utf8'))).toEqual(asyncApiDocument(COMMITTED_SCHEMAS));
  });

  it('is a valid AsyncAPI 3.0 document for @asyncapi/parser, every payload resolved to its committed schema', async () => {
    const { document, diagnostics } = await fromFile(new Parser(), committedFile).parse();
    // Severity 0 = error, 1 = warning; information and hints (e.g. "3.1.0 exists") are not problems.
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.path.join('/')}: ${d.message}`)).toEqual([]);
    if (!document) throw new Error('the parser returned no document');
    expect(document.version()).toBe('3.0.0');
    const addresses = document.channels().all().map((channel) => channel.address());
    expect(addresses.sort()).toEqual(Object.values(TOPICS).flatMap((topic) => [topic.name, deadLetterTopic(topic.name)]).sort());
    for (const [key, topic] of Object.entries(TOPICS) as [keyof typeof TOPICS, (typeof TOPICS)[keyof typeof TOPICS]][]) {
      const channel = document.channels().all().find((candidate) => candidate.address() === topic.name);
      // Every schema version a record on the topic can carry (records are kept forever), one message each.
      const expected = TOPIC_EVENT_TYPES[key].flatMap((type) => EVENT_SCHEMAS.filter((entry) => entry.type === type).map((entry) => messageId(type, entry.version)));
      const messages = channel?.messages().all() ?? [];
      expect(messages.map((message) => message.id()).sort()).toEqual(expected.sort());
      for (const message of messages) {
        const type = message.name() ?? '';
        const version = Number(/V(\d+)$/.exec(message.id())?.[1]);
        const payload = message.payload()?.json() as { schema?: { $id?: string; type?: string } };
        // Resolved from libs/event-contracts/schemas: the schema itself, not a dangling reference.
        expect(payload.schema?.$id).toBe(schemaId(type, version));
        expect(payload.schema?.type).toBe('object');
        // The header a consumer selects the schema by.
        const headers = message.headers()?.json() as { allOf: { properties?: Record<string, { const?: string }> }[] };
        expect(headers.allOf[1]?.properties).toMatchObject({ ce_type: { const: type }, ce_dataschema: { const: schemaId(type, version) }, ce_schemaversion: { const: String(version) } });
      }
    }
  });

  it('lists the older versions of an upcast type beside the latest, each saying which it is', () => {
    const { components } = asyncApiDocument(COMMITTED_SCHEMAS) as { components: { messages: Record<string, { summary: string; description: string }> } };
    const older = EVENT_SCHEMAS.filter((entry) => entry.version < (latestSchemaVersion(entry.type) ?? 0));
    expect(older.length).toBeGreaterThan(0);
    for (const { type, version } of older) {
      const latest = latestSchemaVersion(type) ?? 0;
      expect(components.messages[messageId(type, version)]?.description).toContain(`Published before v${latest} existed`);
      expect(components.messages[messageId(type, latest)]?.summary).toContain('(latest)');
    }
  });

  it('places every event type with a schema on exactly one topic, or says why it is not published', () => {
    const published = Object.values(TOPIC_EVENT_TYPES).flat();
    expect(new Set(published).size).toBe(published.length);
    const accounted = new Set([...published, ...Object.keys(UNPUBLISHED_EVENT_TYPES)]);
    expect(EVENT_TYPES_WITH_SCHEMAS.filter((type) => !accounted.has(type))).toEqual([]);
    expect(published.filter((type) => !EVENT_TYPES_WITH_SCHEMAS.includes(type))).toEqual([]);
  });

  it('states the retention and partitions infra creates the topics with', () => {
    const topics = parseAllDocuments(readFileSync(join(root, 'infra/k8s/kafka-topics/topics.yaml'), 'utf8')).map(
      (doc) => doc.toJSON() as { spec: { topicName?: string; partitions: number; config: Record<string, unknown> }; metadata: { name: string } },
    );
    for (const topic of Object.values(TOPICS)) {
      for (const [name, retention] of [
        [topic.name, TOPIC_RETENTION_MS.events],
        [deadLetterTopic(topic.name), TOPIC_RETENTION_MS.deadLetters],
      ] as const) {
        const defined = topics.find((candidate) => (candidate.spec.topicName ?? candidate.metadata.name) === name);
        expect({ name, partitions: defined?.spec.partitions, retention: defined?.spec.config['retention.ms'] }).toEqual({
          name,
          partitions: TOPIC_PARTITIONS,
          retention,
        });
      }
    }
  });
});
