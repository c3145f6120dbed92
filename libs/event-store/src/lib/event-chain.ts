import { hash } from 'node:crypto';
import type { EventEnvelope } from '@okr/okr-domain';

/**
 * Tamper evidence for the event log: every event carries `hash`, the SHA-256 (hex) of its
 * {@link chainedBytes}, which include the hash of the event before it in its stream. Changing,
 * removing or reordering a stored event breaks the chain at that event (or, when its own hash was
 * rewritten to match, at the next one). Adapters compute the hash at append, under the stream's
 * expected-revision check; {@link verifyChain} walks a stream and reports the first broken link.
 *
 * This is the only definition of the hashed bytes: the SQLite and KurrentDB adapters, the verifier
 * and the auditor's export all call it.
 */

/** Version tag at the start of the hashed bytes; a new scheme gets a new tag. */
export const CHAIN_SCHEME = 'okr-event-chain-v1';

/** The parts of an event that its hash covers, as a reader of the store sees them. */
export interface ChainedContent {
  id: string;
  streamId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: object;
}

/** JSON with object keys sorted at every depth (arrays keep their order), so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  try {
    return plainCanonicalJson(value) as string;
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    return referenceCanonicalJson(value);
  }
}

/**
 * The definition of the canonical bytes: `JSON.stringify` of a copy whose objects have their entries
 * sorted. (A copy's array-index keys, such as "2" and "10", come first in ascending numeric order.)
 */
export function referenceCanonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const NOT_PLAIN = Symbol('not plain JSON');
const INDEX_LIKE = /^(?:0|[1-9]\d{0,9})$/;
const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/**
 * The same bytes as {@link referenceCanonicalJson}, written in one pass without copying objects (it
 * runs for every appended event, under the write lock). It gives up (throws NOT_PLAIN) on anything
 * but plain data, where the reference's finer rules apply: `toJSON`, class instances and boxed
 * values, bigints, and index-like keys.
 */
function plainCanonicalJson(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      throw NOT_PLAIN;
  }
  if (value === null) return 'null';
  const object = value as Record<string, unknown>;
  if (typeof object['toJSON'] === 'function') throw NOT_PLAIN;
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index += 1) {
      text += `${index === 0 ? '' : ','}${plainCanonicalJson(value[index]) ?? 'null'}`;
    }
    return `${text}]`;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw NOT_PLAIN;
  let text = '{';
  let first = true;
  for (const key of Object.keys(object).sort()) {
    if (isDigit(key.charCodeAt(0)) && INDEX_LIKE.test(key)) throw NOT_PLAIN;
    const member = plainCanonicalJson(object[key]);
    if (member === undefined) continue;
    text += `${first ? '' : ','}${JSON.stringify(key)}:${member}`;
    first = false;
  }
  return `${text}}`;
}

/** The members of {@link ChainedContent}, in canonical (sorted) order. */
const CONTENT_KEYS = ['data', 'id', 'metadata', 'schemaVersion', 'streamId', 'type'] as const;

/**
 * The canonical JSON of what an event's hash covers besides its place in the chain: `canonicalJson` of
 * `{data, id, metadata, schemaVersion, streamId, type}`, written member by member without building that
 * object (this runs for every appended event).
 */
export const chainedContent = (event: ChainedContent): string => {
  try {
    let text = '{';
    for (const key of CONTENT_KEYS) {
      const member = plainCanonicalJson(event[key]);
      if (member === undefined) continue;
      text += `${text.length === 1 ? '' : ','}"${key}":${member}`;
    }
    return `${text}}`;
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    const { id, streamId, type, schemaVersion, data, metadata } = event;
    return referenceCanonicalJson({ id, streamId, type, schemaVersion, data, metadata });
  }
};

/**
 * The bytes hashed for one event, as UTF-8 text of four lines:
 * `okr-event-chain-v1`, the previous event's hash (`-` for the first hashed event of a stream), the
 * event's revision, and the canonical JSON of `{data, id, metadata, schemaVersion, streamId, type}`.
 */
