import { Journal } from './journal';
import type { Scale } from './organisation';
import { organisationWrites, type IdOf, type Write, type WriteKind } from './writes';

/** Most items the import route takes in one request (its `MAX_IMPORT_ITEMS`). */
const MAX_ITEMS = 1000;
const IMPORT_PATHS = { goals: '/api/v1/imports/goals', checkIns: '/api/v1/imports/check-ins' } as const;

export interface ImportOptions {
  tenant: string;
  seed: string;
  scale: Scale;
  urls: { goals: string; checkIns: string };
  /** An admin's bearer token of the tenant. */
  token: string;
  /** Where the run records what was acknowledged (see {@link Journal}). */
  journalPath: string;
  /** The services' `OKR_BODY_LIMIT_BYTES`: requests are packed to stay under it. */
  bodyLimitBytes?: number;
  /** How long check-ins may lag behind goals without progress before the run gives up. */
  viewWaitMs?: number;
  onProgress?: (progress: Progress) => void;
  progressEveryMs?: number;
  /** Asked between requests: true stops the run cleanly (the journal has everything acknowledged). */
  shouldStop?: () => boolean;
}

export interface Progress {
  events: number;
  totalEvents: number;
  /** Events this run wrote per second. */
  rate: number;
  etaSeconds: number;
  rssBytes: number;
}

/** What the organisation holds once generated, and what this run did of it. */
export interface ImportReport {
  writes: number;
  events: number;
  byKind: Record<WriteKind, number>;
  objectivesByCycle: Record<string, number>;
  /** Writes a previous run had already done (skipped). */
  alreadyDone: number;
  sentWrites: number;
  sentEvents: number;
  elapsedMs: number;
  eventsPerSecond: number;
  peakRssBytes: number;
  interrupted: boolean;
}

class Missing extends Error {}

interface Pending {
  write: Write;
  item: { at: string; actor: string; ref?: string; request: { method: string; path: string; body?: unknown } };
  bytes: number;
}

/** Counts what the seed and scale make, without sending (one streaming pass). */
export function plannedOrganisation(seed: string, scale: Scale): Pick<ImportReport, 'writes' | 'events' | 'byKind' | 'objectivesByCycle'> {
  const byKind = {} as Record<WriteKind, number>;
  const objectivesByCycle: Record<string, number> = {};
  let writes = 0;
  let events = 0;
  for (const write of organisationWrites(seed, scale)) {
    writes += 1;
    events += write.events;
    byKind[write.kind] = (byKind[write.kind] ?? 0) + 1;
    if (write.kind === 'objective' && write.cycle) objectivesByCycle[write.cycle] = (objectivesByCycle[write.cycle] ?? 0) + 1;
  }
  return { writes, events, byKind, objectivesByCycle };
}

/**
 * Builds the organisation through the services' import routes, streaming: writes are generated one
 * at a time and posted in requests packed up to the body limit, one phase and one service per
 * request; only the ids of the current quarter are kept. Resumes from the journal.
 */
export async function importOrganisation(options: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  const planned = plannedOrganisation(options.seed, options.scale);
  const journal = new Journal(options.journalPath, { tenant: options.tenant, seed: options.seed, scale: options.scale });
  const alreadyDone = journal.done;
  const budget = (options.bodyLimitBytes ?? 1024 * 1024) - 1024;
  let peakRss = process.memoryUsage().rss;
  let sentWrites = 0;
  let sentEvents = 0;
  let eventsDone = 0;
  let lastProgress = Date.now();
  const progress = (force = false) => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (!options.onProgress || (!force && Date.now() - lastProgress < (options.progressEveryMs ?? 2000))) return;
    lastProgress = Date.now();
    const rate = sentEvents / Math.max(0.001, (Date.now() - started) / 1000);
    options.onProgress({ events: eventsDone, totalEvents: planned.events, rate, etaSeconds: rate > 0 ? (planned.events - eventsDone) / rate : Infinity, rssBytes: peakRss });
  };

  // An id from an earlier request is in the journal; one that an item of the request being packed
  // will give is referred to by name (`$ref:`), so a team's plan goes in one request.
  const named = new Set<string>();
  const id: IdOf = (name) => {
    const known = journal.ids.get(name);
    if (known !== undefined) return known;
    if (named.has(name)) return `$ref:${name}`;
    throw new Missing(name);
  };
  let chunk: Pending[] = [];
  let chunkBytes = 0;
  let position = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    const base = position - chunk.length;
    const sent = await send(chunk, base, journal, options);
    sentWrites += sent.writes;
    sentEvents += sent.events;
    eventsDone += sent.events;
    chunk = [];
    chunkBytes = 0;
    named.clear();
    progress();
  };

  let quarter = '';
  let interrupted = false;
  for (const write of organisationWrites(options.seed, options.scale)) {
    const writeQuarter = write.phase.split('.')[0] as string;
    if (writeQuarter !== quarter) {
      await flush();
      if (quarter.startsWith('q')) journal.forget(`${quarter}.`);
      quarter = writeQuarter;
    }
    if (position < journal.done) {
      position += 1;
      eventsDone += write.events;
      continue;
    }
    if (options.shouldStop?.()) {
      await flush();
      interrupted = true;
      break;
    }
    if (chunk.length > 0 && (chunk[0]?.write.service !== write.service || chunk[0]?.write.phase !== write.phase || chunk.length >= MAX_ITEMS)) await flush();
    let pending: Pending;
    try {
      pending = resolve(write, id);
    } catch (error) {
      if (!(error instanceof Missing)) throw error;
      await flush(); // the id comes from a write of a request not yet sent
      pending = resolve(write, id);
    }
    if (chunk.length > 0 && chunkBytes + pending.bytes + 1 > budget) {
      await flush();
      pending = resolve(write, id); // its refs to the flushed items are ids now
    }
    chunk.push(pending);
    chunkBytes += pending.bytes + 1;
    if (write.as) named.add(write.as);
    position += 1;
  }
  if (!interrupted) await flush();
  progress(true);
  const elapsedMs = Date.now() - started;
  return {
    ...planned,
    alreadyDone,
    sentWrites,
    sentEvents,
    elapsedMs,
    eventsPerSecond: sentEvents / Math.max(0.001, elapsedMs / 1000),
    peakRssBytes: peakRss,
    interrupted,
  };
}

