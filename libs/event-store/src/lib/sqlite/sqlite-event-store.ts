import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventEnvelope } from '@okr/okr-domain';
import { assertAppendable, assertAppendableMany, categoryOfStream, occurredAtMillis, retryStartRevision } from '../append-guards';
import { chainHash, chainedContent } from '../event-chain';
import { readPath, schemaVersionToStore } from '../read-path';
import {
  EventIdConflictError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StreamAppend,
  type SubscribeOptions,
} from '../event-store.port';
import {
  ENVELOPE_COLUMNS,
  INSERT_COLUMNS,
  INSERT_ROWS,
  insertEvents,
  SQLITE_MIGRATIONS,
  SQLITE_SCHEMA,
  SQLITE_SCHEMA_VERSION,
  STREAM_HEAD,
  configureSqliteConnection,
  type SqliteSynchronous,
} from './sqlite-schema';
import { GroupCommit, type Outcome } from './sqlite-group-commit';
import { SharedPages, deepFreeze, firstAfter, type SharedPage, type SharedPagesStats } from './shared-pages';

export interface SqliteEventStoreOptions {
  /** Database file; missing folders are created. `:memory:` gives a private, throw-away store. */
  file: string;
  /** See `configureSqliteConnection`: FULL (default) makes every returned append power-loss durable. */
  synchronous?: SqliteSynchronous;
  /**
   * How long an append waits for another connection's write lock before failing with SQLITE_BUSY.
   * better-sqlite3 is synchronous, so the wait blocks this process's event loop. Default 5000 ms.
   */
  busyTimeoutMs?: number;
  /** Rows fetched per query by reads and subscriptions. Default 500. */
  pageSize?: number;
  /**
   * How often a caught-up subscription checks for commits by other connections (other processes).
   * Appends through this instance wake its subscriptions at once. Default 10 ms.
   */
  pollIntervalMs?: number;
  /**
   * Events that subscriptions of this store share once read (see `SharedPages`): the groups of one
   * process reading the same range of the same categories read and parse it once. 0 turns sharing off
   * (each subscription reads its own pages, events not frozen). Default 8000 (16 pages of 500).
   */
  sharedPageEvents?: number;
}

type EventRow = [
  position: number,
  id: string,
  streamId: string,
  revision: number,
  type: string,
  schemaVersion: number,
  data: string,
  metadata: string,
  hash: string | null,
];

/**
 * An event ready to insert: [id, type, schemaVersion, data JSON, metadata JSON, occurredAt ms,
 * canonical content for the chain hash].
 */
type PreparedEvent = [string, string, number, string, string, number, string];

/** An append's events as the insert takes them, with the content their chain hash covers. */
const prepare = (streamId: string, events: readonly NewEvent[]): PreparedEvent[] =>
  events.map((event) => {
    const schemaVersion = schemaVersionToStore(event);
    return [
      event.id,
      event.type,
      schemaVersion,
      JSON.stringify(event.data),
      JSON.stringify(event.metadata),
      occurredAtMillis(event),
      chainedContent({ id: event.id, streamId, type: event.type, schemaVersion, data: event.data, metadata: event.metadata }),
    ];
  });

/** One append waiting for its group commit. */
interface QueuedAppend {
  streamId: string;
  events: readonly PreparedEvent[];
  expected: ExpectedRevision;
}

interface StoredRef {
  stream_id: string;
  revision: number;
  position: number;
}

const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** 16 pages of the default 500: a few MB of parsed events. */
const DEFAULT_SHARED_PAGE_EVENTS = 8000;

/** Subscriptions share pages by category set, whatever the order or repeats they name it with. */
const categoryKey = (categories: readonly string[] | undefined): string =>
  categories === undefined ? '*' : JSON.stringify([...new Set(categories)].sort());

const toEnvelope = (row: EventRow): EventEnvelope => ({
  id: row[1],
  type: row[4],
  schemaVersion: row[5],
  streamId: row[2],
  revision: row[3],
  position: row[0],
  data: JSON.parse(row[6]),
  metadata: JSON.parse(row[7]),
  ...(row[8] === null ? {} : { hash: row[8] }),
});

const toReadEnvelope = (row: EventRow): EventEnvelope => readPath(toEnvelope(row));
const reader = (asStored: boolean | undefined): ((row: EventRow) => EventEnvelope) => (asStored ? toEnvelope : toReadEnvelope);

/**
 * By shape, not `instanceof`: the native addon throws the error class of the first copy of
 * better-sqlite3 loaded in the process, which need not be ours nor share our realm's `Error` (Jest
 * loads one copy per test file, each in its own context).
 */
