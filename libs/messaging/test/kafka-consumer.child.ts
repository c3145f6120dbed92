/**
 * A consumer process for the kill -9 tests: consumes `okr.goals.v1` in group GROUP and applies each
 * event exactly once into RESULTS (a SQLite file) through the idempotency guard. Every delivery is
 * also counted, outside the guard, to see redeliveries. SLOW_MS slows each event so a kill lands
 * mid-batch.
 */
import Database from 'better-sqlite3';
import { KafkaConsumer } from '../src/lib/kafka/kafka-consumer';
import { SqliteIdempotencyGuard } from '../src/lib/idempotency/sqlite-idempotency-guard';
import { TOPICS } from '../src/lib/topics';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

async function main(): Promise<void> {
  const db = new Database(env('RESULTS'), { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS applied (stream_id TEXT, revision INTEGER, event_id TEXT UNIQUE, pid INTEGER);
           CREATE TABLE IF NOT EXISTS deliveries (event_id TEXT, pid INTEGER);`);
  const guard = new SqliteIdempotencyGuard(db);
  const apply = db.prepare('INSERT INTO applied VALUES (?, ?, ?, ?)');
  const delivered = db.prepare('INSERT INTO deliveries VALUES (?, ?)');
  const slowMs = Number(process.env['SLOW_MS'] ?? 0);
  const logger = { info: () => undefined, warn: () => undefined, error: (obj: object, msg: string) => void (process.env['OKR_TEST_LOG'] === '1' && process.stderr.write(`${msg} ${JSON.stringify(obj)}\n`)) };
  const consumer = new KafkaConsumer(
    { brokers: env('BROKERS').split(','), clientId: `child-${process.pid}`, idempotent: false, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 200 },
    logger,
  );
  await consumer.start({
    group: env('GROUP'),
    topics: [TOPICS.goals.name],
    handlers: {
      Counted: async (event) => {
        delivered.run(event.id, process.pid);
        if (slowMs > 0) await new Promise((r) => setTimeout(r, slowMs));
        guard.applyOnce(env('GROUP'), event, () => apply.run(event.streamId, event.revision, event.id, process.pid));
      },
    },
  });
  process.stdout.write('consuming\n');
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
