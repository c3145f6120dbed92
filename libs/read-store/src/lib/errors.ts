/**
 * Errors every read-store adapter throws the same way, so projections and the contract suite can
 * handle them without knowing which adapter runs.
 */

/**
 * A write would give two documents the same value of a unique index (MongoDB error 11000), `_id`
 * included. `key` is the duplicated key as the adapter knows it: `{ field: value }` when it can tell,
 * otherwise the adapter's own description (for MongoDB's bulk writes, the `dup key: { … }` text).
 */
export class DuplicateKeyError extends Error {
  override readonly name = 'DuplicateKeyError';

  constructor(
    readonly collection: string,
    readonly key: unknown,
    options?: ErrorOptions,
  ) {
    super(`Duplicate key in collection "${collection}": ${describeKey(key)}`, options);
  }
}

function describeKey(key: unknown): string {
  if (typeof key === 'string') return key;
  try {
    return JSON.stringify(key) ?? String(key);
  } catch {
    return String(key);
  }
}

/**
 * A transaction lost a race: a document it read or wrote was changed by another transaction (another
 * replica, another process on the file) before it committed. `withTransaction` already ran the work
 * again as often as it would; the caller may retry the whole unit (a bus consumer does, by redelivery).
 */
export class WriteConflictError extends Error {
  override readonly name = 'WriteConflictError';
}
