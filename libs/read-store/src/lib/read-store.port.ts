/**
 * The read-model store port: collections of JSON documents with MongoDB's query and update
 * semantics (filter, sort, limit, upsert, update operators, bulk writes, declared indexes). Adapters:
 * MongoDB through mongoose (production) and an embedded store (mingo over documents kept in SQLite).
 * Every adapter passes `readStoreContract` (`@okr/read-store/testing`).
 */
export const READ_STORE = Symbol('READ_STORE');

/** Every document has a string `_id`. */
export interface ReadDocument {
  _id: string;
  [field: string]: unknown;
}

/** A MongoDB query filter (`{ teamId: 'growth', progress: { $lt: 0.5 } }`). */
export type Filter = Record<string, unknown>;
/** A MongoDB update document with operators (`{ $set: {...}, $inc: {...}, $push: {...} }`). */
export type Update = Record<string, unknown>;
export type Sort = Record<string, 1 | -1>;

export interface IndexDefinition {
  fields: Sort;
  unique?: boolean;
}

/** A read model's collection and the indexes it queries by. */
export interface CollectionDefinition {
  name: string;
  indexes?: readonly IndexDefinition[];
}

export interface FindOptions {
  sort?: Sort;
  skip?: number;
  limit?: number;
  /** Inclusion projection (`{ title: 1, progress: 1 }`); `_id` is always returned. */
  projection?: Record<string, 1>;
  /** Read inside this transaction: its own writes included (MongoDB: a read in the session). */
  session?: ReadSession;
}

export type BulkOperation =
  | { insertOne: { document: ReadDocument } }
  | { updateOne: { filter: Filter; update: Update; upsert?: boolean } }
  | { updateMany: { filter: Filter; update: Update } }
  | { replaceOne: { filter: Filter; replacement: ReadDocument; upsert?: boolean } }
  | { deleteOne: { filter: Filter } }
  | { deleteMany: { filter: Filter } };

export interface WriteResult {
  matched: number;
  modified: number;
  upserted: number;
  deleted: number;
  inserted: number;
}

export interface ReadCollection<T extends ReadDocument = ReadDocument> {
  readonly name: string;
  find(filter?: Filter, options?: FindOptions): Promise<T[]>;
  findOne(filter: Filter, options?: { session?: ReadSession }): Promise<T | null>;
  count(filter?: Filter): Promise<number>;
  /** Ordered: operations apply in order; the first failure stops the rest and throws. */
  bulkWrite(operations: readonly BulkOperation[], session?: ReadSession): Promise<WriteResult>;
  updateOne(filter: Filter, update: Update, options?: { upsert?: boolean; session?: ReadSession }): Promise<WriteResult>;
  deleteMany(filter: Filter, session?: ReadSession): Promise<WriteResult>;
}

/** An open transaction: writes given this session commit together or not at all. */
export interface ReadSession {
  readonly id: string;
}

export interface ReadStore {
  /** Opens (and creates, with its indexes) a collection. */
  collection<T extends ReadDocument = ReadDocument>(definition: CollectionDefinition): Promise<ReadCollection<T>>;
  /**
   * Runs `work` in one transaction: a projection writes its documents, its checkpoint and its
   * idempotency records through the session, so a crash between them cannot double-apply or skip.
   * Reads outside the session never see a half-applied transaction.
   */
  withTransaction<R>(work: (session: ReadSession) => Promise<R>): Promise<R>;
  /** Names of the existing collections. */
  listCollections(): Promise<string[]>;
  /** Atomically replaces `to` with `from` (for rebuilds: build beside the live one, then switch). */
  renameCollection(from: string, to: string): Promise<void>;
  dropCollection(name: string): Promise<void>;
  close(): Promise<void>;
}
