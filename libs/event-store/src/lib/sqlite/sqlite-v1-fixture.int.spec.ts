import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OBJECTIVE_CATEGORY, objectiveDecider, streamName } from '@okr/okr-domain';
import { collect } from '../../testing/event-store.contract';
import { verifyTenantLog } from '../chain-audit';
import { handleCommand, loadAggregate } from '../command-handler';
import { SqliteEventStore } from './sqlite-event-store';

/**
 * A SQLite file written by the code of before schema versions (an objective set by Ann, handed to Bo,
 * then to Cy): its `ObjectiveOwnershipTransferred` rows are schema version 1, `from` / `to`.
 */
const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'v1-ownership-transferred.sqlite');
const OBJECTIVE_ID = '0193a5e0-0000-7000-8000-000000000001';
const STREAM = streamName(OBJECTIVE_CATEGORY, OBJECTIVE_ID);
const TENANT = 'tenant-fixture';

describe('SqliteEventStore reading events written before schema versions', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-v1-fixture-'));
    copyFileSync(FIXTURE, join(dir, 'events.db'));
    store = SqliteEventStore.open({ file: join(dir, 'events.db') });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands the stored v1 ownership transfers over as v2', async () => {
    const transfers = (await collect(store.readStream(STREAM))).filter((event) => event.type === 'ObjectiveOwnershipTransferred');
    expect(transfers.map(({ schemaVersion, data }) => ({ schemaVersion, data }))).toEqual([
      { schemaVersion: 2, data: { objectiveId: OBJECTIVE_ID, fromOwnerId: 'user-ann', toOwnerId: 'user-bo', reason: 'Ann moved team' } },
      { schemaVersion: 2, data: { objectiveId: OBJECTIVE_ID, fromOwnerId: 'user-bo', toOwnerId: 'user-cy' } },
    ]);
    const stored = (await collect(store.readAll({ asStored: true }))).filter((event) => event.type === 'ObjectiveOwnershipTransferred');
    expect(stored.map(({ schemaVersion, data }) => ({ schemaVersion, data }))).toEqual([
      { schemaVersion: 1, data: { objectiveId: OBJECTIVE_ID, from: 'user-ann', to: 'user-bo', reason: 'Ann moved team' } },
      { schemaVersion: 1, data: { objectiveId: OBJECTIVE_ID, from: 'user-bo', to: 'user-cy' } },
    ]);
  });

  it('folds to the last owner, and a new transfer is written as v2 after the v1 ones', async () => {
    expect((await loadAggregate(store, STREAM, objectiveDecider, TENANT)).state).toMatchObject({ ownerId: 'user-cy' });
    await handleCommand(store, STREAM, objectiveDecider, { type: 'TransferOwnership', data: { newOwnerId: 'user-di' } }, { tenantId: TENANT, actor: 'user-cy', correlationId: 'c-1' });
    const [last] = await collect(store.readStream(STREAM, { direction: 'backwards', maxCount: 1, asStored: true }));
    expect(last).toMatchObject({ schemaVersion: 2, data: { objectiveId: OBJECTIVE_ID, fromOwnerId: 'user-cy', toOwnerId: 'user-di' } });
    expect((await loadAggregate(store, STREAM, objectiveDecider, TENANT)).state).toMatchObject({ ownerId: 'user-di' });
  });

  it('still verifies the chain over the stored bytes, v1 and v2 alike, and never rewrites them', async () => {
    await handleCommand(store, STREAM, objectiveDecider, { type: 'TransferOwnership', data: { newOwnerId: 'user-di' } }, { tenantId: TENANT, actor: 'user-cy', correlationId: 'c-1' });
    expect(await verifyTenantLog(store, TENANT)).toMatchObject({ streams: 1, events: 4, intact: true });
    await store.close();
    // Appending and reading left the v1 rows as they were written.
    const reopened = SqliteEventStore.open({ file: join(dir, 'events.db') });
    const [, firstTransfer] = await collect(reopened.readStream(STREAM, { asStored: true }));
    expect(firstTransfer).toMatchObject({ schemaVersion: 1, data: { from: 'user-ann', to: 'user-bo' } });
    store = reopened;
  });
});
