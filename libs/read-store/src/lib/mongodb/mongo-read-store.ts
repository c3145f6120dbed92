import { randomUUID } from 'node:crypto';
import mongoose, { Schema, type AnyBulkWriteOperation, type ClientSession, type Connection, type Model, type mongo } from 'mongoose';
import { DuplicateKeyError, WriteConflictError } from '../errors';
import type {
  BulkOperation,
  CollectionDefinition,
  Filter,
  FindOptions,
  ReadCollection,
  ReadDocument,
  ReadSession,
  ReadStore,
  Update,
  WriteResult,
} from '../read-store.port';

/**
 * The read store on MongoDB, through mongoose.
 *
 * - One mongoose model per read model: a permissive schema (`_id: String`, anything else stored as
 *   given, no version key, empty objects kept) carrying the definition's indexes, created when the
 *   collection is opened (`createIndexes`: additive; an index the definition no longer declares is
 *   left in place, so opening a collection by name alone never drops the indexes it was built with).
 * - Writes are acknowledged by a majority (`w: 'majority'`); reads are `lean()` (plain objects).
 * - `bulkWrite` is ordered and maps the port's operations 1:1 to MongoDB's (`toMongoBulkOperations`).
 * - `withTransaction` runs on a MongoDB session transaction, so **MongoDB must run as a replica set**
 *   (a single-node one is enough: docker-compose starts `mongod --replSet rs0`; from the host use
 *   `mongodb://localhost:27017/okr?replicaSet=rs0&directConnection=true`). A standalone `mongod`
 *   rejects transactions ("Transaction numbers are only allowed on a replica set member or mongos").
 * - A unique-index violation is thrown as `DuplicateKeyError`.
 */
export interface MongoReadStoreOptions {
  /** MongoDB connection string (`MONGO_URL`). */
  url: string;
  /** Database to use; defaults to the one named in the connection string. */
  dbName?: string;
  /** How long to wait for a server before failing (driver default: 30 s). */
  serverSelectionTimeoutMS?: number;
}

const MAJORITY: mongo.WriteConcernSettings = { w: 'majority' };

/**
 * Transactions read one snapshot of majority-committed data and commit at majority, on the primary.
 * A write to a document another transaction committed after that snapshot fails with WriteConflict
 * (labelled TransientTransactionError), so a write decided by a read in the session never overwrites
 * a newer one; the driver's `withTransaction` runs the work again.
 */
const TRANSACTION_OPTIONS: mongo.TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: MAJORITY,
  readPreference: 'primary',
};

const MONGO_DUPLICATE_KEY = 11000;
const MONGO_WRITE_CONFLICT = 112;

const isWriteConflict = (error: unknown): boolean =>
  codeOf(error) === MONGO_WRITE_CONFLICT ||
  (error instanceof mongoose.mongo.MongoError && error.hasErrorLabel('TransientTransactionError'));
const MONGO_NAMESPACE_EXISTS = 48;

type ReadModel = Model<ReadDocument>;

export class MongoReadStore implements ReadStore {
  private readonly models = new Map<string, { model: ReadModel; indexes: string }>();
  private readonly sessions = new WeakMap<ReadSession, ClientSession>();

  private constructor(private readonly connection: Connection) {}

  static async connect(options: MongoReadStoreOptions): Promise<MongoReadStore> {
    const connection = await mongoose
      .createConnection(options.url, {
        ...(options.dbName ? { dbName: options.dbName } : {}),
        ...(options.serverSelectionTimeoutMS ? { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS } : {}),
        writeConcern: MAJORITY,
        // The store creates collections and indexes itself, awaiting them, so errors surface.
        autoIndex: false,
        autoCreate: false,
        // Fail fast instead of queueing operations while disconnected.
        bufferCommands: false,
      })
      .asPromise();
    return new MongoReadStore(connection);
  }

  async collection<T extends ReadDocument = ReadDocument>(definition: CollectionDefinition): Promise<ReadCollection<T>> {
    const model = this.modelFor(definition);
    try {
      await model.createCollection();
    } catch (error) {
      if (codeOf(error) !== MONGO_NAMESPACE_EXISTS) throw error;
    }
    try {
      await model.createIndexes();
    } catch (error) {
      throw asDuplicateKeyError(definition.name, error) ?? error;
    }
    return new MongoReadCollection<T>(definition.name, model, (session) => this.clientSessionOf(session));
  }

