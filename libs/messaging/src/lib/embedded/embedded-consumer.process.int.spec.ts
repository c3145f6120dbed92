import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore, type NewEvent } from '@okr/event-store';

/** Real OS processes consuming one group over one file, through the real adapter (see the child script). */
const CHILD = join(__dirname, 'embedded-consumer.child.cjs');
const EVENTS = 1000;
const STREAMS = 20;

interface Member {
  child: ChildProcess;
  worker: string;
  stderr: () => string;
}

const spawnMember = (file: string, group: string, worker: string, leaseTtlMs: number, handlerDelayMs: number): Member => {
  const child = fork(CHILD, [file, group, worker, String(leaseTtlMs), String(handlerDelayMs)], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, worker, stderr: () => stderr };
};

const message = (member: Member, expected: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const onMessage = (received: unknown): void => {
      if (received !== expected) return;
      member.child.off('message', onMessage);
      resolve();
    };
    member.child.on('message', onMessage);
    member.child.once('exit', (code) => reject(new Error(`worker ${member.worker} exited with ${code}:\n${member.stderr()}`)));
  });

const exited = (child: ChildProcess): Promise<unknown> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));

const counted = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'Counted',
  data: { n },
  metadata: { tenantId: 'tenant-a', actor: 'writer', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() },
});

describe('EmbeddedConsumer shared by several processes', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;
  let raw: Database.Database;
  const members: Member[] = [];

  const count = (sql: string): number => raw.prepare(sql).pluck().get() as number;
  const waitForApplied = async (target: number, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (count('SELECT count(*) FROM test_applied') < target) {
      for (const member of members) if (member.child.exitCode !== null) throw new Error(`worker ${member.worker} died:\n${member.stderr()}`);
      if (Date.now() > deadline) throw new Error(`applied ${count('SELECT count(*) FROM test_applied')} of ${target} in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const appendAll = async (): Promise<string[]> => {
    const ids: string[] = [];
    for (let n = 0; n < EVENTS; n += 2) {
      const events = [counted(n), counted(n + 1)];
      await store.append(`objective-${n % STREAMS}`, events, 'any');
      ids.push(...events.map((event) => event.id));
    }
    return ids;
  };
  /** Every event applied exactly once, and each stream's events applied in revision order. */
  const expectAppliedExactlyOnceInOrder = (ids: string[]): void => {
    const applied = raw.prepare('SELECT event_id, stream_id, revision FROM test_applied ORDER BY seq').all() as {
      event_id: string;
      stream_id: string;
      revision: number;
    }[];
    expect(applied).toHaveLength(EVENTS);
    expect(new Set(applied.map((row) => row.event_id))).toEqual(new Set(ids));
    const byStream = new Map<string, number[]>();
    for (const row of applied) byStream.set(row.stream_id, [...(byStream.get(row.stream_id) ?? []), row.revision]);
    for (const revisions of byStream.values()) expect(revisions).toEqual(revisions.map((_, index) => index));
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-embedded-bus-processes-'));
    file = join(dir, 'events.db');
    store = SqliteEventStore.open({ file, synchronous: 'NORMAL' });
    raw = new Database(file, { timeout: 10_000 });
    raw.exec(`
      CREATE TABLE test_deliveries (event_id TEXT NOT NULL, worker TEXT NOT NULL);
      CREATE TABLE test_applied (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, stream_id TEXT NOT NULL,
                                 revision INTEGER NOT NULL, worker TEXT NOT NULL);`);
  });

  afterEach(async () => {
    for (const { child } of members.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child);
    }
    raw.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two processes in one group, 1,000 events appended meanwhile: each delivered once, applied once, in order', async () => {
    const group = `g-${randomUUID()}`;
    members.push(spawnMember(file, group, 'w1', 2000, 0), spawnMember(file, group, 'w2', 2000, 0));
    await Promise.all(members.map((member) => message(member, 'ready')));

    const ids = await appendAll();
    await waitForApplied(EVENTS, 20_000);

    expectAppliedExactlyOnceInOrder(ids);
    // No double delivery while both are alive: one delivery per event, all by the lease holder.
    expect(count('SELECT count(*) FROM test_deliveries')).toBe(EVENTS);
    expect(count('SELECT count(DISTINCT event_id) FROM test_deliveries')).toBe(EVENTS);
    expect(count('SELECT count(DISTINCT worker) FROM test_deliveries')).toBe(1);

    await Promise.all(members.map((member) => (member.child.send('stop'), message(member, 'stopped'))));
    expect(count('SELECT count(*) FROM bus_leases')).toBe(0);
  });

  it('kill -9 of the consuming process mid-stream: the other takes over; every event applied exactly once', async () => {
    const group = `g-${randomUUID()}`;
    const leaseTtlMs = 500;
    members.push(spawnMember(file, group, 'w1', leaseTtlMs, 1), spawnMember(file, group, 'w2', leaseTtlMs, 1));
    await Promise.all(members.map((member) => message(member, 'ready')));

    const ids = await appendAll();
    await waitForApplied(300, 20_000);
    const active = raw.prepare('SELECT worker FROM test_deliveries LIMIT 1').pluck().get() as string;
    const victim = members.find((member) => member.worker === active) as Member;
    victim.child.kill('SIGKILL');
    await exited(victim.child);
    const appliedAtKill = count('SELECT count(*) FROM test_applied');
    members.splice(members.indexOf(victim), 1);

    await waitForApplied(EVENTS, 20_000);

    expect(appliedAtKill).toBeLessThan(EVENTS);
    expectAppliedExactlyOnceInOrder(ids);
    expect(count('SELECT count(DISTINCT event_id) FROM test_deliveries')).toBe(EVENTS);
    const survivor = members[0].worker;
    expect(count(`SELECT count(*) FROM test_applied WHERE worker = '${survivor}'`)).toBe(EVENTS - appliedAtKill);
    // Redelivered: at most the event in flight when the victim died (its checkpoint was not saved).
    expect(count('SELECT count(*) FROM test_deliveries') - EVENTS).toBeLessThanOrEqual(1);
  });
});
