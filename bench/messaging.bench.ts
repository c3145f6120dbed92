/**
 * Event distribution, measured in one run (benchmarks, not tests):
 *
 *   1. Relay throughput to Kafka (librdkafka's mock inside kcat, or KAFKA_BROKERS) in events/s, as a
 *      ratio to raw kafkajs producing the same messages (same CloudEvents records, acks -1, batches of
 *      500) in the same run. The relay also reads the SQLite log and saves its checkpoint per batch.
 *   2. Embedded end-to-end lag from append to a consumer group's handler at 500 appends/s: p50, p99.
 *      The appender uses its own connection, as another process would, so the consumer sees commits
 *      through the store's cross-process polling, not an in-process wake-up.
 *
 * Run: `npm run bench:messaging`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import { SqliteEventStore } from '@okr/event-store';
import {
  EmbeddedConsumer,
  KafkaPublisher,
  Relay,
  SqliteRelayStateStore,
  TOPICS,
  toIntegrationEvent,
  toKafkaMessage,
  type IntegrationEvent,
} from '@okr/messaging';
import { startKafkaMock } from '@okr/messaging/testing';
import { benchSize } from './bench-size';

const RELAY_EVENTS = benchSize(50_000, { env: 'BENCH_RELAY_EVENTS', min: 500 });
const ROUNDS = benchSize(3, { min: 1 });
const LAG_RATE = 500;
const LAG_SECONDS = benchSize(8, { min: 1 });
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const meta = () => ({ tenantId: 'bench', actor: 'bench', correlationId: 'bench', causationId: 'bench', occurredAt: new Date().toISOString() });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'okr-messaging-bench-'));
  const cluster = await startKafkaMock();
  const kafkaConfig = { brokers: cluster.brokers, clientId: 'bench', idempotent: false };
  try {
    process.stdout.write(`messaging bench: node ${process.version}, ${availableParallelism()} cpus, Kafka ${cluster.external ? cluster.brokers.join(',') : 'librdkafka mock (kcat), 3 brokers'}\n\n`);

    // The log the relay reads: RELAY_EVENTS events over 100 objectives.
    const file = join(dir, 'events.sqlite');
    const store = SqliteEventStore.open({ file });
    const streams = Array.from({ length: 100 }, () => `objective-${uuidv7()}`);
    for (let i = 0; i < RELAY_EVENTS; i += 100) {
      const events = Array.from({ length: 100 }, (_, j) => ({ id: uuidv7(), type: 'KeyResultAdded', data: { n: i + j, title: 'A key result of typical size' }, metadata: meta() }));
      await store.append(streams[(i / 100) % streams.length], events, 'any');
    }
    const all: IntegrationEvent[] = [];
    for await (const event of store.readAll()) all.push(toIntegrationEvent(event));

    const raw = new Kafka({ brokers: cluster.brokers, clientId: 'bench-raw', logLevel: logLevel.NOTHING }).producer({ idempotent: false });
    await raw.connect();
    const publisher = new KafkaPublisher(kafkaConfig, quiet);
    const rawRates: number[] = [];
    const relayRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let started = performance.now();
      for (let i = 0; i < all.length; i += 500) {
        await raw.send({ topic: TOPICS.goals.name, acks: -1, messages: all.slice(i, i + 500).map((e) => toKafkaMessage(e, TOPICS.goals.source)) });
      }
      rawRates.push(all.length / ((performance.now() - started) / 1000));

      const state = new SqliteRelayStateStore(file);
      const relay = new Relay({ name: `bench-${round}`, topic: TOPICS.goals.name, categories: ['objective'], store, publisher, state, logger: quiet });
      const last = all[all.length - 1].position;
      started = performance.now();
      relay.start();
      while ((await state.checkpoint(`bench-${round}`)) < last) await new Promise((r) => setTimeout(r, 2));
      relayRates.push(all.length / ((performance.now() - started) / 1000));
      await relay.stop();
      await state.close();
    }
    await raw.disconnect();
    await publisher.close();
    await store.close();

    // Embedded lag at LAG_RATE appends/s.
    const lagFile = join(dir, 'lag.sqlite');
    const consumerStore = SqliteEventStore.open({ file: lagFile });
    const appender = SqliteEventStore.open({ file: lagFile });
    const consumer = new EmbeddedConsumer({ store: consumerStore, file: lagFile });
    const lags: number[] = [];
    const running = await consumer.start({
      group: 'bench-lag',
      topics: [TOPICS.goals.name],
      handlers: { Pinged: async (event) => void lags.push(performance.timeOrigin + performance.now() - (event.data as { at: number }).at) },
    });
    const total = LAG_RATE * LAG_SECONDS;
    const begin = performance.now();
    for (let i = 0; i < total; i++) {
      const due = begin + (i * 1000) / LAG_RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await appender.append(`objective-${uuidv7()}`, [{ id: uuidv7(), type: 'Pinged', data: { at: performance.timeOrigin + performance.now() }, metadata: meta() }], 'no_stream');
    }
    const deadline = Date.now() + 10_000;
    while (lags.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await running.stop();
    await consumer.close();
    await appender.close();
    await consumerStore.close();

    const rawMedian = median(rawRates);
    const relayMedian = median(relayRates);
    process.stdout.write(`case                                             measured                 baseline   ratio\n`);
    process.stdout.write(`relay to Kafka, ${fmt(all.length)} events (events/s)   ${fmt(relayMedian).padStart(12)}  raw kafkajs ${fmt(rawMedian).padStart(10)}   ${(relayMedian / rawMedian).toFixed(2)}\n`);
    process.stdout.write(`embedded lag at ${LAG_RATE} appends/s, ${fmt(lags.length)}/${fmt(total)} handled: p50 ${percentile(lags, 50).toFixed(1)} ms, p99 ${percentile(lags, 99).toFixed(1)} ms, max ${Math.max(...lags).toFixed(1)} ms\n`);
    process.stdout.write(`(median of ${ROUNDS} rounds for the relay; rounds: relay ${relayRates.map(fmt).join(', ')}; raw ${rawRates.map(fmt).join(', ')})\n`);
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
