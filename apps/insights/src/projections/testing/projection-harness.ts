import { EmbeddedReadStore, type ReadDocument, type Sort } from '@okr/read-store';
import type { ProjectedEvent, ReadModel } from '@okr/messaging';

/**
 * Test harness: applies a read model's operations with the real embedded adapter (`:memory:`), the
 * way the runner does: per event, in one transaction, read `reads(event)` then bulk-write `project`.
 */
export class ProjectionHarness<Doc extends ReadDocument> {
  private constructor(
    readonly model: ReadModel<Doc>,
    private readonly store: EmbeddedReadStore,
  ) {}

  static async create<D extends ReadDocument>(model: ReadModel<D>): Promise<ProjectionHarness<D>> {
    const store = EmbeddedReadStore.open({ file: ':memory:' });
    await store.collection({ name: model.name, indexes: model.indexes });
    return new ProjectionHarness(model, store);
  }

  async apply(...events: ProjectedEvent[]): Promise<void> {
    const collection = await this.store.collection<Doc>({ name: this.model.name, indexes: this.model.indexes });
    for (const event of events) {
      if (!this.model.handles.includes(event.type)) continue;
      await this.store.withTransaction(async (session) => {
        const filter = this.model.reads(event);
        const current = filter === undefined ? [] : await collection.find(filter);
        const operations = this.model.project(event, current);
        if (operations.length > 0) await collection.bulkWrite(operations, session);
      });
    }
  }

  async all(filter: Record<string, unknown> = {}, sort: Sort = { _id: 1 }): Promise<Doc[]> {
    const collection = await this.store.collection<Doc>({ name: this.model.name, indexes: this.model.indexes });
    return collection.find(filter, { sort });
  }

  async get(id: string): Promise<Doc | null> {
    const collection = await this.store.collection<Doc>({ name: this.model.name, indexes: this.model.indexes });
    return collection.findOne({ _id: id });
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

/** Builds events of one stream with increasing revisions and a controllable clock. */
export class StreamBuilder {
  private revision = -1;
  constructor(
    readonly streamId: string,
    private readonly tenantId = 'acme',
  ) {}

  event(type: string, data: Record<string, unknown>, occurredAt: string, actor = 'ana'): ProjectedEvent {
    this.revision += 1;
    return {
      id: `${this.streamId}#${this.revision}`,
      type,
      streamId: this.streamId,
      revision: this.revision,
      data,
      metadata: { tenantId: this.tenantId, actor, occurredAt },
    };
  }
}
