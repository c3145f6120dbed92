import type { ReadCollection, ReadDocument, ReadStore } from '@okr/read-store';
import type { ReadModel } from './read-model';

/**
 * The idempotency record of every read model: `{ _id: '{model}|{streamId}', revision }`, the last
 * revision of that stream the model applied, written in the same transaction as the model's documents.
 */
export const APPLIED = '_applied';

export interface AppliedDoc extends ReadDocument {
  _id: string;
  model: string;
  streamId: string;
  tenantId: string;
  revision: number;
  position: number | null;
  appliedAt: string;
}

export const appliedId = (model: string, streamId: string): string => `${model}|${streamId}`;

/** Opens each collection once (with the indexes its read model declares) and hands out the handle. */
export class ReadModelCollections {
  private readonly opened = new Map<string, Promise<ReadCollection>>();

  constructor(private readonly store: ReadStore) {}

  of<T extends ReadDocument>(model: Pick<ReadModel, 'name' | 'indexes'>): Promise<ReadCollection<T>> {
    let collection = this.opened.get(model.name);
    if (!collection) {
      collection = this.store.collection({ name: model.name, indexes: model.indexes });
      this.opened.set(model.name, collection);
    }
    return collection as Promise<ReadCollection<T>>;
  }

  applied(): Promise<ReadCollection<AppliedDoc>> {
    return this.of<AppliedDoc>({ name: APPLIED, indexes: [] });
  }
}
