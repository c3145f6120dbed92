import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Query, update as mingoUpdate } from 'mingo';
import { nextTurn } from '@okr/platform';
import { DuplicateKeyError, WriteConflictError } from '../errors';
import { FieldIndex, candidates, planFilter } from './field-index';
import { applyDirectly, compileFilter, type DocumentTest } from './direct-paths';
import { copiesOf, copyOf, documentFromText, jsonCopy, sameJson, storedDocument, textOf } from './stored-json';
import { DocumentCache, DocumentTable, defaultCacheBytes, type StoredVersion } from './document-table';
import type {
  BulkOperation,
  CollectionDefinition,
  Filter,
  FindOptions,
  IndexDefinition,
  ReadCollection,
  ReadDocument,
  ReadSession,
  ReadStore,
  Update,
  WriteResult,
} from '../read-store.port';

/**
 * The embedded read store for `npm start`: MongoDB semantics without a server.
 *
 * - Durability: every document is a JSON row in one SQLite file (`read_docs(collection, id, doc)`,
 *   WAL, `synchronous = FULL` unless the options say NORMAL), with the collections and their declared indexes in
 *   `read_collections`. A write returns only after its SQLite transaction committed.
 * - Queries: each collection is also held in memory (a Map by `_id`) and evaluated by mingo, so
 *   filters, projections and sorts follow MongoDB's rules rather than hand-written matching; filters
 *   made only of equalities and updates of top-level `$set`/`$unset`/`$inc`/`$push` (the projections'
 *   shapes) are evaluated directly (`direct-paths.ts`, tested against mingo). Documents are copied
 *   in and out by a walk that gives what a JSON round trip gives (`stored-json.ts`); a document's
 *   text is made once, by the commit that writes it. On open
 *   the existing collections are loaded from the file; a projection then catches up from the
 *   checkpoint it stored with its documents, nothing is replayed here.
 * - Updates: mingo's `update` (MongoDB update operators) applied to a copy of the document; upsert
 *   and `$setOnInsert` (which mingo lacks) follow MongoDB: no match -> seed from the filter's equality
 *   fields, apply `$setOnInsert` and the update, insert.
 * - Unique indexes: kept in memory as key -> `_id` maps and checked before anything is committed.
 * - Transactions: a session collects its writes in an overlay (changed documents and index keys)
 *   that only it sees; commit writes the overlay in ONE SQLite transaction and then swaps it into
 *   memory, synchronously, so other readers see all of it or none of it. A throw drops the overlay.
 *   Concurrency is optimistic, like MongoDB's: if a document (or collection) the session wrote was
 *   changed by someone else since the session first read or wrote it, commit fails with a write conflict and `withTransaction`
 *   runs the work again (as the MongoDB driver does for transient transaction errors). Writes
 *   without a session are their own, immediate transaction (per operation for `bulkWrite`, so an
 *   ordered bulk write keeps the operations before a failure, as MongoDB does).
 *
 * - Indexes: every declared index is also a hash map per prefix of its fields (`field-index.ts`),
 *   kept in step with each commit; a filter with an equality or `$in` on `_id` or on an index's
 *   leading fields (or an `$or` of such filters) reads only its candidates, then mingo tests them
 *   against the whole filter. A transaction indexes its own overlay the same way, so reads through
 *   its session cost the same. Other filters scan the collection in memory.
 *
 * - Several processes on one file (`npm start`'s services, replicas sharing a data folder): every
 *   commit also appends what it changed to `read_changes`: one row per collection it wrote, with the
 *   `_id`s of its documents (`ids`, a JSON array), or a row without them when the collection itself
 *   was created, re-indexed, renamed or dropped. Before each read and inside each
 *   commit, a process whose connection saw another connection commit (`PRAGMA data_version`) reads
 *   the changes after the last one it applied and reloads those documents (or collections) from the
 *   file, so it answers what the file holds. A commit runs under SQLite's write lock (`BEGIN
 *   IMMEDIATE`): it catches up first, then checks for conflicts, so a transaction that read a document
 *   another process changed meanwhile conflicts and runs again, as within one process. The change log
 *   keeps the last `keepChanges` entries; a process further behind reloads everything.
 * - Schema version 2: `read_docs` is an ordinary (rowid) table with its primary key as an index.
 *   Version 1 kept it WITHOUT ROWID, which stores each row inside the key's B-tree and splits a
 *   document of a few kilobytes (a summary) over overflow pages: writing a document cost several
 *   times more. Version 1 also logged one change row per document. A version 1 file is migrated
 *   when opened (one transaction).
 *
 * Sized for single-node use: unique indexes treat an array value as one key (no multikey unique
 * indexes), and a sort on a large candidate set is done in memory.
 */
export interface EmbeddedReadStoreOptions {
  /** The SQLite file (created with its directory if missing); `:memory:` for a throwaway store. */
  file: string;
  /**
   * How many entries of the change log other processes read to catch up are kept (default 10,000):
   * an entry is one collection's documents written by one commit.
   */
  keepChanges?: number;
  /**
   * SQLite's `synchronous` for the file (default FULL: a commit is on disk when it returns, so a
   * read model's `_applied` records never fall behind the bus checkpoint that follows them).
   */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * How many bytes of documents' JSON text the process keeps parsed (`document-table.ts`); the rest
   * are read from the file when asked for. Default: an eighth of the heap's limit (a parsed document
   * takes 3-5 times its text). 0 keeps none (every read parses its row: for tests of that path).
   */
  cacheBytes?: number;
  /**
   * Load the file's documents in the background (what a service does): `open` returns at once, the
   * documents are parsed and indexed in slices of `loadSliceMs` (default 20) with a turn of the event
   * loop between them (`nextTurn`), and every operation waits for the load to end. So a service with a
   * large store listens (`/health/live`) while it loads, rather than keeping its port closed; its
   * readiness waits for its read models, which wait for the load. Default false: loaded before `open`
   * returns (tools, tests).
   */
  loadInBackground?: boolean;
  /** Milliseconds of loading per slice in the background (default 20; 0: one chunk of rows per slice). */
  loadSliceMs?: number;
}

