import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * What a data folder's embedded read stores hold, by file and collection: `{id -> document}` with the
 * fields that record WHEN a process applied or bound something (not WHAT the log says) left out.
 */
export type ReadModelContents = Record<string, Record<string, Record<string, unknown>>>;

/** Records of the runner's bookkeeping, not of the log: which group a store follows, when it applied. */
const BOOKKEEPING = new Set(['_followed_groups']);
const VOLATILE_FIELDS = ['appliedAt', 'boundAt'];

const stripVolatile = (document: Record<string, unknown>): Record<string, unknown> => {
  const copy = { ...document };
  for (const field of VOLATILE_FIELDS) delete copy[field];
  return copy;
};

/** Every collection of every `*.read.sqlite` of `dataDir`, except `skip` (`file/collection`). */
export function readModelContents(dataDir: string, skip: ReadonlySet<string> = new Set()): ReadModelContents {
  const contents: ReadModelContents = {};
  for (const file of readdirSync(dataDir).filter((name) => name.endsWith('.read.sqlite')).sort()) {
    const db = new Database(join(dataDir, file), { readonly: true });
    try {
      const rows = db.prepare('SELECT collection, id, doc FROM read_docs ORDER BY collection, id').all() as { collection: string; id: string; doc: string }[];
      for (const { collection, id, doc } of rows) {
        if (BOOKKEEPING.has(collection) || skip.has(`${file}/${collection}`)) continue;
        const name = `${file}/${collection}`;
        contents[name] ??= {};
        contents[name][id] = stripVolatile(JSON.parse(doc) as Record<string, unknown>);
      }
    } finally {
      db.close();
    }
  }
  Object.assign(contents, sqlViewContents(dataDir));
  return contents;
}

/** Check-ins' SQL view of key results, learnings and questions, while it has one: its tables' rows. */
function sqlViewContents(dataDir: string): ReadModelContents {
  const file = join(dataDir, 'check-ins.view.sqlite');
  if (!existsSync(file)) return {};
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('followed_groups', 'bus_applied')").pluck().all() as string[];
    return Object.fromEntries(
      tables.map((table) => {
        const rows = db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[];
        return [`check-ins.view.sqlite/${table}`, Object.fromEntries(rows.map((row) => [JSON.stringify(row), row]))];
      }),
    );
  } finally {
    db.close();
  }
}

/**
 * A data folder for a fresh replica: the same log (event store), keys and signing key, none of the
 * read stores, so each service it starts builds its read models from the log alone.
 */
export function copyLogOnly(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (/^(events|personal-data-keys)\.sqlite(-wal|-shm)?$/.test(name)) copyFileSync(join(from, name), join(to, name));
  }
  if (existsSync(join(from, 'auth'))) cpSync(join(from, 'auth'), join(to, 'auth'), { recursive: true });
}

/** The consumer groups the read stores of `dataDir` follow (to ask the bus whether they caught up). */
export function followedGroups(dataDir: string): string[] {
  const groups: string[] = [];
  for (const file of readdirSync(dataDir).filter((name) => name.endsWith('.read.sqlite'))) {
    const db = new Database(join(dataDir, file), { readonly: true });
    try {
      const rows = db.prepare("SELECT doc FROM read_docs WHERE collection = '_followed_groups'").all() as { doc: string }[];
      groups.push(...rows.map((row) => (JSON.parse(row.doc) as { group: string }).group));
    } finally {
      db.close();
    }
  }
  // Check-ins' SQL view of its own, while it has one.
  const view = join(dataDir, 'check-ins.view.sqlite');
  if (existsSync(view)) {
    const db = new Database(view, { readonly: true });
    try {
      groups.push(...(db.prepare('SELECT consumer_group FROM followed_groups').pluck().all() as string[]));
    } finally {
      db.close();
    }
  }
  return groups;
}
