/*
 * A separate OS process that joins a consumer group through the real EmbeddedConsumer, for
 * embedded-consumer.process.int.spec.ts. Jest's transform does not reach a forked child, so this
 * script compiles TypeScript on require with @swc/core, the workspace .swcrc and the tsconfig path
 * aliases (rewritten to relative requires, as the Nx build targets do with build.swcrc).
 *
 *   <file> <group> <worker> <leaseTtlMs> <handlerDelayMs>
 *
 * Each delivery is recorded in `test_deliveries` (outside any guard: it shows double delivery), and
 * applied through SqliteIdempotencyGuard, which writes `test_applied` in the same transaction as the
 * revision bump. Says 'ready' once started; on 'stop' leaves the group gracefully and exits 0.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');

const root = join(__dirname, '..', '..', '..', '..', '..');
const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const paths = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, targets]) => [alias, targets.map((t) => t.replace(/\.ts$/, ''))]),
);
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    ...swcrc,
    swcrc: false,
    sourceMaps: false,
    filename,
    jsc: { ...swcrc.jsc, baseUrl: root, paths },
  });
  module._compile(code, filename);
};

/** What `import ... from '@okr/…'` means, for this script's own requires. */
const aliased = (alias) => join(root, compilerOptions.paths[alias][0]);

const Database = require('better-sqlite3');
const { SqliteEventStore } = require(aliased('@okr/event-store'));
const { EmbeddedConsumer } = require('./embedded-consumer.ts');
const { SqliteIdempotencyGuard } = require('../idempotency/sqlite-idempotency-guard.ts');

const [file, group, worker, leaseTtlMs, handlerDelayMs] = process.argv.slice(2);

const main = async () => {
  const store = SqliteEventStore.open({ file, synchronous: 'NORMAL' });
  const db = new Database(file, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const guard = new SqliteIdempotencyGuard(db);
  const delivered = db.prepare('INSERT INTO test_deliveries (event_id, worker) VALUES (?, ?)');
  const apply = (event) => (target) =>
    target
      .prepare('INSERT INTO test_applied (event_id, stream_id, revision, worker) VALUES (?, ?, ?, ?)')
      .run(event.id, event.streamId, event.revision, worker);

  const consumer = new EmbeddedConsumer({ store, file, leaseTtlMs: Number(leaseTtlMs), pollIntervalMs: 20 });
  const running = await consumer.start({
    group,
    topics: ['okr.goals.v1'],
    handlers: {
      Counted: async (event) => {
        delivered.run(event.id, worker);
        guard.applyOnce(group, event, apply(event));
        // After the apply, before the checkpoint: where a kill -9 most likely lands, forcing a redelivery.
        if (Number(handlerDelayMs) > 0) await new Promise((resolve) => setTimeout(resolve, Number(handlerDelayMs)));
      },
    },
  });
  process.on('message', async (message) => {
    if (message !== 'stop') return;
    await running.stop();
    await consumer.close();
    await store.close();
    db.close();
    process.send('stopped', () => process.exit(0));
  });
  process.send('ready');
};

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(1);
});