const SCHEMA_VERSION = 2;
/** Rows read per query while loading (in the background, a query cannot stay open across turns of the event loop). */
const LOAD_CHUNK_ROWS = 1_000;
const DEFAULT_LOAD_SLICE_MS = 20;
const DEFAULT_KEEP_CHANGES = 10_000;
/** `read_docs` (see the class comment on schema version 2). */
const READ_DOCS_COLUMNS = 'collection TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (collection, id)';

/**
 * Brings the file to {@link SCHEMA_VERSION} under the write lock (two processes opening a version 1
 * file: the second finds it migrated). Version 1 -> 2: `read_docs` copied into a rowid table, and
 * `read_changes` gains `ids` (its older rows, one `id` each, are still read).
 */
const migrate = (db: Database.Database, file: string): void =>
  db
    .transaction(() => {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version === SCHEMA_VERSION) return;
      if (version === 1) {
        db.exec(`
          CREATE TABLE read_docs_v2 (${READ_DOCS_COLUMNS});
          INSERT INTO read_docs_v2 (collection, id, doc) SELECT collection, id, doc FROM read_docs;
          DROP TABLE read_docs;
          ALTER TABLE read_docs_v2 RENAME TO read_docs;
          ALTER TABLE read_changes ADD COLUMN ids TEXT;
        `);
      } else if (version !== 0) {
        throw new Error(`Unsupported read store schema version ${version} in ${file}`);
      }
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })
    .immediate();

/** How long a commit waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MS = 5000;
/** How often `withTransaction` runs the work when commits keep conflicting. */
const MAX_TRANSACTION_ATTEMPTS = 5;

/** A row of `read_docs` as loaded: `doc` is null for a collection without indexes (registered, parsed when read). */
interface DocumentRow {
  rowid: number;
  collection: string;
  id: string;
  doc: string | null;
  bytes: number;
}

interface UniqueIndex {
  readonly fields: readonly string[];
  /** Index key (JSON of the field values) -> `_id` of the document holding it. */
  readonly keys: Map<string, string>;
}

/**
 * The committed state of one collection. Documents are never mutated in place (a write replaces
 * the Map entry), so a transaction can tell by identity whether a document changed under it. A
 * change to the collection itself (indexes, rename, drop) replaces the whole state object.
 */
interface CollectionState {
  readonly name: string;
  readonly indexes: readonly IndexDefinition[];
  readonly docs: DocumentTable;
  readonly unique: readonly UniqueIndex[];
  /** Every declared index as hash maps (the query planner's), in declaration order. */
  readonly lookup: readonly FieldIndex[];
}

const buildLookup = (indexes: readonly IndexDefinition[], docs: DocumentTable): FieldIndex[] =>
  indexes.map((definition) => {
    const index = new FieldIndex(definition);
    for (const [id, , document] of docs.entries()) index.add(id, document);
    return index;
  });

/** A collection's committed state, its unique and lookup indexes built from `docs`. */
const collectionState = (name: string, indexes: readonly IndexDefinition[], docs: DocumentTable): CollectionState => ({
  name,
  indexes,
  docs,
  unique: buildUnique(name, indexes, docs),
  lookup: buildLookup(indexes, docs),
});

const EMPTY_RESULT: WriteResult = Object.freeze({ matched: 0, modified: 0, upserted: 0, deleted: 0, inserted: 0 });

const addResults = (a: WriteResult, b: WriteResult): WriteResult => ({
  matched: a.matched + b.matched,
  modified: a.modified + b.modified,
  upserted: a.upserted + b.upserted,
  deleted: a.deleted + b.deleted,
  inserted: a.inserted + b.inserted,
});

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const valueAt = (document: unknown, path: string): unknown => {
  let current: unknown = document;
  for (const part of path.split('.')) {
    if (!isPlainObject(current)) return undefined;
    current = current[part];
  }
  return current;
};

/** MongoDB indexes a missing field as null, so two documents without it collide in a unique index. */
const indexKey = (fields: readonly string[], document: ReadDocument): string =>
  JSON.stringify(fields.map((field) => valueAt(document, field) ?? null));

const indexIdentity = (index: IndexDefinition): string => JSON.stringify([index.fields, index.unique === true]);

const keyDescription = (fields: readonly string[], document: ReadDocument): Record<string, unknown> =>
  Object.fromEntries(fields.map((field) => [field, valueAt(document, field) ?? null]));

const buildUnique = (name: string, indexes: readonly IndexDefinition[], docs: DocumentTable): UniqueIndex[] =>
  indexes
    .filter((index) => index.unique === true)
    .map((index) => {
      const fields = Object.keys(index.fields);
      const keys = new Map<string, string>();
      for (const [, , document] of docs.entries()) {
        const key = indexKey(fields, document);
        if (keys.has(key)) throw new DuplicateKeyError(name, keyDescription(fields, document));
        keys.set(key, document._id);
      }
      return { fields, keys };
    });

const assertOperators = (update: Update): void => {
  const keys = Object.keys(update);
  if (keys.length === 0 || keys.some((key) => !key.startsWith('$'))) {
    throw new Error('An update document must use update operators only ($set, $inc, …)');
  }
};

/** The update without `$setOnInsert` (mingo does not know it), and the `$setOnInsert` fields. */
const splitUpdate = (update: Update): { operators: Update; setOnInsert: Record<string, unknown> | undefined } => {
  assertOperators(update);
  const { $setOnInsert, ...operators } = update;
  return { operators, setOnInsert: $setOnInsert as Record<string, unknown> | undefined };
};

/** Applies MongoDB update operators to a copy of `document`: a new stored document. */
const applyOperators = (document: ReadDocument, operators: Update): ReadDocument => {
  // mingo's update mutates `draft` in place and rejects any `$set` of `_id`; MongoDB rejects only a
  // change of it (immutable), so setting it to its own value (a whole document as `$set`) is dropped.
  const $set = operators['$set'];
  if (isPlainObject($set) && '_id' in $set && $set['_id'] === document._id) {
    const { _id, ...rest } = $set;
    const { $set: _, ...others } = operators;
    operators = Object.keys(rest).length > 0 ? { ...others, $set: rest } : others;
  }
  // The direct path copies only the update's values in: the fields it leaves are the stored
  // document's own, shared with it (stored documents are never mutated, callers get copies).
  const direct = applyDirectly(document, jsonCopy(operators));
  if (direct !== undefined) return direct;
  const draft = copyOf(document);
  if (Object.keys(operators).length > 0) mingoUpdate(draft, operators as Parameters<typeof mingoUpdate>[1]);
  return storedDocument(draft);
};

