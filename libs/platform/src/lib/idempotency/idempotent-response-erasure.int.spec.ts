import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Body, Controller, Inject, Post } from '@nestjs/common';
import Database from 'better-sqlite3';
import { EVENT_STORE, ProtectedEventStore, SqliteEventStore, SqliteKeyStore, handleCommand, type EventStore } from '@okr/event-store';
import { checkInDecider, checkInVersions, type CheckInsState } from '@okr/okr-domain';
import { createPlatformTestApp, type PlatformTestApp } from '../../testing';
import { Permission } from '../auth/permission.decorator';
import { idempotencyProviders } from '../bootstrap/platform.module';
import { Write, type WriteRequest } from '../http/write-request';

const ANN = 'Ann: churn is up';
const ALICE = 'Alice: churn is flat';

/** A correction whose answer echoes the corrector's note and the note it replaced (Ann's words). */
@Controller('api/corrections')
class CorrectionController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Post()
  @Permission('self:write')
  async correct(@Body() body: { note: string }, @Write() { context }: WriteRequest) {
    const command = { type: 'CorrectCheckIn' as const, data: { checkInId: 'ci1', kind: 'increase' as const, note: body.note, reason: 'recounted' } };
    const result = await handleCommand(this.store, 'checkins-kr1', checkInDecider, command, context);
    const versions = checkInVersions(result.state as CheckInsState, 'ci1');
    return { note: versions.at(-1)?.note, was: versions.at(0)?.note };
  }
}

describe('an idempotent answer that echoes personal data', () => {
  let dir: string;
  let store: ProtectedEventStore;
  let t: PlatformTestApp;
  let headers: Record<string, string>;
  const send = () => t.app.inject({ method: 'POST', url: '/api/corrections', headers, payload: { note: ALICE } });
  const erase = async (person: string) => expect(await store.keys.destroy((await store.keys.keyIdOf('acme', person)) as string)).toBe(true);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okr-idem-erasure-'));
    store = new ProtectedEventStore(SqliteEventStore.open({ file: join(dir, 'events.sqlite') }), SqliteKeyStore.open({ file: join(dir, 'keys.sqlite') }));
    const record = {
      type: 'RecordCheckIn' as const,
      data: { checkInId: 'ci1', keyResultId: 'kr1', objectiveId: 'o1', kind: 'increase' as const, value: 40, confidence: 6, note: ANN, effectiveAt: '2026-10-05' },
    };
    await handleCommand(store, 'checkins-kr1', checkInDecider, record, { tenantId: 'acme', actor: 'ann', correlationId: 'c-ann', now: new Date('2026-10-06T09:00:00Z') });
    t = await createPlatformTestApp({ controllers: [CorrectionController], providers: [{ provide: EVENT_STORE, useValue: store }, ...idempotencyProviders()] });
    headers = { authorization: `Bearer ${await t.token()}`, 'idempotency-key': 'correct-1' };
  });
  afterEach(async () => {
    await t.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores the answer sealed: the raw SQLite rows hold neither note', async () => {
    const first = await send();
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ note: ALICE, was: ANN });
    const again = await send();
    expect(again.json()).toEqual({ note: ALICE, was: ANN });
    expect(again.headers['idempotent-replayed']).toBe('true');

    const raw = new Database(join(dir, 'events.sqlite'), { readonly: true });
    try {
      const rows = raw.prepare('SELECT type, data, metadata FROM events').all() as { type: string; data: string; metadata: string }[];
      expect(rows.map((row) => row.type)).toContain('IdempotentResponseRecorded');
      const bytes = JSON.stringify(rows);
      for (const secret of [ALICE, ANN, 'Alice:', 'Ann:']) expect(bytes).not.toContain(secret);
      const recorded = rows.find((row) => row.type === 'IdempotentResponseRecorded');
      expect(JSON.parse(recorded?.data ?? '{}')).toMatchObject({ status: 201, bodyJson: expect.stringMatching(/^pd1\./) });
    } finally {
      raw.close();
    }
  });

  it.each([
    ['the requester', 'alice'],
    ['the person whose words the answer copies', 'ann'],
  ])('after the erasure of %s, a repeat is told the request was applied, without the text, and nothing runs again', async (_who, person) => {
    expect((await send()).statusCode).toBe(201);
    await erase(person);
    const again = await send();
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'idempotency-outcome-lost', details: { reason: 'personal-data-erased' } });
    expect(again.body).not.toContain('churn');
    let events = 0;
    for await (const _event of store.readStream('checkins-kr1')) events += 1;
    expect(events).toBe(2);
  });
});