export const chainedBytes = (previousHash: string | undefined, revision: number, content: string): string =>
  `${CHAIN_SCHEME}\n${previousHash ?? '-'}\n${revision}\n${content}`;

/** The hash of an event whose {@link chainedContent} is `content`. Cheap enough to run under a write lock. */
export const chainHash = (previousHash: string | undefined, revision: number, content: string): string =>
  hash('sha256', chainedBytes(previousHash, revision, content), 'hex');

/** Why a link is broken. */
export type BrokenLinkReason =
  /** The stored hash is not the hash of the stored event and its predecessor's hash. */
  | 'hash-mismatch'
  /** An event without a hash after hashed events (written by an older writer, or stripped). */
  | 'missing-hash'
  /** Revisions are not 0, 1, 2, … (an event was removed or inserted). */
  | 'revision-gap';

export interface BrokenLink {
  revision: number;
  eventId: string;
  reason: BrokenLinkReason;
  /** The hash the chain expects here (for `hash-mismatch`). */
  expected?: string;
  /** The hash stored (absent for `missing-hash`). */
  actual?: string;
}

/** What {@link verifyChain} found in one stream. */
export interface ChainReport {
  streamId: string;
  /** Events read. */
  events: number;
  /** True when no link is broken (a legacy prefix alone does not break the chain). */
  intact: boolean;
  /**
   * Events written before hashing existed carry no hash; they form a prefix the chain starts after.
   * `unchainedBefore: N` means revisions 0…N-1 are not covered (N = events when no event is hashed).
   */
  unchainedBefore: number;
  /** Hash of the last event verified (the stream's head when intact): keep it to detect a later truncation. */
  headHash?: string;
  /** The first broken link, when the chain is broken. */
  firstBrokenLink?: BrokenLink;
}

/**
 * Checks one stream's links as its events arrive (oldest first), so a whole log can be verified in
 * one pass with one verifier per stream. Events before the first hashed one are a legacy prefix,
 * reported as `unchainedBefore`, not as broken; the first hashed event then starts the chain (its
 * predecessor hash is `-`). After the first broken link it ignores the rest of the stream.
 */
export class StreamChainVerifier {
  private count = 0;
  private unchainedBefore = 0;
  private previous: string | undefined;
  private broken: BrokenLink | undefined;

  constructor(readonly streamId: string) {}

  /** Checks the next event of the stream; false once the chain is broken. */
  add(event: EventEnvelope): boolean {
    if (this.broken) return false;
    const fail = (link: Omit<BrokenLink, 'revision' | 'eventId'>): boolean => {
      this.broken = { revision: event.revision, eventId: event.id, ...link };
      return false;
    };
    if (event.revision !== this.count) return fail({ reason: 'revision-gap' });
    if (event.hash === undefined) {
      if (this.previous !== undefined) return fail({ reason: 'missing-hash' });
      this.unchainedBefore = this.count + 1;
    } else {
      const expected = chainHash(this.previous, event.revision, chainedContent(event));
      if (expected !== event.hash) return fail({ reason: 'hash-mismatch', expected, actual: event.hash });
      this.previous = event.hash;
    }
    this.count += 1;
    return true;
  }

  report(): ChainReport {
    return {
      streamId: this.streamId,
      events: this.count + (this.broken ? 1 : 0),
      intact: this.broken === undefined,
      unchainedBefore: this.unchainedBefore,
      ...(this.previous ? { headHash: this.previous } : {}),
      ...(this.broken ? { firstBrokenLink: this.broken } : {}),
    };
  }
}

/** Walks one stream's events (oldest first) and reports its first broken link, if any. */
export async function verifyChain(streamId: string, events: AsyncIterable<EventEnvelope>): Promise<ChainReport> {
  const verifier = new StreamChainVerifier(streamId);
  for await (const event of events) if (!verifier.add(event)) break;
  return verifier.report();
}