/** The test of a filter: direct for equalities (the projections' filters), mingo's compiled query otherwise. */
const testOf = (filter: Filter): DocumentTest => {
  const direct = compileFilter(filter);
  if (direct !== undefined) return direct;
  const query = new Query(filter);
  return (document) => query.test(document);
};

/** A filter that is exactly `{ _id: '…' }`: a lookup needs no query engine to test it. */
const isIdOnly = (filter: Filter): boolean => {
  const keys = Object.keys(filter);
  return keys.length === 1 && keys[0] === '_id' && typeof filter['_id'] === 'string';
};

/** The fields an upsert seeds from its filter: top-level (and `$and`) equality conditions and `$eq`. */
const equalityFields = (filter: Filter, into: Record<string, unknown> = {}): Record<string, unknown> => {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) equalityFields(clause, into);
    } else if (key.startsWith('$')) {
      continue;
    } else if (isPlainObject(condition) && Object.keys(condition).some((operator) => operator.startsWith('$'))) {
      if ('$eq' in condition) into[key] = condition['$eq'];
    } else {
      into[key] = condition;
    }
  }
  return into;
};

/** MongoDB's upsert insert: seed from the filter, then `$setOnInsert`, then the update. */
const upsertDocument = (filter: Filter, update: Update): ReadDocument => {
  const { operators, setOnInsert } = splitUpdate(update);
  const { _id, ...seed } = equalityFields(filter);
  const id = typeof _id === 'string' ? _id : randomUUID();
  let document: ReadDocument = { _id: id };
  if (Object.keys(seed).length > 0) document = applyOperators(document, { $set: seed });
  if (setOnInsert && Object.keys(setOnInsert).length > 0) document = applyOperators(document, { $set: setOnInsert });
  return Object.keys(operators).length > 0 ? applyOperators(document, operators) : storedDocument(document);
};

/** The committed version of a document a transaction first saw (both undefined: there was none). */
interface BaseDocument {
  readonly version: StoredVersion | undefined;
  /** Its document, held by the transaction (the cache may evict it meanwhile): the index keys a commit moves. */
  readonly document: ReadDocument | undefined;
}

/** A session: the writes of one transaction, seen only by itself until commit. */
class Transaction implements ReadSession {
  readonly id = randomUUID();
  readonly collections = new Map<string, TransactionCollection>();
  ended = false;

  constructor(readonly store: EmbeddedReadStore) {}

  collection(name: string, definition: CollectionDefinition): TransactionCollection {
    let entry = this.collections.get(name);
    if (!entry) {
      entry = new TransactionCollection(name, this.store.state(name), definition, true, () => this.store.newTable(name));
      this.collections.set(name, entry);
    }
    return entry;
  }
}

/** One collection as a transaction sees it: the committed state with the transaction's changes over it. */
class TransactionCollection {
  /** `_id` -> the new document, or null when deleted. */
  readonly changes = new Map<string, ReadDocument | null>();
  /**
   * `_id` -> the committed document when this transaction first read or wrote it (undefined: it
   * was not there). A document the transaction writes must still be that one at commit, or the
   * commit conflicts: so a write decided by a read can never overwrite a newer one (MongoDB's
   * snapshot transactions refuse the same with WriteConflict). Absence is recorded for `_id`
   * lookups; a document another filter did not find and someone then inserted is not tracked.
   */
  readonly baseDocuments = new Map<string, BaseDocument>();
  /** Per unique index: key -> `_id` now holding it, or null when freed. */
  readonly uniqueChanges: Map<string, string | null>[];
  /** The committed state this transaction builds on (undefined: the collection is created by it). */
  readonly base: CollectionState | undefined;
  readonly state: CollectionState;
  /** The lookup indexes of the documents this transaction wrote (built when an indexed read needs them). */
  private overlayLookup: FieldIndex[] | undefined;
  /**
   * Documents written since the overlay's indexes were last brought up to date: most reads of a
   * projection are by `_id` and need no index, and a document written many times in one batch is
   * indexed once, in its latest version, instead of at every write.
   */
  private readonly unindexed = new Set<string>();

  constructor(
    readonly name: string,
    base: CollectionState | undefined,
    definition: CollectionDefinition,
    /** A transaction's view remembers what it read; a one-off read outside any transaction need not. */
    private readonly tracksReads = false,
    /** The table of a collection this transaction creates (a transaction's view of an existing one needs none). */
    newTable?: () => DocumentTable,
  ) {
    this.base = base;
    // Writing to a collection that does not exist creates it with the handle's indexes, as MongoDB does.
    const indexes = definition.indexes ?? [];
    if (base === undefined && newTable === undefined) throw new Error(`Collection ${name}: a view of a collection that does not exist`);
    this.state = base ?? collectionState(name, indexes, (newTable as () => DocumentTable)());
    this.uniqueChanges = this.state.unique.map(() => new Map());
  }

  get(id: string): ReadDocument | undefined {
    if (this.changes.has(id)) return this.changes.get(id) ?? undefined;
    const version = this.state.docs.version(id);
    const committed = version === undefined ? undefined : this.state.docs.documentOf(id, version);
    this.seen(id, version, committed);
    return committed;
  }

  /** Remembers the committed version this transaction saw first of a document (see `baseDocuments`). */
  private seen(id: string, version: StoredVersion | undefined, document: ReadDocument | undefined): void {
    if (this.tracksReads && !this.changes.has(id) && !this.baseDocuments.has(id)) this.baseDocuments.set(id, { version, document });
  }

  /** Every document as this transaction sees it, with its committed version (undefined: written by this transaction). */
  *documents(): Generator<[id: string, version: StoredVersion | undefined, document: ReadDocument]> {
    for (const [id, version, document] of this.state.docs.entries()) {
      if (!this.changes.has(id)) yield [id, version, document];
      else {
        const changed = this.changes.get(id);
        if (changed) yield [id, undefined, changed];
      }
    }
    for (const [id, changed] of this.changes) if (changed && !this.state.docs.has(id)) yield [id, undefined, changed];
  }

