import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@okr/event-store';
import { appendCounted, countedModel } from './catch-up.fixture';

/** A service-like OS process catching up (see the child script), stopped by SIGTERM and restarted. */
const CHILD = join(__dirname, 'catch-up.child.cjs');
const EVENTS = 5_000;

const spawn = (dir: string, hold: boolean): { child: ChildProcess; said: (message: string) => Promise<void>; exit: Promise<number | null> } => {
  const child = fork(CHILD, [join(dir, 'events.db'), join(dir, 'read.db'), hold ? 'hold' : 'run'], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const said = (expected: string): Promise<void> =>
    new Promise((resolve, reject) => {
      child.on('message', (message) => message === expected && resolve());
      void exit.then((code) => reject(new Error(`child exited with ${code} before '${expected}':\n${stderr}`)));
    });
  return { child, said, exit };
};

describe('a service catching up on the embedded bus, stopped by SIGTERM', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-catch-up-process-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stops before the head and, restarted, applies every event exactly once', async () => {
    const store = SqliteEventStore.open({ file: join(dir, 'events.db'), synchronous: 'NORMAL' });
    await appendCounted(store, EVENTS, 25);
    await store.close();

    const first = spawn(dir, true);
    await first.said('applying');
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    const read = new Database(join(dir, 'read.db'), { readonly: true });
    const documents = (): number =>
      read.prepare('SELECT count(*) FROM read_docs WHERE collection = ?').pluck().get(countedModel.name) as number;
    const appliedTwice = (): number =>
      read
        .prepare("SELECT count(*) FROM read_docs WHERE collection = ? AND json_extract(doc, '$.applied') != 1")
        .pluck()
        .get(countedModel.name) as number;
    const atStop = documents();
    expect(atStop).toBeGreaterThan(0);
    expect(atStop).toBeLessThan(EVENTS);

    const second = spawn(dir, false);
    await second.said('ready');
    // Progress, not time: wait until every event has its document.
    while (documents() < EVENTS) await new Promise((resolve) => setTimeout(resolve, 50));
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
    expect(documents()).toBe(EVENTS);
    expect(appliedTwice()).toBe(0);
    read.close();
  });
});