  async withTransaction<R>(work: (session: ReadSession) => Promise<R>): Promise<R> {
    const clientSession = await this.connection.startSession();
    const session: ReadSession = Object.freeze({ id: randomUUID() });
    this.sessions.set(session, clientSession);
    try {
      // The driver retries `work` on transient transaction errors, and the commit on unknown results.
      return await clientSession.withTransaction(() => work(session), TRANSACTION_OPTIONS);
    } catch (error) {
      // Still conflicting when the driver gave up retrying (its 120 s budget): the port's error.
      if (isWriteConflict(error)) throw new WriteConflictError(`Write conflict: the transaction kept losing races (${(error as Error).message})`, { cause: error });
      throw error;
    } finally {
      this.sessions.delete(session);
      await clientSession.endSession();
    }
  }

  async listCollections(): Promise<string[]> {
    const collections = await this.connection.listCollections();
    return collections
      .filter((info) => info.type === undefined || info.type === 'collection')
      .map((info) => info.name)
      .filter((name) => !name.startsWith('system.'))
      .sort();
  }

  async renameCollection(from: string, to: string): Promise<void> {
    await this.db().renameCollection(from, to, { dropTarget: true, writeConcern: MAJORITY });
  }

  async dropCollection(name: string): Promise<void> {
    // The driver treats a missing collection as already dropped.
    await this.db().dropCollection(name, { writeConcern: MAJORITY });
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private db() {
    const db = this.connection.db;
    if (!db) throw new Error('MongoReadStore: the connection is not open');
    return db;
  }

  /** One model per collection; recompiled when a definition declares other indexes. */
  private modelFor(definition: CollectionDefinition): ReadModel {
    const indexes = JSON.stringify(definition.indexes ?? []);
    const known = this.models.get(definition.name);
    if (known && known.indexes === indexes) return known.model;
    if (known) this.connection.deleteModel(definition.name);

    const schema = readModelSchema(definition);
    const model = this.connection.model<ReadDocument>(definition.name, schema, definition.name);
    this.models.set(definition.name, { model, indexes });
    return model;
  }

  private clientSessionOf(session: ReadSession | undefined): ClientSession | undefined {
    if (session === undefined) return undefined;
    const clientSession = this.sessions.get(session);
    if (!clientSession) {
      throw new Error(`ReadSession ${session.id} is not an open transaction of this MongoReadStore`);
    }
    return clientSession;
  }
}

class MongoReadCollection<T extends ReadDocument> implements ReadCollection<T> {
  constructor(
    readonly name: string,
    private readonly model: ReadModel,
    private readonly clientSessionOf: (session: ReadSession | undefined) => ClientSession | undefined,
  ) {}

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    let query = this.model.find({ ...filter }, options.projection ?? null, { session: this.clientSessionOf(options.session) ?? null });
    if (options.sort) query = query.sort(options.sort);
    if (options.skip !== undefined) query = query.skip(options.skip);
    if (options.limit !== undefined) query = query.limit(options.limit);
    return (await query.lean().exec()) as unknown as T[];
  }

  async findOne(filter: Filter, options: { session?: ReadSession } = {}): Promise<T | null> {
    return (await this.model.findOne({ ...filter }, null, { session: this.clientSessionOf(options.session) ?? null }).lean().exec()) as unknown as T | null;
  }

  async count(filter: Filter = {}): Promise<number> {
    return this.model.countDocuments({ ...filter }).exec();
  }

  async bulkWrite(operations: readonly BulkOperation[], session?: ReadSession): Promise<WriteResult> {
    const clientSession = this.clientSessionOf(session);
    if (operations.length === 0) return toWriteResult(EMPTY_RESULT);
    try {
      const result = await this.model.bulkWrite(
        toMongoBulkOperations(operations),
        // Inside a transaction the write concern is the transaction's (majority, at commit).
        clientSession ? { ordered: true, session: clientSession } : { ordered: true, writeConcern: MAJORITY },
      );
      return toWriteResult(result);
    } catch (error) {
      throw asDuplicateKeyError(this.name, error) ?? error;
    }
  }