  /** The documents matching `filter`, at most `limit`: an index's candidates, else a scan in natural order. */
  match(filter: Filter, limit = Infinity): ReadDocument[] {
    if (isIdOnly(filter)) {
      const found = limit > 0 ? this.get(filter['_id'] as string) : undefined;
      return found ? [found] : [];
    }
    const test = testOf(filter);
    const plan = planFilter(filter, this.state.lookup);
    if (plan) {
      const matches: ReadDocument[] = [];
      for (const id of candidates(plan, (index, prefix, key) => this.lookup(index, prefix, key))) {
        if (matches.length >= limit) break;
        const document = this.get(id);
        if (document && test(document)) matches.push(document);
      }
      return matches;
    }
    const matches: ReadDocument[] = [];
    for (const [id, version, document] of this.documents()) {
      if (matches.length >= limit) break;
      if (!test(document)) continue;
      if (version !== undefined) this.seen(id, version, document);
      matches.push(document);
    }
    return matches;
  }

  /**
   * Committed holders of an index key and the documents this transaction wrote with it (stale ones
   * are harmless: `match` reads each candidate's current version and tests it).
   */
  private *lookup(index: number, prefix: number, key: string): Generator<string> {
    const committed = this.state.lookup[index].get(prefix, key);
    if (committed) yield* committed;
    this.indexOverlay();
    const own = this.overlayLookup?.[index].get(prefix, key);
    if (own) yield* own;
  }

  /** Adds the latest version of each document written since the last indexed read to the overlay's indexes. */
  private indexOverlay(): void {
    if (this.unindexed.size === 0) return;
    this.overlayLookup ??= this.state.indexes.map((definition) => new FieldIndex(definition));
    for (const id of this.unindexed) {
      const document = this.changes.get(id);
      if (document) for (const index of this.overlayLookup) index.add(id, document);
    }
    this.unindexed.clear();
  }

  private holder(index: number, key: string): string | null | undefined {
    const changes = this.uniqueChanges[index];
    if (changes.has(key)) return changes.get(key);
    const holder = this.state.unique[index].keys.get(key);
    // A key another process's commit moved while its old document was out of the cache stays behind
    // (its old value was unknown): the holder's document says whether it still holds it.
    return holder === undefined || holdsKey(this.state, index, holder, key) ? holder : undefined;
  }

  /**
   * Records the writes of one operation, all or none: a unique-index violation throws and leaves
   * the transaction as it was before the operation.
   */
  stage(writes: ReadonlyArray<readonly [id: string, document: ReadDocument | null]>): void {
    const undo: Array<() => void> = [];
    const set = <K, V>(map: Map<K, V>, key: K, value: V): void => {
      const had = map.has(key);
      const previous = map.get(key) as V;
      undo.push(() => (had ? map.set(key, previous) : map.delete(key)));
      map.set(key, value);
    };
    try {
      for (const [id, document] of writes) {
        const previous = this.get(id);
        if (!this.baseDocuments.has(id)) {
          const version = this.state.docs.version(id);
          set(this.baseDocuments, id, { version, document: version === undefined ? undefined : this.state.docs.documentOf(id, version) });
        }
        this.state.unique.forEach((index, position) => {
          const oldKey = previous ? indexKey(index.fields, previous) : undefined;
          const newKey = document ? indexKey(index.fields, document) : undefined;
          if (oldKey === newKey) return;
          if (oldKey !== undefined && this.holder(position, oldKey) === id) set(this.uniqueChanges[position], oldKey, null);
          if (newKey !== undefined && document) {
            const holder = this.holder(position, newKey);
            if (holder !== null && holder !== undefined && holder !== id) {
              throw new DuplicateKeyError(this.name, keyDescription(index.fields, document));
            }
            set(this.uniqueChanges[position], newKey, id);
          }
        });
        set(this.changes, id, document);
      }
      // After the checks: a failed operation must not leave index entries (a stale one would only
      // cost a test, but a document never written must not be found through the overlay).
      if (this.state.indexes.length > 0) for (const [id, document] of writes) if (document) this.unindexed.add(id);
    } catch (error) {
      for (const revert of undo.reverse()) revert();
      throw error;
    }
  }

  apply(operation: BulkOperation): WriteResult {
    if ('insertOne' in operation) {
      const given = operation.insertOne.document;
      const document = storedDocument(typeof given._id === 'string' ? given : { ...given, _id: randomUUID() });
      if (this.get(document._id)) throw new DuplicateKeyError(this.name, { _id: document._id });
      this.stage([[document._id, document]]);
      return { ...EMPTY_RESULT, inserted: 1 };
    }
    if ('updateOne' in operation) {
      const { filter, update, upsert } = operation.updateOne;
      const { operators } = splitUpdate(update);
      const [found] = this.match(filter, 1);
      if (!found) return upsert ? this.insertUpserted(upsertDocument(filter, update)) : EMPTY_RESULT;
      return this.replaceMatched([[found, applyOperators(found, operators)]]);
    }
    if ('updateMany' in operation) {
      const { filter, update } = operation.updateMany;
      const { operators } = splitUpdate(update);
      return this.replaceMatched(this.match(filter).map((found) => [found, applyOperators(found, operators)] as const));
    }
    if ('replaceOne' in operation) {
      const { filter, replacement, upsert } = operation.replaceOne;
      const copy = storedDocument(replacement) as Partial<ReadDocument>;
      const [found] = this.match(filter, 1);
      if (!found) {
        if (!upsert) return EMPTY_RESULT;
        const seededId = equalityFields(filter)['_id'];
        const id = copy._id ?? (typeof seededId === 'string' ? seededId : randomUUID());
        return this.insertUpserted(copy._id === id ? (copy as ReadDocument) : storedDocument({ ...copy, _id: id }));
      }
      if (copy._id !== undefined && copy._id !== found._id) {
        throw new Error(`Performing an update on the path '_id' would modify the immutable field '_id'`);
      }
      return this.replaceMatched([[found, copy._id === found._id ? (copy as ReadDocument) : storedDocument({ ...copy, _id: found._id })]]);
    }
    if ('deleteOne' in operation || 'deleteMany' in operation) {
      const matches = 'deleteOne' in operation ? this.match(operation.deleteOne.filter, 1) : this.match(operation.deleteMany.filter);
      this.stage(matches.map((found) => [found._id, null] as const));
      return { ...EMPTY_RESULT, deleted: matches.length };
    }
    throw new Error(`Unknown bulk operation: ${Object.keys(operation as object).join(', ')}`);
  }

