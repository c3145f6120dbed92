/*
 * A service-like process for read-model-catch-up.process.int.spec.ts: a ReadModelRunner over the
 * embedded bus and read store, catching up `countedModel`, that stops on SIGTERM as a Nest app does
 * (runner first, then the consumer and the stores) and exits 0. Jest's transform does not reach a
 * forked child, so TypeScript is compiled on require with @swc/core and the tsconfig path aliases.
 *
 *   <events file> <read-store file>
 *
 * Says 'applying' (IPC) when its first batch is applied; that batch's listener then waits for the
 * SIGTERM, so the signal lands during the catch-up whatever the machine's speed.
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
const aliased = (alias) => join(root, compilerOptions.paths[alias][0]);

const { SqliteEventStore } = require(aliased('@okr/event-store'));
const { EmbeddedReadStore } = require(aliased('@okr/read-store'));
const { EmbeddedConsumer } = require('../embedded/embedded-consumer.ts');
const { ReadModelRunner } = require('./read-model-runner.ts');
const { COUNTED_TOPIC, categoriesOf, countedModel } = require('./catch-up.fixture.ts');

const [eventsFile, readFile, holdFirstBatch] = process.argv.slice(2);

const main = async () => {
  const events = SqliteEventStore.open({ file: eventsFile, synchronous: 'NORMAL' });
  const readStore = EmbeddedReadStore.open({ file: readFile });
  const consumer = new EmbeddedConsumer({ store: events, file: eventsFile, categoriesOf, pollIntervalMs: 20 });
  const runner = new ReadModelRunner(consumer, readStore, { service: 'test', topics: [COUNTED_TOPIC], models: [countedModel] });
  const terminated = new Promise((resolve) => process.once('SIGTERM', resolve));
  let first = holdFirstBatch === 'hold';
  runner.onApplied(async () => {
    if (!first) return;
    first = false;
    process.send('applying');
    await terminated;
  });
  void terminated.then(async () => {
    await runner.onModuleDestroy();
    await consumer.close();
    await readStore.close();
    await events.close();
    process.exit(0);
  });
  await runner.onApplicationBootstrap();
  process.send('ready');
};

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
