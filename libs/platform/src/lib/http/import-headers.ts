import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** Internal headers of an imported write; only {@link ImportController} can make them count. */
export const IMPORT_AT_HEADER = 'x-okr-import-at';
export const IMPORT_ACTOR_HEADER = 'x-okr-import-actor';
export const IMPORT_TOKEN_HEADER = 'x-okr-import-token';

/**
 * A per-process random secret. The import controller adds it to the requests it replays in-process;
 * it never leaves the process, so a client that sets the import headers itself is ignored.
 */
export const IMPORT_TOKEN: string = randomBytes(32).toString('hex');

/** What an imported write changes in its command context. */
export interface ImportedWrite {
  /** The original time of the change. */
  at: Date;
  /** The original author, when the import names one. */
  actor?: string;
}

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The import headers of a request replayed by the import controller; `undefined` for any other request. */
export function importedWriteOf(request: Pick<FastifyRequest, 'headers'>): ImportedWrite | undefined {
  const token = single(request.headers[IMPORT_TOKEN_HEADER]);
  if (token === undefined) return undefined;
  const given = Buffer.from(token);
  const expected = Buffer.from(IMPORT_TOKEN);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const at = new Date(single(request.headers[IMPORT_AT_HEADER]) ?? '');
  if (Number.isNaN(at.getTime())) return undefined;
  const actor = single(request.headers[IMPORT_ACTOR_HEADER]);
  return { at, ...(actor ? { actor } : {}) };
}