const isDuplicateIdError = (error: unknown): boolean => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes('events.id');
};

/**
 * The embedded event store: one SQLite file (better-sqlite3, WAL) that several processes may share.
 *
 * Appends run in `BEGIN IMMEDIATE` transactions, so the expected-revision check and the inserts hold
 * the database's single write lock together, across processes; a writer killed mid-append leaves
 * nothing behind (SQLite's atomic commit). Appends made during one turn of the event loop share one
 * transaction and so one WAL sync (group commit, see `GroupCommit`): each runs in a savepoint of its
 * own (a batch of one runs without), so an append refused by its expected revision is rolled back alone, and each caller is answered
 * only after the shared transaction committed. Each event's chain hash is computed in that transaction,
 * from the stream head it checked, so two writers can never chain to the same predecessor. Reads and subscriptions page through the log with keyset
 * queries, `pageSize` rows at a time.
 */
export class SqliteEventStore implements EventStore {
  private readonly pageSize: number;
  private readonly pollIntervalMs: number;
  /** `insertEvents[n]` inserts n events (prepared on first use). */
  private readonly insertEvents: Database.Statement<unknown[]>[] = [];
  private readonly streamHead: Database.Statement<[string], { revision: number; hash: string | null }>;
  private readonly storedRef: Database.Statement<[string], StoredRef>;
  private readonly streamForwards: Database.Statement<[string, number, number, number], EventRow>;
  private readonly streamBackwards: Database.Statement<[string, number, number, number], EventRow>;
  private readonly allAfter: Database.Statement<[number, number], EventRow>;
  private readonly categoriesAfter = new Map<number, { lastPosition: Database.Statement<unknown[], number>; rows: Database.Statement<unknown[], EventRow> }>();
  private readonly headStatement: Database.Statement<[], number | null>;
  private readonly dataVersion: Database.Statement<[], number>;
  private readonly appendTransaction: Database.Transaction<
    (streamId: string, events: readonly PreparedEvent[], expected: ExpectedRevision) => AppendResult
  >;
  private readonly groupCommit: GroupCommit<QueuedAppend, AppendResult>;
  private readonly appendManyTransaction: Database.Transaction<(appends: readonly QueuedAppend[]) => AppendResult[]>;
  /** Subscriptions waiting for a commit; woken by local appends or by the poll below. */
  private readonly waiters = new Set<() => void>();
  private readonly subscriptions = new Set<AbortController>();
  private readonly sharedPages: SharedPages;
  private lastDataVersion: number;
  private pollTimer: NodeJS.Timeout | undefined;
  private closed = false;

