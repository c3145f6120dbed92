/*
 * A separate OS process that appends through the real SqliteEventStore, for the multi-process tests
 * in sqlite-event-store.process.int.spec.ts. Jest's transform does not reach a forked child, so this
 * script compiles the adapter's TypeScript on require with @swc/core and the workspace .swcrc (the
 * adapter's only path-alias import at run time, the domain, is resolved below).
 *
 *   contend <file> <worker> <appends> <stream>...   after 'ready' / 'go': per append, read the stream's
 *                                                   revision, append one event at exactly that revision,
 *                                                   retry on conflict; report ids and conflicts
 *   batches <file> <batchSize> <stream>...          append whole batches of large events until killed
 *   acknowledge <file> <together>                   until killed: `together` appends at once (one group
 *                                                   commit), each to a new stream, and each one's event id
 *                                                   sent to the parent as soon as its append resolved
 *   open <file> <busyTimeoutMs>                     say 'opening', open the store (migrating the file if
 *                                                   it is of an older schema), report its head, exit
 *   import <file> <category> <items> <then>         as an import request: one command per item, each on
 *                                                   stream <category>-<i>, held in an AppendBatch; say
 *                                                   'held', then (<then> = hold) wait to be killed, or
 *                                                   (commit) say 'committing', commit, say 'committed', exit
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const { transformSync } = require('@swc/core');

const swcrc = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '.swcrc'), 'utf8'));
delete swcrc.$schema;
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...swcrc, swcrc: false, sourceMaps: false, filename });
  module._compile(code, filename);
};

// The adapter's read path reaches the domain (upcasters) through its path alias.
const Module = require('node:module');
const aliases = { '@okr/okr-domain': join(__dirname, '..', '..', 'okr-domain', 'src', 'index.ts') };
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, aliases[request] ?? request, ...rest);
};

const { SqliteEventStore } = require('../src/lib/sqlite/sqlite-event-store.ts');
const { WrongExpectedRevisionError } = require('../src/lib/event-store.port.ts');
const { AppendBatch, runInAppendBatch } = require('../src/lib/append-batch.ts');
const { handleCommand } = require('../src/lib/command-handler.ts');

const event = (type, data) => ({
  id: randomUUID(),
  type,
  data,
  metadata: {
    tenantId: 'tenant-a',
    actor: 'writer',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    occurredAt: new Date().toISOString(),
  },
});

const currentRevision = async (store, streamId) => {
  for await (const last of store.readStream(streamId, { direction: 'backwards', maxCount: 1 })) return last.revision;
  return 'no_stream';
};

const contend = async (file, worker, appends, streams) => {
  const store = SqliteEventStore.open({ file });
  // Start together: the parent says 'go' once every writer is ready, so the appends really overlap.
  const go = new Promise((resolve) => process.once('message', resolve));
  process.send('ready');
  await go;
  let conflicts = 0;
  const ids = [];
  for (let index = 0; index < appends; index += 1) {
    const streamId = streams[(index + worker) % streams.length];
    const next = event('Contended', { worker, index });
    for (;;) {
      try {
        await store.append(streamId, [next], await currentRevision(store, streamId));
        ids.push(next.id);
        break;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        conflicts += 1;
      }
    }
  }
  await store.close();
  process.send({ ids, conflicts }, () => process.exit(0));
};

const batches = async (file, batchSize, streams) => {
  const store = SqliteEventStore.open({ file });
  const payload = 'x'.repeat(2048);
  for (let batch = 0; ; batch += 1) {
    const events = Array.from({ length: batchSize }, (_, index) => event('Batched', { batch, index, payload }));
    await store.append(streams[batch % streams.length], events, 'any');
    if (batch === 2) process.send('appending');
  }
};

const acknowledge = async (file, together) => {
  const store = SqliteEventStore.open({ file });
  for (;;) {
    await Promise.all(
      Array.from({ length: together }, async (_, index) => {
        const next = event('Acknowledged', { index, payload: 'y'.repeat(512) });
        await store.append(`acked-${randomUUID()}`, [next], 'no_stream');
        process.send(next.id);
      }),
    );
  }
};

const open = async (file, busyTimeoutMs) => {
  await new Promise((resolve) => process.send('opening', resolve));
  const store = SqliteEventStore.open({ file, busyTimeoutMs });
  const head = await store.headPosition();
  await store.close();
  process.send({ head }, () => process.exit(0));
};

/** One record per stream, refused if it exists: a record written twice would fail the re-run. */
const once = {
  initialState: () => ({ created: false }),
  evolve: () => ({ created: true }),
  decide: (command, state) => {
    if (state.created) throw new Error('created twice');
    return [{ type: 'Imported', data: { ...command.data, payload: 'z'.repeat(256) } }];
  },
};

const importRequest = async (file, category, items, then) => {
  const store = SqliteEventStore.open({ file });
  const batch = new AppendBatch(store);
  const context = { tenantId: 'tenant-a', actor: 'importer', correlationId: randomUUID(), importedAt: new Date().toISOString() };
  await runInAppendBatch(batch, async () => {
    for (let index = 0; index < items; index += 1) await handleCommand(store, `${category}-${index}`, once, { type: 'Import', data: { index } }, context);
  });
  await new Promise((resolve) => process.send('held', resolve));
  if (then === 'hold') return new Promise(() => undefined);
  await new Promise((resolve) => process.send('committing', resolve));
  await batch.commit();
  await store.close();
  process.send('committed', () => process.exit(0));
};

const [mode, file, ...rest] = process.argv.slice(2);
const run =
  mode === 'import'
    ? importRequest(file, rest[0], Number(rest[1]), rest[2])
    : mode === 'contend'
    ? contend(file, Number(rest[0]), Number(rest[1]), rest.slice(2))
    : mode === 'open'
      ? open(file, Number(rest[0]))
      : mode === 'acknowledge'
        ? acknowledge(file, Number(rest[0]))
        : batches(file, Number(rest[0]), rest.slice(1));
run.catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(1);
});