  private insertUpserted(document: ReadDocument): WriteResult {
    if (this.get(document._id)) throw new DuplicateKeyError(this.name, { _id: document._id });
    this.stage([[document._id, document]]);
    return { ...EMPTY_RESULT, upserted: 1 };
  }

  /** Stages replacements, counting as modified only documents that really changed (as MongoDB does). */
  private replaceMatched(pairs: ReadonlyArray<readonly [found: ReadDocument, next: ReadDocument]>): WriteResult {
    const changed = pairs.filter(([found, next]) => !sameJson(found, next));
    this.stage(changed.map(([found, next]) => [found._id, next] as const));
    return { ...EMPTY_RESULT, matched: pairs.length, modified: changed.length };
  }
}

class EmbeddedCollection<T extends ReadDocument> implements ReadCollection<T> {
  readonly name: string;

  constructor(
    private readonly store: EmbeddedReadStore,
    private readonly definition: CollectionDefinition,
  ) {
    this.name = definition.name;
  }

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    const { sort, skip, limit, projection, session } = options;
    // Without a sort, the first skip + limit matches are the answer: stop looking there.
    const enough = sort === undefined && limit ? (skip ?? 0) + limit : Infinity;
    const matches = this.view(session)?.match(filter, enough) ?? [];
    if (!sort && !skip && !limit && !projection) return copiesOf(matches) as T[];
    // The filter is applied already; mingo does MongoDB's projection, sort, skip and limit.
    let cursor = new Query({}).find<T>(matches, projection as Parameters<Query['find']>[1]);
    if (sort) cursor = cursor.sort(sort);
    if (skip) cursor = cursor.skip(skip);
    if (limit) cursor = cursor.limit(limit);
    // mingo returns the stored objects themselves; callers get copies.
    return copiesOf(cursor.all());
  }

  async findOne(filter: Filter, options: { session?: ReadSession } = {}): Promise<T | null> {
    const [found] = this.view(options.session)?.match(filter, 1) ?? [];
    return found ? (copyOf(found) as T) : null;
  }

  /** The collection as `session` sees it (its own writes over the committed state), or as committed. */
  private view(session: ReadSession | undefined): TransactionCollection | undefined {
    if (session) return this.store.transactionOf(session).collection(this.name, this.definition);
    const state = this.store.state(this.name);
    return state ? new TransactionCollection(this.name, state, this.definition) : undefined;
  }

  async count(filter: Filter = {}): Promise<number> {
    const state = this.store.state(this.name);
    if (!state) return 0;
    return new TransactionCollection(this.name, state, this.definition).match(filter).length;
  }

  async bulkWrite(operations: readonly BulkOperation[], session?: ReadSession): Promise<WriteResult> {
    return this.store.write(session, this.name, this.definition, operations);
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean; session?: ReadSession } = {}): Promise<WriteResult> {
    return this.bulkWrite([{ updateOne: { filter, update, upsert: options.upsert } }], options.session);
  }

  async deleteMany(filter: Filter, session?: ReadSession): Promise<WriteResult> {
    return this.bulkWrite([{ deleteMany: { filter } }], session);
  }
}

/**
 * A committed document of another process (or its deletion, `bytes` its text's length) swapped into a
 * collection's state and its indexes. The file holds the new version already: when the previous one
 * is not in the cache its index keys are unknown and stay (harmless in the lookup indexes, whose
 * candidates are always tested against the filter; a unique key's holder is checked, `holdsKey`).
 */
const swapDocument = (state: CollectionState, id: string, document: ReadDocument | null, bytes: number): void => {
  const previous = state.docs.version(id)?.doc;
  for (const index of state.lookup) index.replace(id, previous, document);
  for (const unique of state.unique) {
    if (previous) {
      const key = indexKey(unique.fields, previous);
      if (unique.keys.get(key) === id) unique.keys.delete(key);
    }
    if (document) unique.keys.set(indexKey(unique.fields, document), id);
  }
  if (document) state.docs.set(id, document, bytes);
  else state.docs.delete(id);
};

/** Whether `holder`'s committed document holds `key` in the state's unique index `index`. */
const holdsKey = (state: CollectionState, index: number, holder: string, key: string): boolean => {
  const document = state.docs.get(holder);
  return document !== undefined && indexKey(state.unique[index].fields, document) === key;
};

export class EmbeddedReadStore implements ReadStore {
  private readonly collections = new Map<string, CollectionState>();
  private readonly cache: DocumentCache;
  private readonly readDocument: (collection: string, id: string) => string | undefined;
  private closed = false;
  private readonly statements;
  /** The last `read_changes` entry this process has applied (its own commits included). */
  private lastChange = 0;
  /** `PRAGMA data_version` when this process last caught up: it moves when another connection commits. */
  private dataVersion = -1;
  /** While the documents load in the background: what every operation waits for (see `loadInBackground`). */
  private loading: Promise<void> | undefined;
  /** The background load's last `rowid` read, and the largest when it started. */
  private readonly loadProgress = { rowid: 0, last: 0 };
  /** Why the background load stopped, when it failed. */
  private loadFailure: unknown;

  private constructor(
    private readonly db: Database.Database,
    private readonly keepChanges: number,
    cacheBytes: number,
  ) {
    this.cache = new DocumentCache(cacheBytes);
    this.statements = {
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      changesSince: db.prepare('SELECT seq, collection, id, ids FROM read_changes WHERE seq > ? ORDER BY seq'),
      logChange: db.prepare('INSERT INTO read_changes (collection, ids) VALUES (?, ?)'),
      lastChange: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM read_changes').pluck(),
      pruneChanges: db.prepare('DELETE FROM read_changes WHERE seq <= ?'),
      collectionRow: db.prepare('SELECT indexes FROM read_collections WHERE name = ?').pluck(),
      collectionDocs: db.prepare('SELECT id, doc FROM read_docs WHERE collection = ?'),
      document: db.prepare('SELECT doc FROM read_docs WHERE collection = ? AND id = ?').pluck(),
      insertCollection: db.prepare('INSERT OR REPLACE INTO read_collections (name, indexes) VALUES (?, ?)'),
      deleteCollection: db.prepare('DELETE FROM read_collections WHERE name = ?'),
      renameCollection: db.prepare('UPDATE read_collections SET name = ? WHERE name = ?'),
      // An upsert rewrites the row where it is: `INSERT OR REPLACE` deleted it and inserted it again at a
      // new rowid, moving it to the table's end and its key in the primary key's index, four B-tree
      // changes for each document a projection rewrites (bench:read-store's rewrites: 0.5 -> 0.7 of
      // better-sqlite3 alone; no change a quarter's catch-up could show, README).
      putDocument: db.prepare('INSERT INTO read_docs (collection, id, doc) VALUES (?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc'),
      deleteDocument: db.prepare('DELETE FROM read_docs WHERE collection = ? AND id = ?'),
      deleteDocuments: db.prepare('DELETE FROM read_docs WHERE collection = ?'),
      renameDocuments: db.prepare('UPDATE read_docs SET collection = ? WHERE collection = ?'),
    };
    const document = this.statements.document;
    this.readDocument = (collection, id) => document.get(collection, id) as string | undefined;
  }

