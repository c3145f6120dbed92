import { createHash } from 'node:crypto';
import { placeAt, type EventEnvelope } from '@okr/okr-domain';
import { CHAIN_SCHEME, StreamChainVerifier, type ChainReport } from './event-chain';
import type { EventStore } from './event-store.port';
import { sealedValuesOf } from './personal-data/personal-data-protection';
import { ProtectedEventStore } from './personal-data/protected-event-store';

/** What {@link verifyTenantLog} found in every stream of one tenant. */
export interface TenantChainReport {
  tenantId: string;
  streams: number;
  events: number;
  intact: boolean;
  /** Streams with a legacy (pre-chain) prefix, with where their chain starts. */
  unchained: { streamId: string; unchainedBefore: number }[];
  /** Streams whose chain is broken, each with its first broken link. */
  broken: ChainReport[];
}

/**
 * Verifies the chain of every stream of a tenant in one pass over the global log (one verifier per
 * stream; events of other tenants are skipped). Reads events as stored: the chain hashes those bytes.
 */
export async function verifyTenantLog(store: EventStore, tenantId: string): Promise<TenantChainReport> {
  const verifiers = new Map<string, StreamChainVerifier>();
  for await (const event of store.readAll({ asStored: true })) {
    if (event.metadata.tenantId !== tenantId) continue;
    let verifier = verifiers.get(event.streamId);
    if (!verifier) verifiers.set(event.streamId, (verifier = new StreamChainVerifier(event.streamId)));
    verifier.add(event);
  }
  const reports = [...verifiers.values()].map((verifier) => verifier.report());
  const broken = reports.filter((report) => !report.intact);
  return {
    tenantId,
    streams: reports.length,
    events: reports.reduce((sum, report) => sum + report.events, 0),
    intact: broken.length === 0,
    unchained: reports.filter((r) => r.unchainedBefore > 0).map((r) => ({ streamId: r.streamId, unchainedBefore: r.unchainedBefore })),
    broken,
  };
}

/** The last line of an export: what it holds and how to check it. */
export interface ExportManifest {
  scheme: typeof CHAIN_SCHEME;
  tenantId: string;
  exportedAt: string;
  /** What was asked for, e.g. `{ stream: 'objective-…' }` or `{ cycleId: '…' }`. */
  scope: Record<string, string>;
  /** Per stream, in file order: its chain as exported. Keep `headHash` to detect a later rewrite. */
  streams: ChainReport[];
  /** SHA-256 (hex) of every byte of the file before this line: `head -n -1 FILE | sha256sum`. */
  linesSha256: string;
}

/**
 * An auditor's export as JSON Lines: each event of `streamIds` (stream after stream, oldest first) on
 * its own line, then one last line `{"manifest": ExportManifest}`. Streams of another tenant are left
 * out. An event reads as the platform shows it (personal data opened, an erased person's as
 * `"erased person"`); `sealed` carries the stored values of its personal fields by location, so that
 * {@link verifyExport} rebuilds the stored event and checks its hash.
 */
export async function* exportStreams(
  store: EventStore,
  tenantId: string,
  streamIds: readonly string[],
  scope: Record<string, string>,
): AsyncIterable<string> {
  const digest = createHash('sha256');
  const streams: ChainReport[] = [];
  for (const streamId of streamIds) {
    const verifier = new StreamChainVerifier(streamId);
    for await (const event of store.readStream(streamId, { asStored: true })) {
      if (event.metadata.tenantId !== tenantId) break;
      verifier.add(event);
      const line = `${JSON.stringify(await readable(store, event))}\n`;
      digest.update(line);
      yield line;
    }
    if (verifier.report().events > 0) streams.push(verifier.report());
  }
  const manifest: ExportManifest = { scheme: CHAIN_SCHEME, tenantId, exportedAt: new Date().toISOString(), scope, streams, linesSha256: digest.digest('hex') };
  yield `${JSON.stringify({ manifest })}\n`;
}

/** An exported event: as people read it, with the stored values of its sealed personal fields. */
export type ExportedEvent = EventEnvelope & { sealed?: Record<string, string> };

async function readable(store: EventStore, stored: EventEnvelope): Promise<ExportedEvent> {
  if (!(store instanceof ProtectedEventStore)) return stored;
  const opened = await store.protection.open(stored);
  if (opened === stored) return stored;
  const sealed = Object.fromEntries(sealedValuesOf(stored).map(({ location, value }) => [location, value]));
  return { ...opened, sealed };
}

/** The event as stored, from an exported line. */
function asStored(line: ExportedEvent): EventEnvelope {
  const { sealed, ...event } = line;
  if (!sealed) return event;
  for (const [location, value] of Object.entries(sealed)) placeAt(event, location, value);
  return event;
}

/** What {@link verifyExport} found in an export file. */
export interface ExportCheck {
  intact: boolean;
  /** The file's bytes before the manifest hash to the manifest's `linesSha256`. */
  digestMatches: boolean;
  /** Every stream's chain recomputed from the lines, and compared with the manifest. */
  streams: (ChainReport & { matchesManifest: boolean })[];
  problems: string[];
}

/**
 * Checks an export offline, from its lines alone: the digest of the event lines, every stream's chain
 * recomputed from the events, and each stream's head hash against the manifest.
 */
export async function verifyExport(lines: AsyncIterable<string>): Promise<ExportCheck> {
  const digest = createHash('sha256');
  const verifiers = new Map<string, StreamChainVerifier>();
  let manifest: ExportManifest | undefined;
  const problems: string[] = [];
  for await (const line of lines) {
    if (line.trim() === '') continue;
    if (manifest) problems.push('lines after the manifest');
    const parsed = JSON.parse(line) as { manifest?: ExportManifest } & Partial<ExportedEvent>;
    if (parsed.manifest) {
      manifest = parsed.manifest;
      continue;
    }
    digest.update(`${line}\n`);
    const event = asStored(parsed as ExportedEvent);
    let verifier = verifiers.get(event.streamId);
    if (!verifier) verifiers.set(event.streamId, (verifier = new StreamChainVerifier(event.streamId)));
    verifier.add(event);
  }
  if (!manifest) return { intact: false, digestMatches: false, streams: [], problems: [...problems, 'no manifest line'] };
  const digestMatches = digest.digest('hex') === manifest.linesSha256;
  if (!digestMatches) problems.push('the event lines do not hash to the manifest’s linesSha256');
  const listed = new Map(manifest.streams.map((stream) => [stream.streamId, stream]));
  const streams = [...verifiers.values()].map((verifier) => {
    const report = verifier.report();
    const expected = listed.get(report.streamId);
    const matchesManifest = expected !== undefined && expected.headHash === report.headHash && expected.events === report.events;
    if (!matchesManifest) problems.push(`${report.streamId}: not as the manifest lists it`);
    if (!report.intact) problems.push(`${report.streamId}: chain broken at revision ${report.firstBrokenLink?.revision}`);
    return { ...report, matchesManifest };
  });
  for (const streamId of listed.keys()) if (!verifiers.has(streamId)) problems.push(`${streamId}: in the manifest, not in the file`);
  return { intact: problems.length === 0, digestMatches, streams, problems };
}
