import { CloudEvent, Kafka as CloudEventsKafka, type KafkaMessage as CloudEventsKafkaMessage } from 'cloudevents';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import { startKafkaMock, testKafkaConfig, testLogger, waitFor, type KafkaTestCluster } from '../../testing';
import { toIntegrationEvent, type IntegrationEvent } from '../integration-event';
import type { RunningConsumer } from '../messaging.port';
import { deadLetterTopic, TOPICS } from '../topics';
import { fromKafkaMessage, headerText } from './cloudevents';
import { KafkaConsumer } from './kafka-consumer';
import { KafkaPublisher } from './kafka-publisher';

// waitFor fails on a stall of this long, not on a slow machine.
const WAIT_MS = 45_000;
const TOPIC = TOPICS.checkIns.name;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

let cluster: KafkaTestCluster;

beforeAll(async () => {
  cluster = await startKafkaMock();
});

afterAll(async () => {
  await cluster?.stop();
});

const checkIn = (keyResultId: string, revision: number, position: number, metadata: Partial<IntegrationEvent['metadata']> = {}): IntegrationEvent =>
  toIntegrationEvent({
    id: uuidv7(),
    type: 'CheckInRecorded',
    schemaVersion: 1,
    streamId: `checkins-${keyResultId}`,
    revision,
    position,
    data: { checkInId: randomUUID(), keyResultId, value: 40 + revision, confidence: 7, effectiveAt: '2026-11-26T09:00:00.000Z' },
    metadata: {
      tenantId: 'acme',
      actor: 'alice',
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt: '2026-11-26T10:00:00.000Z',
      ...metadata,
    },
  });

interface ReadRecord {
  topic: string;
  message: KafkaMessage;
}

/** What a consumer outside this repo does: kafkajs hands Buffers, the SDK wants text headers. */
const toCloudEvent = ({ message }: ReadRecord): CloudEvent<unknown> => {
  const headers = Object.fromEntries(Object.keys(message.headers ?? {}).map((name) => [name, headerText(message.headers, name)]));
  const value = message.value?.toString() ?? '';
  const record: CloudEventsKafkaMessage<string> = { key: message.key?.toString() ?? '', value, headers, body: value };
  const parsed = CloudEventsKafka.toEvent(record);
  if (!(parsed instanceof CloudEvent)) throw new Error('expected one CloudEvent per record');
  return parsed as CloudEvent<unknown>;
};

describe('Kafka records as CloudEvents (official SDK)', () => {
  it('every record, and its dead letter, parses with the cloudevents SDK in binary mode with every attribute', async () => {
    const keyResultId = randomUUID();
    const position = Date.now() * 1000;
    const first = checkIn(keyResultId, 0, position + 1, { traceparent: TRACEPARENT, importedAt: '2026-11-27T08:00:00.000Z' });
    const poison = checkIn(keyResultId, 1, position + 2);

    const config = testKafkaConfig(cluster);
    const publisher = new KafkaPublisher(config, testLogger());
    const consumer = new KafkaConsumer(config, testLogger());
    const reader = new Kafka({ brokers: cluster.brokers, clientId: 'ce-reader', logLevel: logLevel.NOTHING }).consumer({
      groupId: `ce-reader-${randomUUID()}`,
      sessionTimeout: 6000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 500,
    });
    const handed: IntegrationEvent[] = [];
    const records: ReadRecord[] = [];
    let running: RunningConsumer | undefined;
    try {
      await publisher.publish(TOPIC, [first, poison]);
      // The platform's own consumer: hands the handler the rebuilt event, dead-letters the poison one.
      running = await consumer.start({
        group: `ce-${randomUUID()}`,
        topics: [TOPIC],
        maxAttempts: 1,
        handlers: {
          CheckInRecorded: async (event) => {
            handed.push(event);
            if (event.id === poison.id) throw new Error('projection refused the check-in');
          },
        },
      });
      await reader.connect();
      await reader.subscribe({ topics: [TOPIC, deadLetterTopic(TOPIC)], fromBeginning: true });
      await reader.run({ eachMessage: async ({ topic, message }) => void records.push({ topic, message }) });
      const ours = () => records.filter(({ message }) => message.key?.toString() === keyResultId);
      await waitFor(() => ours().length >= 3, WAIT_MS, () => `2 records and 1 dead letter of the key result (read ${ours().length})`, () => records.length);

      const [one, two] = ours().filter((record) => record.topic === TOPIC);
      const letter = ours().find((record) => record.topic === deadLetterTopic(TOPIC));
      if (!one || !two || !letter) throw new Error('records missing');

      const event = toCloudEvent(one);
      expect(() => event.validate()).not.toThrow();
      expect({ ...event }).toEqual({
        specversion: '1.0',
        id: first.id,
        source: 'okr/check-ins',
        type: 'CheckInRecorded',
        subject: `checkins-${keyResultId}`,
        time: '2026-11-26T10:00:00.000Z',
        datacontenttype: 'application/json',
        dataschema: 'urn:okr:event:CheckInRecorded:v1',
        data: first.data,
        partitionkey: keyResultId,
        tenantid: 'acme',
        actor: 'alice',
        correlationid: first.metadata.correlationId,
        causationid: first.metadata.causationId,
        importedat: '2026-11-27T08:00:00.000Z',
        traceparent: TRACEPARENT,
        streamrevision: '0',
        logposition: String(first.position),
        schemaversion: '1',
      });
      // W3C Trace Context for Kafka instrumentations, beside the extension attribute.
      expect(headerText(one.message.headers, 'traceparent')).toBe(TRACEPARENT);
      expect(fromKafkaMessage(one.message)).toEqual(first);
      expect(fromKafkaMessage(two.message)).toEqual(poison);

      // The dead letter is the same CloudEvent, plus why it failed.
      const dead = toCloudEvent(letter);
      expect(() => dead.validate()).not.toThrow();
      expect({ ...dead }).toEqual({ ...toCloudEvent(two) });
      expect(dead.id).toBe(poison.id);
      expect(headerText(letter.message.headers, 'dlq_error')).toContain('projection refused the check-in');

      // The handler got exactly the published integration events, rebuilt from headers and value.
      await waitFor(() => handed.length >= 2, WAIT_MS, () => `both events handed to the handler (got ${handed.length})`, () => handed.length);
      expect(handed).toEqual([first, poison]);
    } finally {
      await Promise.allSettled([running?.stop(), reader.disconnect()]);
      await Promise.allSettled([consumer.close(), publisher.close()]);
    }
  });
});