function resolve(write: Write, id: IdOf): Pending {
  const path = typeof write.path === 'function' ? write.path(id) : write.path;
  const body = typeof write.body === 'function' ? write.body(id) : write.body;
  const item = { at: write.at, actor: write.actor, ...(write.as ? { ref: write.as } : {}), request: { method: write.method, path, ...(body ? { body } : {}) } };
  return { write, item, bytes: Buffer.byteLength(JSON.stringify(item)) };
}

/** Writes resolved again after part of their request was acknowledged: ids from the journal, refs to items still pending. */
function resolveAgain(pending: Pending[], journal: Journal): Pending[] {
  const named = new Set<string>();
  return pending.map(({ write }) => {
    const again = resolve(write, (name) => {
      const known = journal.ids.get(name);
      if (known !== undefined) return known;
      if (named.has(name)) return `$ref:${name}`;
      throw new Error(`${name}: neither acknowledged nor named by an earlier pending item`);
    });
    if (write.as) named.add(write.as);
    return again;
  });
}

interface ImportAnswer {
  status: number;
  results: { status: number; body?: { id?: string } }[];
  failed?: { index: number; status: number; problem?: unknown };
  retryAfterMs?: number;
  body: unknown;
}

async function post(options: ImportOptions, service: Write['service'], items: Pending[]): Promise<ImportAnswer> {
  const response = await fetch(`${options.urls[service]}${IMPORT_PATHS[service]}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
    body: `{"items":[${items.map((p) => JSON.stringify(p.item)).join(',')}]}`,
  });
  const body = (await response.json().catch(() => undefined)) as
    | { results?: ImportAnswer['results']; details?: { index: number; status: number; problem?: { details?: { retryAfterSeconds?: number } }; results?: ImportAnswer['results'] } }
    | undefined;
  const retryAfter = Number(response.headers.get('retry-after') ?? '');
  return {
    status: response.status,
    results: (response.status === 200 ? body?.results : body?.details?.results) ?? [],
    ...(response.status === 422 && body?.details && typeof body.details.index === 'number' ? { failed: { index: body.details.index, status: body.details.status, problem: body.details.problem } } : {}),
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    body,
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Sends one chunk, recording in the journal what each answer acknowledged. Check-ins knows goals
 * through its own view, a moment behind, and goals closes a cycle from its list of objectives: an item
 * refused while a view catches up (503 `view-catching-up`), or by check-ins as unknown (404) or not
 * active yet (409), is sent again, from that item on, while the view moves (up to `viewWaitMs` without
 * an item acknowledged). A rate-limited request (429) waits as told.
 */
async function send(chunk: Pending[], base: number, journal: Journal, options: ImportOptions): Promise<{ writes: number; events: number }> {
  let pending = chunk;
  let done = base;
  let writes = 0;
  let events = 0;
  let lastProgress = Date.now();
  let backoff = 100;
  while (pending.length > 0) {
    const answer = await post(options, pending[0]?.write.service ?? 'goals', pending);
    const acknowledged = answer.status === 200 ? pending.length : (answer.failed?.index ?? 0);
    if (acknowledged > 0) {
      const ids: Record<string, string> = {};
      answer.results.slice(0, acknowledged).forEach((result, i) => {
        const as = pending[i]?.write.as;
        if (as && typeof result.body?.id === 'string') ids[as] = result.body.id;
      });
      done += acknowledged;
      journal.record(done, ids);
      writes += acknowledged;
      events += pending.slice(0, acknowledged).reduce((sum, p) => sum + p.write.events, 0);
      // The rest may refer by `$ref:` to an item just acknowledged, and a request may only refer to
      // its own earlier items: those refs become the ids the answer gave.
      pending = resolveAgain(pending.slice(acknowledged), journal);
      lastProgress = Date.now();
      backoff = 100;
    }
    if (pending.length === 0) break;
    // 503 `view-catching-up`: a view has not applied all that was written yet (it reads the log in
    // batches sized to a time budget, taking turns with the other groups, so it may be several batches
    // behind): check-ins' view of goals, or goals' list of objectives that closing a cycle reads.
    // Check-ins also answers 404 / 409 for what its view does not know yet.
    const lagging =
      answer.failed !== undefined && (answer.failed.status === 503 || (pending[0]?.write.service === 'checkIns' && [404, 409].includes(answer.failed.status)));
    const limited = answer.status === 429 || answer.failed?.status === 429;
    if ((!lagging && !limited) || Date.now() - lastProgress > (options.viewWaitMs ?? 600_000)) {
      const first = pending[0];
      throw new Error(`Import to ${first?.write.service} stopped at ${first?.item.request.method} ${first?.item.request.path} (${answer.status}): ${JSON.stringify(answer.body)}`);
    }
    await sleep(limited ? (answer.retryAfterMs ?? 1000) : backoff);
    backoff = Math.min(2000, backoff * 2);
  }
  return { writes, events };
}