  updateOne(filter: Filter, update: Update, options: { upsert?: boolean; session?: ReadSession } = {}): Promise<WriteResult> {
    return this.bulkWrite([{ updateOne: { filter, update, upsert: options.upsert === true } }], options.session);
  }

  deleteMany(filter: Filter, session?: ReadSession): Promise<WriteResult> {
    return this.bulkWrite([{ deleteMany: { filter } }], session);
  }
}

/**
 * The mongoose schema of a read model: `_id` is a string, every other field is stored as given
 * (`strict: false`, empty objects kept, no version key, no `id` virtual), and the definition's
 * indexes are declared. Collections and indexes are created by the store, never implicitly.
 */
export function readModelSchema(definition: CollectionDefinition): Schema<ReadDocument> {
  const schema = new Schema<ReadDocument>(
    { _id: String },
    {
      strict: false,
      strictQuery: false,
      versionKey: false,
      minimize: false,
      id: false,
      autoIndex: false,
      autoCreate: false,
      collection: definition.name,
    },
  );
  for (const index of definition.indexes ?? []) {
    schema.index(index.fields, { unique: index.unique === true });
  }
  return schema;
}

type BulkCounts = Pick<mongo.BulkWriteResult, 'insertedCount' | 'matchedCount' | 'modifiedCount' | 'deletedCount' | 'upsertedCount'>;

const EMPTY_RESULT: BulkCounts = { insertedCount: 0, matchedCount: 0, modifiedCount: 0, deletedCount: 0, upsertedCount: 0 };

/**
 * The port's bulk operations as MongoDB's, one for one and in order. Filters, updates and documents
 * are copied at the top level: mongoose casts them in place, and the caller's objects stay untouched.
 */
export function toMongoBulkOperations(operations: readonly BulkOperation[]): AnyBulkWriteOperation<ReadDocument>[] {
  return operations.map(toMongoBulkOperation);
}

function toMongoBulkOperation(operation: BulkOperation): AnyBulkWriteOperation<ReadDocument> {
  if ('insertOne' in operation) {
    return { insertOne: { document: { ...operation.insertOne.document } } };
  }
  if ('updateOne' in operation) {
    const { filter, update, upsert } = operation.updateOne;
    return { updateOne: { filter: { ...filter }, update: { ...update }, upsert: upsert === true } };
  }
  if ('updateMany' in operation) {
    const { filter, update } = operation.updateMany;
    return { updateMany: { filter: { ...filter }, update: { ...update } } };
  }
  if ('replaceOne' in operation) {
    const { filter, replacement, upsert } = operation.replaceOne;
    return { replaceOne: { filter: { ...filter }, replacement: { ...replacement }, upsert: upsert === true } };
  }
  if ('deleteOne' in operation) {
    return { deleteOne: { filter: { ...operation.deleteOne.filter } } };
  }
  if ('deleteMany' in operation) {
    return { deleteMany: { filter: { ...operation.deleteMany.filter } } };
  }
  throw new TypeError(`Unknown bulk operation: ${JSON.stringify(operation)}`);
}

/** MongoDB's BulkWriteResult counts as the port's WriteResult. */
export function toWriteResult(result: BulkCounts): WriteResult {
  return {
    matched: result.matchedCount,
    modified: result.modifiedCount,
    upserted: result.upsertedCount,
    deleted: result.deletedCount,
    inserted: result.insertedCount,
  };
}

/**
 * A MongoDB duplicate key error (code 11000) as `DuplicateKeyError`, or `undefined` for any other
 * error. Single operations carry the key (`keyValue`); bulk write errors only carry the server's
 * message, from which the `dup key: { … }` part is kept.
 */
export function asDuplicateKeyError(collection: string, error: unknown): DuplicateKeyError | undefined {
  if (codeOf(error) !== MONGO_DUPLICATE_KEY) return undefined;
  const { keyValue, writeErrors, errmsg, message } = error as {
    keyValue?: unknown;
    writeErrors?: readonly { errmsg?: string }[];
    errmsg?: string;
    message?: string;
  };
  if (keyValue !== undefined) return new DuplicateKeyError(collection, keyValue, { cause: error });
  const text = writeErrors?.[0]?.errmsg ?? errmsg ?? message ?? '';
  const dupKey = /dup key: (\{.*\})\s*$/.exec(text)?.[1];
  return new DuplicateKeyError(collection, dupKey ?? text, { cause: error });
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}
