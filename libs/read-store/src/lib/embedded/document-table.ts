import { getHeapStatistics } from 'node:v8';
import type { ReadDocument } from '../read-store.port';
import { documentFromText } from './stored-json';

/**
 * The committed documents of the embedded read store, with only the recently used ones parsed in the
 * process: every document is a row of the file, and the heap holds a bounded cache of them.
 *
 * Before, every document of every collection lived in the heap for the process's life. Insights on
 * the large organisation (1.5 million events) held about 1.6 GB of JSON that way, 7-8 GB of heap: it
 * needed `--max-old-space-size` beyond Node's default, and the garbage collector's work over that heap
 * was a fifth of its catch-up and the multi-second stalls of its API.
 *
 * - A {@link StoredVersion} is one committed version of one document. Its identity IS the version (a
 *   commit makes a new one), so a transaction tells whether a document changed under it by comparing
 *   versions, whether or not the document is parsed at the time.
 * - {@link DocumentTable}: a collection's `_id` -> version map. The ids stay in memory (the declared
 *   indexes and unique keys are kept in memory too, `field-index.ts`); the parsed document of a version
 *   may be evicted and is read again from the file when asked for.
 * - {@link DocumentCache}: one per store, a budget in bytes of JSON text over every collection; past it,
 *   a CLOCK sweep evicts the versions not read since it last passed them (a second chance for the ones
 *   read since). A projection's catch-up reads what it wrote a moment before (the quarter it is in),
 *   so a budget larger than that working set keeps catch-up in memory and old quarters on disk.
 * - A version's document is read again from the file by `_id`: in one process the file always holds
 *   the committed version the table points at (a commit writes the file, then swaps the version in,
 *   synchronously). Another process's commit that this one has not caught up with yet may be read a
 *   moment early (read-committed, as a transaction's other reads already are); its writes still
 *   conflict at commit, which compares versions after catching up.
 */
export class StoredVersion {
  /** Read since the cache's sweep last passed it. */
  hot = true;

  constructor(
    /** The parsed document while cached; undefined once evicted. */
    public doc: ReadDocument | undefined,
    /** The length of its JSON text: what it counts against the cache's budget. */
    readonly bytes: number,
  ) {}
}

/** The default budget: an eighth of the heap's limit in JSON text (a parsed document takes 3-5x its text). */
export const defaultCacheBytes = (): number => Math.floor(getHeapStatistics().heap_size_limit / 8);

export class DocumentCache {
  private readonly cached = new Set<StoredVersion>();
  private used = 0;
  /** Documents read back from the file because they were not cached (for the metrics). */
  fileReads = 0;

  constructor(readonly budget: number) {
    if (!Number.isFinite(budget) || budget < 0) throw new RangeError(`The read store's cache budget must be a number of bytes >= 0 (got ${budget})`);
  }

  /** A version whose document was just parsed or committed: cached, and the cache brought back within budget. */
  admit(version: StoredVersion): void {
    if (version.doc === undefined || this.cached.has(version)) return;
    this.cached.add(version);
    this.used += version.bytes;
    if (this.used > this.budget) this.sweep();
  }

  /** A version replaced by a newer one (or deleted): it leaves the cache. */
  forget(version: StoredVersion): void {
    if (this.cached.delete(version)) this.used -= version.bytes;
    version.doc = undefined;
  }

  /** JSON bytes of the documents cached, how many, and how many reads went to the file. */
  usage(): { bytes: number; documents: number; fileReads: number } {
    return { bytes: this.used, documents: this.cached.size, fileReads: this.fileReads };
  }

  /**
   * CLOCK: from the oldest admitted, a version read since the last pass is moved to the end (its
   * second chance), others are evicted, until the cache is at 90 % of its budget (so that a sweep
   * runs once per tenth of the budget admitted, not at every admission). Each version is passed at
   * most twice: the second time its flag is down.
   */
  private sweep(): void {
    const target = this.budget * 0.9;
    for (const version of this.cached) {
      if (this.used <= target) return;
      this.cached.delete(version);
      if (version.hot) {
        version.hot = false;
        this.cached.add(version);
      } else {
        this.used -= version.bytes;
        version.doc = undefined;
      }
    }
  }
}

/** Reads a document's text from the file: `(collection, _id)` -> its row, or undefined when none. */
export type DocumentReader = (collection: string, id: string) => string | undefined;

export class DocumentTable {
  private readonly versions = new Map<string, StoredVersion>();

  constructor(
    /** The collection's name in the file (a rename moves the table with its rows). */
    public name: string,
    private readonly cache: DocumentCache,
    private readonly read: DocumentReader,
  ) {}

  get size(): number {
    return this.versions.size;
  }

  has(id: string): boolean {
    return this.versions.has(id);
  }

  /** The committed version of a document (its identity says whether it changed), parsed or not. */
  version(id: string): StoredVersion | undefined {
    return this.versions.get(id);
  }

  get(id: string): ReadDocument | undefined {
    const version = this.versions.get(id);
    return version === undefined ? undefined : this.documentOf(id, version);
  }

  /**
   * The document of one of this table's versions: the cached one, or parsed from the file (and cached,
   * unless `keep` is false: a scan of a whole collection reads each once and would only flush the cache).
   */
  documentOf(id: string, version: StoredVersion, keep = true): ReadDocument | undefined {
    if (version.doc !== undefined) {
      version.hot = true;
      return version.doc;
    }
    const text = this.read(this.name, id);
    this.cache.fileReads += 1;
    if (text === undefined) return undefined;
    const document = documentFromText(text);
    if (keep && this.versions.get(id) === version) {
      version.doc = document;
      version.hot = true;
      this.cache.admit(version);
    }
    return document;
  }

  /** A committed document (its JSON text `bytes` long) replaces the version before it. */
  set(id: string, document: ReadDocument, bytes: number): void {
    const previous = this.versions.get(id);
    if (previous !== undefined) this.cache.forget(previous);
    const version = new StoredVersion(document, bytes);
    this.versions.set(id, version);
    this.cache.admit(version);
  }

  /** A committed document known by its `_id` and size only (its text is parsed when first read). */
  register(id: string, bytes: number): void {
    const previous = this.versions.get(id);
    if (previous !== undefined) this.cache.forget(previous);
    this.versions.set(id, new StoredVersion(undefined, bytes));
  }

  delete(id: string): void {
    const previous = this.versions.get(id);
    if (previous === undefined) return;
    this.cache.forget(previous);
    this.versions.delete(id);
  }

  /** Every document in insertion order with its version; evicted ones are read from the file for the walk, not cached. */
  *entries(): Generator<[id: string, version: StoredVersion, document: ReadDocument]> {
    for (const [id, version] of this.versions) {
      const document = this.documentOf(id, version, false);
      if (document !== undefined) yield [id, version, document];
    }
  }

  /** Drops every version from the cache (the table is replaced or its collection dropped). */
  release(): void {
    for (const version of this.versions.values()) this.cache.forget(version);
  }
}
