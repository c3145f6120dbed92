import { randomBytes } from 'node:crypto';
import mongoose, { type Connection, type mongo } from 'mongoose';
import { v7 as uuidv7 } from 'uuid';
import type { PersonalDataKeyStore, SubjectKey } from './key-store.port';

export interface MongoKeyStoreOptions {
  /** MongoDB connection string (`MONGO_URL`). */
  url: string;
  /** Database to use; defaults to the one named in the connection string. */
  dbName?: string;
  /** Collection of the keys; `personal_data_keys` unless told (the contract suite uses fresh ones). */
  collection?: string;
  /** How long to wait for a server before failing (driver default: 30 s). */
  serverSelectionTimeoutMS?: number;
}

/** One key: `_id` is the key id (random, names no one); (tenantId, subjectId) is unique. */
interface KeyDocument {
  _id: string;
  tenantId: string;
  subjectId: string;
  key: mongo.Binary;
  createdAt: Date;
}

const MONGO_DUPLICATE_KEY = 11000;
const MAJORITY: mongo.WriteConcernSettings = { w: 'majority' };

/**
 * The key store every replica shares in production: one MongoDB collection, written and read at
 * majority on the primary, so a key that one replica created or destroyed is what every other one
 * reads next.
 *
 * - First use is an upsert with `$setOnInsert` on the unique (tenantId, subjectId) index: of two
 *   replicas creating a person's key at once, one inserts and the other matches it, so both seal with
 *   the one key. (The server retries an upsert that lost the race on the unique index; when it does
 *   not, the duplicate-key error is answered by reading the winner's key.)
 * - Erasure deletes the key's document (`deleteOne`, majority). There is no tombstone, as in the port's
 *   contract: a later use creates a fresh key, and only data written after that reads again.
 */
export class MongoKeyStore implements PersonalDataKeyStore {
  private constructor(
    private readonly connection: Connection,
    private readonly keys: mongo.Collection<KeyDocument>,
  ) {}

  static async connect(options: MongoKeyStoreOptions): Promise<MongoKeyStore> {
    const connection = await mongoose
      .createConnection(options.url, {
        ...(options.dbName ? { dbName: options.dbName } : {}),
        ...(options.serverSelectionTimeoutMS ? { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS } : {}),
        writeConcern: MAJORITY,
        readConcern: { level: 'majority' },
        readPreference: 'primary',
        autoIndex: false,
        autoCreate: false,
        bufferCommands: false,
      })
      .asPromise();
    try {
      const keys = connection.collection<KeyDocument>(options.collection ?? 'personal_data_keys');
      await keys.createIndex({ tenantId: 1, subjectId: 1 }, { unique: true, name: 'one_key_per_subject' });
      return new MongoKeyStore(connection, keys);
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  async keyFor(tenantId: string, subjectId: string): Promise<SubjectKey> {
    const found = await this.keys.findOne({ tenantId, subjectId });
    if (found) return subjectKey(found);
    const created: Omit<KeyDocument, 'tenantId' | 'subjectId'> = {
      _id: uuidv7(),
      key: new mongoose.mongo.Binary(randomBytes(32)),
      createdAt: new Date(),
    };
    try {
      const stored = await this.keys.findOneAndUpdate(
        { tenantId, subjectId },
        { $setOnInsert: created },
        { upsert: true, returnDocument: 'after', writeConcern: MAJORITY },
      );
      if (stored) return subjectKey(stored);
    } catch (error) {
      if ((error as { code?: unknown }).code !== MONGO_DUPLICATE_KEY) throw error;
    }
    // Another replica inserted the key between our read and our upsert: use theirs.
    const winner = await this.keys.findOne({ tenantId, subjectId });
    if (!winner) throw new Error(`The personal-data key of a subject of tenant ${tenantId} could not be created or read back`);
    return subjectKey(winner);
  }

  async keyIdOf(tenantId: string, subjectId: string): Promise<string | undefined> {
    const found = await this.keys.findOne({ tenantId, subjectId }, { projection: { _id: 1 } });
    return found?._id;
  }

  async keyById(keyId: string): Promise<Uint8Array | undefined> {
    const found = await this.keys.findOne({ _id: keyId });
    return found ? subjectKey(found).key : undefined;
  }

  async destroy(keyId: string): Promise<boolean> {
    const { deletedCount } = await this.keys.deleteOne({ _id: keyId }, { writeConcern: MAJORITY });
    return deletedCount > 0;
  }

  /** Drops the collection (tests only: the keys are the only way to read personal data). */
  async dropForTests(): Promise<void> {
    await this.keys.drop().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

const subjectKey = (doc: KeyDocument): SubjectKey => ({ keyId: doc._id, key: new Uint8Array(doc.key.value()) });
