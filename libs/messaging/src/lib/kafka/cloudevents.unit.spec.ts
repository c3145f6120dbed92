import type { IntegrationEvent } from '../integration-event';
import { fromKafkaMessage, MalformedKafkaMessageError, toKafkaMessage } from './cloudevents';
import { fromDeadLetterMessage, toDeadLetterMessage } from './dead-letter';
import { backoffMs } from './kafka-consumer';

const event: IntegrationEvent = {
  id: '0193a6f0-0000-7000-8000-000000000001',
  type: 'ObjectiveDefined',
  schemaVersion: 1,
  streamId: 'objective-0193a6f0-0000-7000-8000-0000000000aa',
  key: '0193a6f0-0000-7000-8000-0000000000aa',
  revision: 0,
  position: 42,
  data: { title: 'Ship it' },
  metadata: { tenantId: 't1', actor: 'u1', correlationId: 'c1', causationId: 'k1', occurredAt: '2026-11-26T10:00:00.000Z' },
};

/** kafkajs hands consumed headers over as Buffers. */
const asConsumed = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Buffer.from(String(value))]));

describe('CloudEvents Kafka binding', () => {
  it('maps an integration event to key, JSON value and binary-mode headers, leaving out absent optional ones', () => {
    const message = toKafkaMessage(event, 'okr/goals');
    expect(message.key).toBe(event.key);
    expect(JSON.parse(String(message.value))).toEqual(event);
    expect(message.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_type: 'ObjectiveDefined',
      ce_source: 'okr/goals',
      ce_time: '2026-11-26T10:00:00.000Z',
      ce_subject: event.streamId,
      'content-type': 'application/json',
      tenant_id: 't1',
      correlation_id: 'c1',
      causation_id: 'k1',
    });
  });

  it('reads an event back, ignores records that are no CloudEvent, and rejects a value that does not match', () => {
    const message = toKafkaMessage(event, 'okr/goals');
    const consumed = { value: Buffer.from(String(message.value)), headers: asConsumed(message.headers ?? {}) };
    expect(fromKafkaMessage(consumed)).toEqual(event);
    expect(fromKafkaMessage({ value: null, headers: { okr_topic_marker: Buffer.from('created') } })).toBeUndefined();
    expect(() => fromKafkaMessage({ ...consumed, value: Buffer.from('{') })).toThrow(MalformedKafkaMessageError);
    expect(() => fromKafkaMessage({ ...consumed, value: Buffer.from(JSON.stringify({ ...event, id: 'other' })) })).toThrow(
      MalformedKafkaMessageError,
    );
  });

  it('round-trips a dead letter with its error, attempts and group', () => {
    const message = toKafkaMessage(event, 'okr/goals');
    const original = {
      key: Buffer.from(event.key),
      value: Buffer.from(String(message.value)),
      headers: asConsumed(message.headers ?? {}),
      offset: '7',
      timestamp: '0',
      attributes: 0,
    };
    const failedAt = new Date('2026-11-26T11:00:00.000Z');
    const letter = toDeadLetterMessage(original, { group: 'insights', topic: 'okr.goals.v1', partition: 2, error: new Error('boom'), attempts: 5, failedAt });
    const read = fromDeadLetterMessage({ value: original.value, headers: asConsumed(letter.headers ?? {}) });
    expect(read).toMatchObject({ group: 'insights', topic: 'okr.goals.v1', event, attempts: 5, failedAt: failedAt.toISOString() });
    expect(read?.error).toContain('boom');
    expect(letter.headers).toMatchObject({ ce_id: Buffer.from(event.id), dlq_partition: '2', dlq_offset: '7' });
  });
});

describe('backoffMs', () => {
  it('doubles from initialMs, caps at maxMs, and keeps at least half of the step', () => {
    for (let i = 0; i < 50; i += 1) {
      expect(backoffMs(1, { initialMs: 100, maxMs: 1000 })).toBeGreaterThanOrEqual(50);
      expect(backoffMs(1, { initialMs: 100, maxMs: 1000 })).toBeLessThanOrEqual(100);
      expect(backoffMs(3, { initialMs: 100, maxMs: 1000 })).toBeGreaterThanOrEqual(200);
      expect(backoffMs(3, { initialMs: 100, maxMs: 1000 })).toBeLessThanOrEqual(400);
      expect(backoffMs(10, { initialMs: 100, maxMs: 1000 })).toBeLessThanOrEqual(1000);
      expect(backoffMs(10, { initialMs: 100, maxMs: 1000 })).toBeGreaterThanOrEqual(500);
    }
  });
});
