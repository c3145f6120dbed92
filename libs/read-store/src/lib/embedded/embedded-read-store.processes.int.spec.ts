import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedReadStore } from './embedded-read-store';

/** Two OS processes on one read-store file, each incrementing one counter by read-then-write transactions. */
const CHILD = join(__dirname, 'increment.child.cjs');
const EACH = 40;

const run = (file: string, name: string, count = EACH, hold = false) => {
  const child = fork(CHILD, [file, name, String(count), ...(hold ? ['hold'] : [])], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close', not 'exit': 'exit' may come before the child's last IPC message is read ('done ...'),
  // 'close' comes after its IPC channel and stdio closed (CI saw "a exited with 0" that way). A child
  // that dies fails whatever the test waits for at once (it waited out Jest's timeout on a child that
  // could not load its modules).
  const closed = (reject: (error: Error) => void) => child.once('close', (code) => reject(new Error(`${name} exited with ${code}:\n${stderr}`)));
  const said = (expected: string) =>
    new Promise<void>((resolve, reject) => {
      child.on('message', (message) => message === expected && resolve());
      closed(reject);
    });
  const done = new Promise<number>((resolve, reject) => {
    child.on('message', (message) => typeof message === 'string' && message.startsWith('done ') && resolve(Number(message.slice(5))));
    closed(reject);
  });
  return { child, said, done };
};

describe('EmbeddedReadStore shared by two OS processes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-read-processes-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const counterIn = async (file: string) => {
    const store = EmbeddedReadStore.open({ file });
    const counters = await store.collection({ name: 'counters' });
    await counters.updateOne({ _id: 'c' }, { $set: { n: 0, by: [] } }, { upsert: true });
    return { store, counters };
  };

  it('a transaction that read before the other process committed runs again rather than writing from its stale read', async () => {
    const file = join(dir, 'read.db');
    const { store, counters } = await counterIn(file);
    const stale = run(file, 'a', 1, true);
    stale.child.send('go');
    await stale.said('read');
    const other = run(file, 'b', 1);
    other.child.send('go');
    expect(await other.done).toBe(0);
    stale.child.send('write');
    await stale.done;
    expect(await counters.findOne({ _id: 'c' })).toEqual({ _id: 'c', n: 2, by: ['b0', 'a0'] });
    await store.close();
  });

  it('concurrent read-then-write transactions on one document lose no update', async () => {
    const file = join(dir, 'read.db');
    const { store, counters } = await counterIn(file);
    const processes = [run(file, 'a'), run(file, 'b')];
    for (const { child } of processes) child.send('go');
    await Promise.all(processes.map(({ done }) => done));

    const counter = await counters.findOne({ _id: 'c' });
    expect(counter?.['n']).toBe(2 * EACH);
    const by = counter?.['by'] as string[];
    expect(new Set(by).size).toBe(2 * EACH);
    // Each process's increments in its own order, interleaved with the other's.
    for (const name of ['a', 'b']) expect(by.filter((entry) => entry.startsWith(name))).toEqual(Array.from({ length: EACH }, (_, i) => `${name}${i}`));
    await store.close();
  });
});
