import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationProblem, encodeCursor } from '@okr/platform';
import { walkPages as walk } from '@okr/platform/testing';
import { EmbeddedReadStore } from './embedded/embedded-read-store';
import { pageCollection } from './page-collection';
import type { ReadCollection, ReadDocument } from './read-store.port';

describe('pageCollection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'okr-pagination-'));
  let store: EmbeddedReadStore;
  let objectives: ReadCollection<ReadDocument & { tenantId: string; createdAt: string; teamId: string }>;

  beforeAll(async () => {
    store = EmbeddedReadStore.open({ file: join(dir, 'read-store.db') });
    objectives = await store.collection({ name: 'objectives', indexes: [{ fields: { tenantId: 1, createdAt: -1, _id: -1 } }] });
    // Ties on createdAt: the id breaks them.
    const documents = Array.from({ length: 9 }, (_, i) => ({
      _id: `o${i}`,
      tenantId: i === 4 ? 'globex' : 'acme',
      createdAt: `2026-10-0${1 + Math.floor(i / 2)}`,
      teamId: i % 2 === 0 ? 'growth' : 'platform',
    }));
    await objectives.bulkWrite(documents.map((document) => ({ insertOne: { document } })));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('walks the filtered documents newest first, ties by id, each once', async () => {
    const spec = { list: 'objectives', sortBy: 'createdAt', order: 'desc' as const };
    const { items } = await walk((request) => pageCollection(objectives, { tenantId: 'acme' }, request, spec), 2);
    expect(items.map((o) => o._id)).toEqual(['o8', 'o7', 'o6', 'o5', 'o3', 'o2', 'o1', 'o0']);
  });

  it('walks ascending by id alone, keeping the filter on every page', async () => {
    const spec = { list: 'objectives', sortBy: '_id', order: 'asc' as const };
    const { items } = await walk((request) => pageCollection(objectives, { tenantId: 'acme', teamId: 'growth' }, request, spec), 1);
    expect(items.map((o) => o._id)).toEqual(['o0', 'o2', 'o6', 'o8']);
  });

  it('refuses another list’s cursor', async () => {
    const spec = { list: 'objectives', sortBy: 'createdAt', order: 'desc' as const };
    const cursor = encodeCursor('deliveries', { key: '2026-10-02', id: 'o3' });
    await expect(pageCollection(objectives, {}, { cursor }, spec)).rejects.toBeInstanceOf(ValidationProblem);
  });
});