  /** An empty table of `name`'s documents, on this store's cache and file. @internal */
  newTable(name: string): DocumentTable {
    return new DocumentTable(name, this.cache, this.readDocument);
  }

  /** How much of the documents' JSON the process holds parsed (see `cacheBytes`). */
  cacheUsage(): { bytes: number; documents: number; fileReads: number; budget: number } {
    return { ...this.cache.usage(), budget: this.cache.budget };
  }

  /** Opens (creating if needed) the store in `file` and loads its collections into memory. */
  static open(options: EmbeddedReadStoreOptions): EmbeddedReadStore {
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    const db = new Database(options.file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.exec(`
        CREATE TABLE IF NOT EXISTS read_collections (name TEXT PRIMARY KEY, indexes TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS read_docs (${READ_DOCS_COLUMNS});
        CREATE TABLE IF NOT EXISTS read_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, collection TEXT NOT NULL, id TEXT, ids TEXT);
      `);
      migrate(db, options.file);
      const store = new EmbeddedReadStore(db, options.keepChanges ?? DEFAULT_KEEP_CHANGES, options.cacheBytes ?? defaultCacheBytes());
      if (options.loadInBackground) store.loadInBackground(options.loadSliceMs ?? DEFAULT_LOAD_SLICE_MS);
      else store.reloadAll();
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /**
   * How far the background load has come, 0 to 1 (rows of the file read, by `rowid`), or undefined
   * when the documents are loaded (a load that failed stays where it stopped).
   */
  loadingProgress(): number | undefined {
    if (this.loading === undefined) return undefined;
    const { rowid, last } = this.loadProgress;
    return last === 0 ? 0 : Math.min(1, rowid / last);
  }

  /** Why the background load failed (it stays failed: every operation rejects with it), or undefined. */
  loadError(): unknown {
    return this.loadFailure;
  }

  /** Resolves when the documents are loaded (at once unless `loadInBackground`); rejects if the load failed. */
  async loaded(): Promise<void> {
    await this.loading;
  }

  /**
   * Starts loading the file's documents in slices (see `loadInBackground`). Where the change log
   * stands is read first; the rows are then read in `rowid` order, a chunk per query (a statement
   * cannot stay open across turns), so other processes may commit between two chunks: a document
   * they rewrote was read at either version (a row keeps its rowid), one they deleted perhaps still, and
   * the catch-up at the end (`sync`) reloads every document and collection the change log names since
   * that first read, as it does before any read. A change log pruned past it meanwhile reloads everything.
   */
  private loadInBackground(sliceMs: number): void {
    this.loadProgress.last = this.db.prepare<[], number>('SELECT COALESCE(MAX(rowid), 0) FROM read_docs').pluck().get() ?? 0;
    // A failed load stays in `loading`: every operation then fails with its error rather than answer
    // from the documents that did load (readiness shows it, through the read models that cannot start).
    const loading = this.loadInSlices(sliceMs).then(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    // Whoever waits sees the failure; an unobserved one must not crash the process before anyone asks.
    loading.catch((error: unknown) => {
      this.loadFailure = error;
    });
    this.loading = loading;
  }

  private async loadInSlices(sliceMs: number): Promise<void> {
    this.db.transaction(() => {
      this.dataVersion = this.statements.dataVersion.get() as number;
      this.lastChange = this.statements.lastChange.get() as number;
      this.loadCollections();
    })();
    const loadChunk = this.chunkLoader();
    for (let chunk = { after: 0, more: true }; chunk.more; ) {
      await nextTurn();
      if (this.closed) return;
      const started = performance.now();
      do {
        chunk = loadChunk(chunk.after);
        this.loadProgress.rowid = chunk.after;
      } while (chunk.more && performance.now() - started < sliceMs);
    }
    // What other processes committed while the chunks were read.
    this.sync();
  }

  /** Loads every collection from the file, and where the change log stands, in one read snapshot. */
  private reloadAll(): void {
    this.db.transaction(() => {
      for (const state of this.collections.values()) state.docs.release();
      this.collections.clear();
      this.load();
      this.dataVersion = this.statements.dataVersion.get() as number;
      this.lastChange = this.statements.lastChange.get() as number;
    })();
  }

  /**
   * Catches up with the commits of other processes on the file (see the class comment). Cheap when
   * there are none: one `PRAGMA data_version`.
   */
  private sync(): void {
    const version = this.statements.dataVersion.get() as number;
    if (version === this.dataVersion) return;
    this.db.transaction(() => {
      this.dataVersion = this.statements.dataVersion.get() as number;
      const changes = this.statements.changesSince.all(this.lastChange) as Array<{ seq: number; collection: string; id: string | null; ids: string | null }>;
      if (changes.length === 0) return;
      // The entries after ours were pruned: what changed meanwhile is unknown, so everything is reloaded.
      if (changes[0].seq > this.lastChange + 1) return this.reloadAll();
      const reload = new Set(changes.filter((change) => change.id === null && change.ids === null).map((change) => change.collection));
      for (const name of reload) this.reloadCollection(name);
      const applied = new Set<string>();
      for (const change of changes) {
        const { collection } = change;
        if (reload.has(collection)) continue;
        // A version 1 entry names one document; a version 2 entry, every document of its commit.
        const ids = change.ids !== null ? (JSON.parse(change.ids) as string[]) : change.id !== null ? [change.id] : [];
        for (const id of ids) {
          if (reload.has(collection) || applied.has(`${collection}\u0000${id}`)) continue;
          applied.add(`${collection}\u0000${id}`);
          const state = this.collections.get(collection);
          if (!state) {
            this.reloadCollection(collection);
            reload.add(collection);
            continue;
          }
          const stored = this.statements.document.get(collection, id) as string | undefined;
          swapDocument(state, id, stored === undefined ? null : documentFromText(stored), stored?.length ?? 0);
        }
      }
      this.lastChange = changes[changes.length - 1].seq;
    })();
  }

  /** Replaces a collection's state with what the file holds (a new state object: transactions on it conflict). */
  private reloadCollection(name: string): void {
    const indexes = this.statements.collectionRow.get(name) as string | undefined;
    this.collections.get(name)?.docs.release();
    if (indexes === undefined) {
      this.collections.delete(name);
      return;
    }
    const state = collectionState(name, JSON.parse(indexes) as IndexDefinition[], this.newTable(name));
    for (const row of this.statements.collectionDocs.iterate(name) as Iterable<{ id: string; doc: string }>) {
      swapDocument(state, row.id, documentFromText(row.doc), row.doc.length);
    }
    this.collections.set(name, state);
  }

  /**
   * Runs `write` under the file's write lock, after catching up, and records what it changed in the
   * change log (`changed`: collection and the `_id`s of its documents written, or null for the whole
   * collection), one entry per item.
   */
  private exclusive<R>(write: () => { result: R; changed: ReadonlyArray<readonly [collection: string, ids: readonly string[] | null]> }): R {
    return this.db
      .transaction(() => {
        this.sync();
        const { result, changed } = write();
        for (const [collection, ids] of changed) {
          this.lastChange = Number(this.statements.logChange.run(collection, ids === null ? null : JSON.stringify(ids)).lastInsertRowid);
        }
        if (changed.length > 0 && this.lastChange % 1000 < changed.length) this.statements.pruneChanges.run(this.lastChange - this.keepChanges);
        return result;
      })
      .immediate();
  }

  /**
   * Every collection of the file: a document of an indexed collection is parsed once, to index it and
   * (within the cache's budget, the last ones read staying) to keep it; one of a collection without
   * indexes is only registered, and parsed when first read.
   */
  private load(): void {
    this.loadCollections();
    const loadChunk = this.chunkLoader();
    for (let chunk = { after: 0, more: true }; chunk.more; ) chunk = loadChunk(chunk.after);
  }

  /**
   * Loads the rows of `read_docs` after a `rowid`, {@link LOAD_CHUNK_ROWS} in `rowid` order, into the
   * collections loaded (see `loadRow`: the text of a collection without indexes is not even read), and
   * says the last `rowid` read and whether rows may be left.
   */
  private chunkLoader(): (after: number) => { after: number; more: boolean } {
    const unindexed = JSON.stringify([...this.collections.values()].filter((state) => state.indexes.length === 0).map((state) => state.name));
    const chunk = this.db.prepare<[string, number, number], DocumentRow>(
      'SELECT rowid, collection, id, CASE WHEN collection IN (SELECT value FROM json_each(?)) THEN NULL ELSE doc END AS doc, length(doc) AS bytes FROM read_docs WHERE rowid > ? ORDER BY rowid LIMIT ?',
    );
    return (after) => {
      const rows = chunk.all(unindexed, after, LOAD_CHUNK_ROWS);
      for (const row of rows) this.loadRow(row);
      return { after: rows.at(-1)?.rowid ?? after, more: rows.length === LOAD_CHUNK_ROWS };
    };
  }

  /** Every collection of the file, empty, with its indexes. */
  private loadCollections(): CollectionState[] {
    const rows = this.db.prepare('SELECT name, indexes FROM read_collections').all() as Array<{ name: string; indexes: string }>;
    return rows.map(({ name, indexes }) => {
      const state = collectionState(name, JSON.parse(indexes) as IndexDefinition[], this.newTable(name));
      this.collections.set(name, state);
      return state;
    });
  }

  /** A row of `read_docs` into its collection: indexed (and parsed), or only registered when `doc` is null. */
  private loadRow(row: DocumentRow): void {
    const state = this.collections.get(row.collection);
    if (!state) return;
    if (row.doc === null) state.docs.register(row.id, row.bytes);
    else swapDocument(state, row.id, documentFromText(row.doc), row.bytes);
  }

  /** The committed state of a collection (undefined when it does not exist). @internal */
  state(name: string): CollectionState | undefined {
    this.assertOpen();
    this.sync();
    return this.collections.get(name);
  }

  async collection<T extends ReadDocument = ReadDocument>(definition: CollectionDefinition): Promise<ReadCollection<T>> {
    if (this.loading) await this.loading;
    this.assertOpen();
    const { name } = definition;
    if (typeof name !== 'string' || name.length === 0 || name.includes('\0')) throw new Error(`Invalid collection name: ${String(name)}`);
    const declared = definition.indexes ?? [];
    const needed = (existing: CollectionState | undefined): boolean => {
      if (!existing) return true;
      const known = new Set(existing.indexes.map(indexIdentity));
      return declared.some((index) => !known.has(indexIdentity(index)));
    };
    this.sync();
    // Opening a collection that exists with these indexes writes nothing (and takes no lock).
    if (!needed(this.collections.get(name))) return new EmbeddedCollection<T>(this, definition);
    this.exclusive(() => {
      const existing = this.collections.get(name);
      if (!existing) {
        const state = collectionState(name, [...declared], this.newTable(name));
        this.statements.insertCollection.run(name, JSON.stringify(state.indexes));
        this.collections.set(name, state);
        return { result: undefined, changed: [[name, null]] };
      }
      // Like createIndex: indexes accumulate; declaring one the documents violate fails.
      const known = new Set(existing.indexes.map(indexIdentity));
      const added = declared.filter((index) => !known.has(indexIdentity(index)));
      if (added.length === 0) return { result: undefined, changed: [] };
      const indexes = [...existing.indexes, ...added];
      const state = collectionState(name, indexes, existing.docs);
      this.statements.insertCollection.run(name, JSON.stringify(indexes));
      // A new state object: transactions in flight on this collection conflict and run again.
      this.collections.set(name, state);
      return { result: undefined, changed: [[name, null]] };
    });
    return new EmbeddedCollection<T>(this, definition);
  }

  /** Applies `operations` in order, in `session` or as their own immediate transaction. @internal */
  write(session: ReadSession | undefined, name: string, definition: CollectionDefinition, operations: readonly BulkOperation[]): WriteResult {
    this.assertOpen();
    if (session) {
      const transaction = this.transactionOf(session);
      const collection = transaction.collection(name, definition);
      return operations.reduce((result, operation) => addResults(result, collection.apply(operation)), EMPTY_RESULT);
    }
    const transaction = new Transaction(this);
    const collection = transaction.collection(name, definition);
    let result = EMPTY_RESULT;
    try {
      for (const operation of operations) result = addResults(result, collection.apply(operation));
    } catch (error) {
      // Ordered and not in a transaction: the operations before the failure stay, as in MongoDB.
      this.commit(transaction);
      throw error;
    }
    this.commit(transaction);
    return result;
  }

  async withTransaction<R>(work: (session: ReadSession) => Promise<R>): Promise<R> {
    if (this.loading) await this.loading;
    for (let attempt = 1; ; attempt++) {
      this.assertOpen();
      const transaction = new Transaction(this);
      try {
        const result = await work(transaction);
        this.commit(transaction);
        return result;
      } catch (error) {
        if (!(error instanceof WriteConflictError) || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
      } finally {
        transaction.ended = true;
      }
    }
  }

  /** The open transaction behind a session of this store. @internal */
  transactionOf(session: ReadSession): Transaction {
    if (!(session instanceof Transaction) || session.store !== this) throw new Error('The session does not belong to this read store');
    if (session.ended) throw new Error('The session has ended: its transaction already committed or rolled back');
    return session;
  }

  /**
   * Commits a transaction: checks for conflicts, writes every change in one SQLite transaction,
   * then swaps the changes into memory. Synchronous, so no reader sees part of it.
   */
  private commit(transaction: Transaction): void {
    this.assertOpen();
    const touched = [...transaction.collections.values()].filter((collection) => collection.changes.size > 0);
    if (touched.length === 0) return;
    // Under the write lock, after catching up with other processes: a conflict found here is final.
    const sizes = new Map<ReadDocument, number>();
    this.exclusive(() => {
      for (const collection of touched) this.checkConflicts(collection);
      const changed: Array<readonly [string, readonly string[] | null]> = [];
      for (const collection of touched) {
        if (!collection.base) {
          this.statements.insertCollection.run(collection.name, JSON.stringify(collection.state.indexes));
          changed.push([collection.name, null]);
        }
        for (const [id, document] of collection.changes) {
          if (document) {
            const text = textOf(document);
            sizes.set(document, text.length);
            this.statements.putDocument.run(collection.name, id, text);
          } else this.statements.deleteDocument.run(collection.name, id);
        }
        changed.push([collection.name, [...collection.changes.keys()]]);
      }
      return { result: undefined, changed };
    });

    for (const collection of touched) {
      const { state } = collection;
      if (!collection.base) this.collections.set(collection.name, state);
      for (const [id, document] of collection.changes) {
        // The committed version is the one this transaction started from (checked above): its document
        // is the transaction's, whether or not the cache still holds it.
        const previous = collection.baseDocuments.get(id)?.document;
        for (const index of state.lookup) index.replace(id, previous, document);
        if (document) state.docs.set(id, document, sizes.get(document) ?? 0);
        else state.docs.delete(id);
      }
      collection.uniqueChanges.forEach((changes, position) => {
        const keys = state.unique[position].keys;
        for (const [key, id] of changes) {
          if (id !== null) keys.set(key, id);
          // Freed: forget the key only if one of this transaction's documents held it (another
          // document may have taken a key this transaction only held in its overlay).
          else if (collection.changes.has(keys.get(key) ?? '')) keys.delete(key);
        }
      });
    }
  }

  private checkConflicts(collection: TransactionCollection): void {
    const conflict = (): WriteConflictError =>
      new WriteConflictError(`Write conflict in collection "${collection.name}": it changed while the transaction ran`);
    const current = this.collections.get(collection.name);
    if (current !== collection.base) throw conflict();
    if (!current) return;
    for (const id of collection.changes.keys()) if (current.docs.version(id) !== collection.baseDocuments.get(id)?.version) throw conflict();
    // A key this transaction takes may have been taken meanwhile by a document it did not touch.
    collection.uniqueChanges.forEach((changes, position) => {
      for (const [key, id] of changes) {
        if (id === null) continue;
        const holder = current.unique[position].keys.get(key);
        if (holder !== undefined && holder !== id && !collection.changes.has(holder) && holdsKey(current, position, holder, key)) throw conflict();
      }
    });
  }

  async listCollections(): Promise<string[]> {
    if (this.loading) await this.loading;
    this.assertOpen();
    this.sync();
    return [...this.collections.keys()].sort();
  }

  async renameCollection(from: string, to: string): Promise<void> {
    if (this.loading) await this.loading;
    this.assertOpen();
    if (from === to) throw new Error(`Cannot rename "${from}" to itself`);
    // One SQLite transaction, then one synchronous swap in memory: readers of `to` see the old
    // documents or the new ones, never a mix. New state objects make in-flight transactions conflict.
    this.exclusive(() => {
      const source = this.collections.get(from);
      if (!source) throw new Error(`Cannot rename "${from}": no such collection`);
      this.statements.deleteDocuments.run(to);
      this.statements.deleteCollection.run(to);
      this.statements.renameDocuments.run(to, from);
      this.statements.renameCollection.run(to, from);
      this.collections.get(to)?.docs.release();
      source.docs.name = to;
      this.collections.delete(from);
      this.collections.set(to, { ...source, name: to });
      return { result: undefined, changed: [[from, null], [to, null]] };
    });
  }

  async dropCollection(name: string): Promise<void> {
    if (this.loading) await this.loading;
    this.assertOpen();
    this.exclusive(() => {
      const state = this.collections.get(name);
      if (!state) return { result: undefined, changed: [] };
      state.docs.release();
      this.statements.deleteDocuments.run(name);
      this.statements.deleteCollection.run(name);
      this.collections.delete(name);
      return { result: undefined, changed: [[name, null]] };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.collections.clear();
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The read store is closed');
  }
}
