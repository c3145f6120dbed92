import type { EventEnvelope } from '@okr/okr-domain';

/**
 * A page of the log as one subscription read it: every event of its category set with a position in
 * (`after`, `last`], in position order, parsed and deep-frozen. Such a range never changes once read:
 * positions are handed out in commit order and nothing deletes an event (see `SQLITE_SCHEMA`), so a
 * page read at the tail stays true for its range while later events land after `last`.
 */
export interface SharedPage {
  readonly after: number;
  readonly last: number;
  /** The events as stored (`asStored`), frozen. */
  readonly stored: readonly EventEnvelope[];
  /** The same events in their latest schema version (`readPath`), frozen; each lifted on first use. */
  readonly lifted: (EventEnvelope | undefined)[];
}

export interface SharedPagesStats {
  /** Pages read from the database (each row parsed once). */
  pagesRead: number;
  /** Rows read from the database and JSON-parsed. */
  rowsParsed: number;
  /** Pages served from memory to another subscription. */
  pagesShared: number;
  /** Events held now. */
  cachedEvents: number;
  /** Pages held now. */
  cachedPages: number;
}

interface Entry {
  readonly key: string;
  readonly page: SharedPage;
}

/**
 * The pages that the subscriptions of one store (one process's groups on the embedded bus) read
 * recently, so that a second subscription reading the same range of the same categories takes them
 * from memory instead of reading and parsing the rows again.
 *
 * Bounded by events held (`maxEvents`), least recently used page out first. A subscription holds no
 * page through the cache: one far behind the others reads its own pages (which push older ones out)
 * and keeps only the page it is delivering, as without the cache.
 */
export class SharedPages {
  private readonly byKey = new Map<string, Entry[]>();
  /** Least recently used first (a Set iterates in insertion order; a hit re-inserts). */
  private readonly recency = new Set<Entry>();
  private events = 0;
  private pagesRead = 0;
  private rowsParsed = 0;
  private pagesShared = 0;

  constructor(private readonly maxEvents: number) {}

  get enabled(): boolean {
    return this.maxEvents > 0;
  }

  /** A held page of `key` with `after` in [page.after, page.last), the one reaching furthest. */
  find(key: string, after: number): SharedPage | undefined {
    const entries = this.byKey.get(key);
    if (entries === undefined) return undefined;
    let found: Entry | undefined;
    for (const entry of entries) {
      const { page } = entry;
      if (page.after <= after && after < page.last && (found === undefined || page.last > found.page.last)) found = entry;
    }
    if (found === undefined) return undefined;
    this.recency.delete(found);
    this.recency.add(found);
    this.pagesShared += 1;
    return found.page;
  }

  /** Counts a page read from the database and keeps it (unless it alone exceeds the bound). */
  add(key: string, page: SharedPage): void {
    this.pagesRead += 1;
    this.rowsParsed += page.stored.length;
    if (page.stored.length === 0 || page.stored.length > this.maxEvents) return;
    const entries = this.byKey.get(key) ?? [];
    // A page from the same `after` that reaches further replaces one read before more was committed.
    const same = entries.find((entry) => entry.page.after === page.after);
    if (same !== undefined) this.remove(same);
    const entry: Entry = { key, page };
    entries.push(entry);
    this.byKey.set(key, entries);
    this.recency.add(entry);
    this.events += page.stored.length;
    for (const oldest of this.recency) {
      if (this.events <= this.maxEvents) break;
      this.remove(oldest);
    }
  }

  clear(): void {
    this.byKey.clear();
    this.recency.clear();
    this.events = 0;
  }

  stats(): SharedPagesStats {
    return {
      pagesRead: this.pagesRead,
      rowsParsed: this.rowsParsed,
      pagesShared: this.pagesShared,
      cachedEvents: this.events,
      cachedPages: this.recency.size,
    };
  }

  private remove(entry: Entry): void {
    if (!this.recency.delete(entry)) return;
    this.events -= entry.page.stored.length;
    const entries = this.byKey.get(entry.key);
    if (entries === undefined) return;
    const index = entries.indexOf(entry);
    if (index >= 0) entries.splice(index, 1);
    if (entries.length === 0) this.byKey.delete(entry.key);
  }
}

/** The index of the first event of `events` (in position order) with a position above `after`. */
export const firstAfter = (events: readonly EventEnvelope[], after: number): number => {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (events[middle].position <= after) low = middle + 1;
    else high = middle;
  }
  return low;
};

/**
 * Freezes a parsed event and everything in it, so the subscriptions sharing it cannot change what the
 * others see (a consumer that tries throws, in strict mode, instead of corrupting another read model).
 */
export const deepFreeze = <T>(value: T): T => {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const item of value) deepFreeze(item);
  } else {
    for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
};
