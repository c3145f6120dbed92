import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@okr/event-store';
import { EmbeddedReadStore } from '@okr/read-store';
import { EmbeddedConsumer } from '../embedded/embedded-consumer';
import { COUNTED_TOPIC, appendCounted, categoriesOf, countedModel } from './catch-up.fixture';
import { ReadModelRunner } from './read-model-runner';

const EVENTS = 6_000;

describe('ReadModelRunner catching up a long log on the embedded bus', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readStore: EmbeddedReadStore;
  let consumer: EmbeddedConsumer;
  let server: Server;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'okr-catch-up-'));
    events = SqliteEventStore.open({ file: join(dir, 'events.db'), synchronous: 'NORMAL' });
    readStore = EmbeddedReadStore.open({ file: join(dir, 'read.db') });
    consumer = new EmbeddedConsumer({ store: events, file: join(dir, 'events.db'), categoriesOf, pollIntervalMs: 20 });
    server = createServer((request, response) => response.writeHead(request.url === '/health/live' ? 200 : 404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await consumer.close();
    await readStore.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /health/live while it catches up, and applies every event exactly once in batches', async () => {
    const head = await appendCounted(events, EVENTS, 40);
    const runner = new ReadModelRunner(consumer, readStore, { service: 'test', topics: [COUNTED_TOPIC], models: [countedModel] });
    await runner.onApplicationBootstrap();
    await runner.started();
    const group = runner.groupOf(countedModel);
    const { port } = server.address() as AddressInfo;

    // Progress, not time: ask for /health/live until the group reaches the head, noting where the
    // checkpoint stood at each answer. A catch-up that never yields answers only once it is done.
    const answeredAt: number[] = [];
    for (;;) {
      const response = await fetch(`http://127.0.0.1:${port}/health/live`);
      const checkpoint = (await consumer.checkpoint(group, COUNTED_TOPIC)) ?? -1;
      expect(response.status).toBe(200);
      answeredAt.push(checkpoint);
      if (checkpoint >= head) break;
    }
    await runner.onModuleDestroy();

    expect(answeredAt.filter((checkpoint) => checkpoint < head).length).toBeGreaterThan(0);
    const counted = await readStore.collection({ name: countedModel.name, indexes: countedModel.indexes });
    expect(await counted.count()).toBe(EVENTS);
    expect(await counted.count({ applied: { $ne: 1 } })).toBe(0);
    // Each event saw its stream's previous event, applied earlier in the same batch or before it.
    expect(await counted.count({ revision: { $gt: 0 }, previousSeen: { $ne: 1 } })).toBe(0);
  });
});