  /** Opens (and if needed creates) the store. Synchronous, like SQLite itself. */
  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    const db = new Database(options.file, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      configureSqliteConnection(db, options.synchronous ?? 'FULL');
      migrate(db, options.file);
      return new SqliteEventStore(db, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  private constructor(
    private readonly db: Database.Database,
    options: SqliteEventStoreOptions,
  ) {
    this.pageSize = options.pageSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 10;
    this.sharedPages = new SharedPages(options.sharedPageEvents ?? DEFAULT_SHARED_PAGE_EVENTS);
    this.streamHead = db.prepare<[string], { revision: number; hash: string | null }>(STREAM_HEAD);
    this.storedRef = db.prepare('SELECT stream_id, revision, position FROM events WHERE id = ?');
    this.streamForwards = db
      .prepare<[string, number, number, number], EventRow>(
        `SELECT ${ENVELOPE_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? AND occurred_at <= ?
         ORDER BY revision LIMIT ?`,
      )
      .raw();
    this.streamBackwards = db
      .prepare<[string, number, number, number], EventRow>(
        `SELECT ${ENVELOPE_COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? AND occurred_at <= ?
         ORDER BY revision DESC LIMIT ?`,
      )
      .raw();
    this.allAfter = db
      .prepare<[number, number], EventRow>(`SELECT ${ENVELOPE_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`)
      .raw();
    this.headStatement = db.prepare<[], number | null>('SELECT max(position) FROM events').pluck();
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.lastDataVersion = this.dataVersion.get() ?? 0;
    this.appendTransaction = db.transaction((streamId, events, expected) => this.appendInTransaction(streamId, events, expected));
    // Inside the batch's transaction, `appendTransaction` runs in a savepoint (better-sqlite3 nests
    // transactions that way), so one append's failure rolls back that append alone. A batch of one
    // append (one caller appending after another) needs no savepoint: its own transaction is the unit.
    const commitOne = db.transaction((append: QueuedAppend) => this.appendInTransaction(append.streamId, append.events, append.expected));
    const commitBatch = db.transaction((batch: readonly QueuedAppend[]) =>
      batch.map<Outcome<AppendResult>>(({ streamId, events, expected }) => {
        try {
          return { ok: true, result: this.appendTransaction(streamId, events, expected) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
    const commit = (batch: readonly QueuedAppend[]): Outcome<AppendResult>[] => {
      if (batch.length > 1) return commitBatch.immediate(batch);
      try {
        return [{ ok: true, result: commitOne.immediate(batch[0]) }];
      } catch (error) {
        return [{ ok: false, error }];
      }
    };
    // Each part in a savepoint of one transaction: the first that throws rolls the whole batch back.
    this.appendManyTransaction = db.transaction((appends: readonly QueuedAppend[]) =>
      appends.map(({ streamId, events, expected }) => this.appendTransaction(streamId, events, expected)),
    );
    this.groupCommit = new GroupCommit(commit, () => this.wakeSubscriptions());
  }

  /**
   * The expected-revision check and the inserts of one append; runs inside a transaction or savepoint.
   * Each event's hash chains to the stream head read here, under the write lock.
   */
  private appendInTransaction(streamId: string, events: readonly PreparedEvent[], expected: ExpectedRevision): AppendResult {
    const head = this.streamHead.get(streamId);
    const current = head?.revision ?? null;
    if (expected === 'no_stream' ? current !== null : typeof expected === 'number' && current !== expected) {
      throw new WrongExpectedRevisionError(streamId, expected, current ?? 'no_stream');
    }
    const category = categoryOfStream(streamId);
    let revision = current ?? -1;
    // A stream written before the chain existed has no hash at its head: the chain starts here.
    let previousHash = head?.hash ?? undefined;
    let position = 0;
    // Up to INSERT_ROWS events per INSERT: one statement call instead of one per event.
    for (let from = 0; from < events.length; from += INSERT_ROWS) {
      const rows = Math.min(INSERT_ROWS, events.length - from);
      const parameters: unknown[] = new Array(rows * INSERT_COLUMNS);
      for (let row = 0, at = 0; row < rows; row += 1) {
        const [id, type, schemaVersion, data, metadata, occurredAt, content] = events[from + row];
        revision += 1;
        previousHash = chainHash(previousHash, revision, content);
        parameters[at++] = id;
        parameters[at++] = streamId;
        parameters[at++] = revision;
        parameters[at++] = type;
        parameters[at++] = schemaVersion;
        parameters[at++] = data;
        parameters[at++] = metadata;
        parameters[at++] = occurredAt;
        parameters[at++] = category;
        parameters[at++] = previousHash;
      }
      // Rows get rowids in VALUES order, so the last inserted rowid is this append's last position.
      position = Number(this.insertStatement(rows).run(parameters).lastInsertRowid);
    }
    return { nextExpectedRevision: revision, position };
  }

  private insertStatement(rows: number): Database.Statement<unknown[]> {
    let statement = this.insertEvents[rows];
    if (statement === undefined) {
      statement = this.db.prepare(insertEvents(rows));
      this.insertEvents[rows] = statement;
    }
    return statement;
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    assertAppendable(streamId, events, expected);
    // Serialise before taking the write lock, so other writers wait only for the inserts.
    const prepared = prepare(streamId, events);
    const outcome = await this.groupCommit.submit({ streamId, events: prepared, expected });
    if (outcome.ok) return outcome.result;
    const { error } = outcome;
    // The optimistic path costs nothing extra; only a failed append asks whether it was a retry (whose
    // original may have committed in the same batch: the batch has committed by now).
    if (error instanceof WrongExpectedRevisionError || isDuplicateIdError(error)) {
      const original = this.originalAppend(streamId, events, expected);
      if (original) return original;
    }
    throw error;
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    assertAppendableMany(appends);
    const prepared = appends.map(({ streamId, events, expected }) => ({ streamId, events: prepare(streamId, events), expected }));
    const results = this.appendManyTransaction.immediate(prepared);
    this.wakeSubscriptions();
    return results;
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<EventEnvelope> {
    const backwards = options.direction === 'backwards';
    const until = untilMillis(options.until);
    let next = options.fromRevision ?? (backwards ? NO_LIMIT : 0);
    let remaining = options.maxCount ?? NO_LIMIT;
    const statement = backwards ? this.streamBackwards : this.streamForwards;
    const toOut = reader(options.asStored);
    while (remaining > 0 && next >= 0) {
      const limit = Math.min(this.pageSize, remaining);
      const rows = statement.all(streamId, next, until, limit);
      for (const row of rows) yield toOut(row);
      if (rows.length < limit) return;
      remaining -= rows.length;
      next = rows[rows.length - 1][3] + (backwards ? -1 : 1);
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<EventEnvelope> {
    let after = options.after ?? 0;
    let remaining = options.maxCount ?? NO_LIMIT;
    const toOut = reader(options.asStored);
    while (remaining > 0) {
      const limit = Math.min(this.pageSize, remaining);
      const rows = this.pageAfter(after, options.categories, limit);
      for (const row of rows) yield toOut(row);
      if (rows.length < limit) return;
      remaining -= rows.length;
      after = rows[rows.length - 1][0];
    }
  }

  async *subscribe(options: SubscribeOptions = {}): AsyncIterable<EventEnvelope> {
    if (this.closed || options.signal?.aborted) return;
    // One controller ends the subscription on the caller's signal or on close().
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    this.subscriptions.add(stop);
    const asStored = options.asStored === true;
    const key = categoryKey(options.categories);
    try {
      let after = options.after ?? 0;
      while (!stop.signal.aborted) {
        const page = this.subscriptionPage(key, after, options.categories);
        if (page === undefined) {
          // Registered in the same tick as the empty read: no commit can slip in between unnoticed.
          await this.nextCommit(stop.signal);
          continue;
        }
        // A page another subscription read may start before `after`: deliver from the first event past it.
        for (let index = firstAfter(page.stored, after); index < page.stored.length; index += 1) {
          if (stop.signal.aborted) return;
          const event = asStored ? page.stored[index] : this.lifted(page, index);
          yield event;
          after = event.position;
        }
      }
    } finally {
      this.subscriptions.delete(stop);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** How many pages and rows subscriptions read from the database, and how many they shared. */
  sharedPageStats(): SharedPagesStats {
    return this.sharedPages.stats();
  }

  /**
   * The events of `categories` right after `after`, up to a page: a page another subscription of this
   * store read (if it holds `after`), else read from the database (and kept for the others); undefined
   * when there is none yet.
   */
  private subscriptionPage(key: string, after: number, categories: readonly string[] | undefined): SharedPage | undefined {
    const sharing = this.sharedPages.enabled;
    if (sharing) {
      const shared = this.sharedPages.find(key, after);
      if (shared !== undefined) return shared;
    }
    const rows = this.pageAfter(after, categories, this.pageSize);
    if (rows.length === 0) return undefined;
    const stored = sharing ? rows.map((row) => deepFreeze(toEnvelope(row))) : rows.map(toEnvelope);
    const page: SharedPage = { after, last: rows[rows.length - 1][0], stored, lifted: [] };
    this.sharedPages.add(key, page);
    return page;
  }

  /** The page's event at `index` in its latest schema version, lifted once for all who share the page. */
  private lifted(page: SharedPage, index: number): EventEnvelope {
    let event = page.lifted[index];
    if (event === undefined) {
      event = readPath(page.stored[index]);
      if (this.sharedPages.enabled) deepFreeze(event);
      page.lifted[index] = event;
    }
    return event;
  }

  async headPosition(): Promise<number> {
    return this.headStatement.get() ?? -1;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Appends already queued are committed (and answered) before the connection goes.
    this.groupCommit.flush();
    for (const subscription of this.subscriptions) subscription.abort();
    this.sharedPages.clear();
    clearTimeout(this.pollTimer);
    this.db.close();
  }

  /** The result of the original append when `events` is a retry of it; see the port's `append`. */
  private originalAppend(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): AppendResult | undefined {
    const stored = events.map((event) => this.storedRef.get(event.id));
    const storedIds = events.filter((_, index) => stored[index] !== undefined).map((event) => event.id);
    if (storedIds.length === 0) return undefined;
    const first = stored[0];
    const start = retryStartRevision(expected);
    const isRetry =
      first !== undefined &&
      (start === undefined || first.revision === start) &&
      stored.every((ref, index) => ref?.stream_id === streamId && ref.revision === first.revision + index);
    if (!isRetry) {
      const where = stored
        .filter((ref) => ref !== undefined)
        .map((ref) => `${ref.stream_id}@${ref.revision}`)
        .join(', ');
      throw new EventIdConflictError(
        streamId,
        storedIds,
        `${storedIds.length} of ${events.length} ids stored (at ${where}), which is not this append with expected ${String(expected)}`,
      );
    }
    const last = stored[stored.length - 1] as StoredRef;
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  private pageAfter(after: number, categories: readonly string[] | undefined, limit: number): EventRow[] {
    if (categories === undefined) return this.allAfter.all(after, limit);
    const distinct = [...new Set(categories)];
    if (distinct.length === 0) return [];
    if (distinct.length === 1) return this.categoryStatements(1).rows.all(distinct[0], after, Number.MAX_SAFE_INTEGER, limit);
    const { lastPosition, rows } = this.categoryStatements(distinct.length);
    const bounds: unknown[] = [];
    for (const category of distinct) bounds.push(category, after, limit);
    bounds.push(limit - 1);
    // Where the page ends, from the (category, position) index alone; absent: fewer than a page remain.
    const last = (lastPosition.get(...bounds) as number | undefined) ?? Number.MAX_SAFE_INTEGER;
    const parameters: unknown[] = [];
    for (const category of distinct) parameters.push(category, after, last);
    parameters.push(limit);
    return rows.all(...parameters);
  }

  /**
   * A page of several categories in two steps. `category IN (…) ORDER BY position` would sort every
   * remaining row of those categories for each page, and a UNION ALL of per-category scans each
   * limited to a page reads up to a page of whole rows per category to keep one page (six categories:
   * six pages of rows read, parsed by SQLite and dropped; 3 s against 1 s for a 379k-event log here).
   * So the page's last position is found first from the covering (category, position) index (per
   * category the next `limit` positions, the `limit`-th of their union), then only the rows up to it
   * are read, per category. The second step's LIMIT keeps the page a page if events were appended
   * between the two (each reads a prefix of the log, the second a longer one).
   */
  private categoryStatements(count: number): { lastPosition: Database.Statement<unknown[], number>; rows: Database.Statement<unknown[], EventRow> } {
    let statements = this.categoriesAfter.get(count);
    if (!statements) {
      const position = 'SELECT * FROM (SELECT position FROM events WHERE category = ? AND position > ? ORDER BY position LIMIT ?)';
      const range = `SELECT ${ENVELOPE_COLUMNS} FROM events WHERE category = ? AND position > ? AND position <= ?`;
      statements = {
        lastPosition: this.db.prepare<unknown[], number>(`${Array.from({ length: count }, () => position).join(' UNION ALL ')} ORDER BY position LIMIT 1 OFFSET ?`).pluck(),
        rows: this.db.prepare<unknown[], EventRow>(`${Array.from({ length: count }, () => range).join(' UNION ALL ')} ORDER BY position LIMIT ?`).raw(),
      };
      this.categoriesAfter.set(count, statements);
    }
    return statements;
  }

  private nextCommit(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
      this.schedulePoll();
    });
  }

  private wakeSubscriptions(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /**
   * `PRAGMA data_version` changes when another connection commits; it is a read of the connection's
   * state, so polling it every few ms costs microseconds. The timer runs only while someone waits.
   */
  private schedulePoll(): void {
    if (this.pollTimer !== undefined || this.waiters.size === 0 || this.closed) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      if (this.closed) return;
      const version = this.dataVersion.get() ?? 0;
      if (version !== this.lastDataVersion) {
        this.lastDataVersion = version;
        this.wakeSubscriptions();
      }
      this.schedulePoll();
    }, this.pollIntervalMs);
  }
}

const untilMillis = (until: Date | undefined): number => {
  if (until === undefined) return NO_LIMIT;
  const millis = until.getTime();
  if (Number.isNaN(millis)) throw new RangeError('readStream: `until` is an invalid Date');
  return millis;
};

/** Creates the schema on first open; refuses files written by a newer schema. */
const migrate = (db: Database.Database, file: string): void => {
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  if (version() > SQLITE_SCHEMA_VERSION) {
    throw new Error(`${file} has event-store schema ${version()}; this build knows up to ${SQLITE_SCHEMA_VERSION}`);
  }
  if (version() === SQLITE_SCHEMA_VERSION) return;
  // Under the write lock, so processes opening a file at the same moment create or migrate it once.
  // A migration may copy the whole log (about 7 s per 200,000 events on a small VM): the services
  // started beside the one migrating wait for it rather than fail after the usual busy timeout.
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${MIGRATION_WAIT_MS}`);
  try {
    db.transaction(() => {
      if (version() >= SQLITE_SCHEMA_VERSION) return;
      if (version() === 0) {
        db.exec(SQLITE_SCHEMA);
      } else {
        for (let from = version(); from < SQLITE_SCHEMA_VERSION; from += 1) db.exec(SQLITE_MIGRATIONS[from]);
      }
      db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
    }).immediate();
  } finally {
    db.pragma(`busy_timeout = ${busyTimeout}`);
  }
};

/** How long opening a file of an older schema waits for the write lock (another process migrating it). */
const MIGRATION_WAIT_MS = 15 * 60_000;
