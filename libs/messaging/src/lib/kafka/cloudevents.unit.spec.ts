import type { Message } from 'kafkajs';
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

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** kafkajs hands consumed headers over as Buffers. */
const asConsumed = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Buffer.from(String(value))]));

/** A produced message as a consumer receives it. */
const consumed = (message: Message) => ({
  key: Buffer.from(String(message.key)),
  value: Buffer.from(String(message.value)),
  headers: asConsumed(message.headers ?? {}),
});

describe('CloudEvents Kafka binding', () => {
  it('maps an integration event to key, the data as the JSON value, and binary-mode ce_ headers, leaving out absent optional ones', () => {
    const message = toKafkaMessage(event, 'okr/goals');
    expect(message.key).toBe(event.key);
    expect(JSON.parse(String(message.value))).toEqual(event.data);
    expect(message.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_source: 'okr/goals',
      ce_type: 'ObjectiveDefined',
      ce_subject: event.streamId,
      ce_time: '2026-11-26T10:00:00.000Z',
      ce_dataschema: 'urn:okr:event:ObjectiveDefined:v1',
      'content-type': 'application/json',
      ce_tenantid: 't1',
      ce_actor: 'u1',
      ce_correlationid: 'c1',
      ce_causationid: 'k1',
      ce_streamrevision: '0',
      ce_logposition: '42',
      ce_schemaversion: '1',
    });
  });

  it('gives every extension a valid CloudEvents attribute name (lower-case letters and digits, at most 20)', () => {
    const traced = { ...event, metadata: { ...event.metadata, importedAt: '2026-11-27T00:00:00.000Z', traceparent: TRACEPARENT } };
    const names = Object.keys(toKafkaMessage(traced, 'okr/goals').headers ?? {});
    const attributes = names.filter((name) => name.startsWith('ce_')).map((name) => name.slice(3));
    expect(attributes).toHaveLength(names.length - 2);
    for (const attribute of attributes) expect(attribute).toMatch(/^[a-z0-9]{1,20}$/);
    expect(names).toEqual(expect.arrayContaining(['content-type', 'traceparent', 'ce_traceparent', 'ce_importedat']));
  });

  it('rebuilds the integration event from headers and value, with every metadata field', () => {
    const full = { ...event, metadata: { ...event.metadata, importedAt: '2026-11-27T00:00:00.000Z', traceparent: TRACEPARENT } };
    expect(fromKafkaMessage(consumed(toKafkaMessage(event, 'okr/goals')))).toEqual(event);
    expect(fromKafkaMessage(consumed(toKafkaMessage(full, 'okr/goals')))).toEqual(full);
  });

  it('ignores records that are no CloudEvent and rejects CloudEvents that are not integration events', () => {
    const good = consumed(toKafkaMessage(event, 'okr/goals'));
    const without = (name: string) => ({ ...good, headers: Object.fromEntries(Object.entries(good.headers).filter(([key]) => key !== name)) });
    expect(fromKafkaMessage({ value: null, headers: { okr_topic_marker: Buffer.from('created') } })).toBeUndefined();
    expect(() => fromKafkaMessage({ ...good, value: Buffer.from('{') })).toThrow(/not JSON/);
    expect(() => fromKafkaMessage({ ...good, value: null })).toThrow(MalformedKafkaMessageError);
    expect(() => fromKafkaMessage(without('ce_tenantid'))).toThrow(/ce_tenantid/);
    expect(() => fromKafkaMessage(without('ce_type'))).toThrow(/ce_type/);
    expect(() => fromKafkaMessage(without('ce_streamrevision'))).toThrow(/ce_streamrevision/);
    expect(() => fromKafkaMessage({ ...good, headers: { ...good.headers, ce_logposition: Buffer.from('4x') } })).toThrow(/ce_logposition/);
    expect(() => fromKafkaMessage({ ...good, headers: { ...good.headers, ce_specversion: Buffer.from('0.3') } })).toThrow(/specversion/);
  });

  it('still reads records written before the binary mode (the whole event as the value, tenant_id headers)', () => {
    const legacy = {
      key: Buffer.from(event.key),
      value: Buffer.from(JSON.stringify(event)),
      headers: asConsumed({ ce_specversion: '1.0', ce_id: event.id, ce_type: event.type, ce_source: 'okr/goals', tenant_id: 't1', correlation_id: 'c1' }),
    };
    expect(fromKafkaMessage(legacy)).toEqual(event);
    expect(() => fromKafkaMessage({ ...legacy, value: Buffer.from(JSON.stringify({ ...event, id: 'other' })) })).toThrow(MalformedKafkaMessageError);
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
    const stored = { key: original.key, value: original.value, headers: asConsumed(letter.headers ?? {}) };
    const read = fromDeadLetterMessage(stored);
    expect(fromKafkaMessage(stored)).toEqual(event);
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
