/*
 * An OS process for embedded-read-store.processes.int.spec.ts: opens the shared read-store file and
 * adds 1 to a counter `count` times, each a read-then-write transaction (read through the session,
 * yield, replace the document whole from what was read), the pattern of a projection. A commit
 * refused with WriteConflictError is retried, as a bus consumer retries an event. Jest's transform
 * does not reach a forked child, so TypeScript is compiled on require with @swc/core.
 *
 *   <read-store file> <name> <count> [hold]
 *
 * Waits for 'go' (IPC) so that both processes run at once, then says 'done <refused>' and exits 0.
 * With `hold`, the first attempt of the first increment says 'read' after its read and waits for
 * 'write' before writing: the test has the other process commit in between.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');

const root = join(__dirname, '..', '..', '..', '..', '..');
const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...swcrc, swcrc: false, sourceMaps: false, filename });
  module._compile(code, filename);
};

// The workspace's own libraries (@okr/platform, imported by the store) resolve through tsconfig.base.json's paths, as in Jest.
const Module = require('node:module');
const { paths } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions;
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const mapped = paths[request];
  return resolveFilename.call(this, mapped ? join(root, mapped[0]) : request, ...rest);
};

const { EmbeddedReadStore } = require('./embedded-read-store.ts');
const { WriteConflictError } = require('../errors.ts');

const [file, name, count, hold] = process.argv.slice(2);
const message = () => new Promise((resolve) => process.once('message', resolve));

const main = async () => {
  const store = EmbeddedReadStore.open({ file });
  const counters = await store.collection({ name: 'counters' });
  await message();
  let holding = hold === 'hold';
  let refused = 0;
  for (let i = 0; i < Number(count); i++) {
    for (;;) {
      try {
        await store.withTransaction(async (session) => {
          const seen = await counters.findOne({ _id: 'c' }, { session });
          if (holding) {
            holding = false;
            process.send('read');
            await message();
          } else {
            // Gives the other process its chance to commit between this read and this write.
            await new Promise((resolve) => setImmediate(resolve));
          }
          // A read outside the transaction catches this process up with the other's commits.
          await counters.findOne({ _id: 'c' });
          await counters.bulkWrite([{ replaceOne: { filter: { _id: 'c' }, replacement: { _id: 'c', n: seen.n + 1, by: [...seen.by, `${name}${i}`] } } }], session);
        });
        break;
      } catch (error) {
        if (!(error instanceof WriteConflictError)) throw error;
        refused += 1;
      }
    }
  }
  await store.close();
  process.send(`done ${refused}`, () => process.exit(0));
};

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
