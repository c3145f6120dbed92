import { v7 as uuidv7 } from 'uuid';
import { AppendBatch, enableFoldCache, handleCommand, loadAggregate, runInAppendBatch, type CommandContext, type EventStore } from '@okr/event-store';
import {
  CYCLE_CATEGORY,
  DEFAULT_CHECK_IN_GRACE_DAYS,
  OBJECTIVE_CATEGORY,
  checkInDecider,
  checkInStreamName,
  cycleDecider,
  cycleNameDecider,
  cycleNameStreamName,
  learningDecider,
  learningStreamName,
  objectiveDecider,
  streamName,
  teamDecider,
  teamStreamName,
  type KeyResultKind,
  type KeyResultMeasure,
  type KeyResultTarget,
  type ObjectiveCommand,
  type UngradedObjective,
} from '@okr/okr-domain';
import { recordId } from './direct-ids';
import { DirectJournal } from './direct-journal';
import { SoleWriterStore } from './direct-store';
import { plannedOrganisation, type ImportReport, type Progress } from './importer';
import type { Scale } from './organisation';
import { organisationWrites, type IdOf, type Write } from './writes';

/** Most items of one import request (the import route's `MAX_IMPORT_ITEMS`). */
const REQUEST_ITEMS = 1000;

export interface DirectBuildOptions {
  /** The store the services use (as `openEventStore` opens it: personal data sealed, chain hashed). */
  store: EventStore;
  tenant: string;
  seed: string;
  scale: Scale;
  /** The admin the import would run as: a learning's `author` is the caller (the actor is `at`'s author). */
  importer?: string;
  journalPath: string;
  /** As the services' `OKR_BODY_LIMIT_BYTES` (default 1 MiB): writes are grouped as the importer packs its requests. */
  bodyLimitBytes?: number;
  /** Told each record's id as it is given (`q0.o12` -> UUID), e.g. to compare with an import. */
  onId?: (name: string, id: string) => void;
  /** As check-ins' `OKR_CHECK_IN_GRACE_DAYS`. */
  graceDays?: number;
  onProgress?: (progress: Progress) => void;
  progressEveryMs?: number;
  /** Asked between transactions: true stops the run after the one in flight. */
  shouldStop?: () => boolean;
}

type Bare<C> = C extends unknown ? Omit<C, 'metadata'> : never;

interface KnownKeyResult {
  objectiveId: string;
  kind: KeyResultKind;
  cycleId: string;
}

/**
 * What the services know while they take the import, kept by the build itself: the ids given so far
 * (by name, as the importer's journal keeps them), the key results check-ins' view would know, the
 * cycles' dates, which check-in a correction is about, and each cycle's objectives in order of creation.
 */
class Known {
  readonly ids = new Map<string, string>();
  readonly keyResults = new Map<string, KnownKeyResult>();
  readonly cycles = new Map<string, { startsOn: string; endsOn: string }>();
  readonly checkIns = new Map<string, string>();
  readonly objectivesOfCycle = new Map<string, string[]>();

  readonly id: IdOf = (name) => {
    const known = this.ids.get(name);
    if (known === undefined) throw new Error(`The plan refers to ${name} before the write that creates it`);
    return known;
  };

  /** Forgets what no later write of the plan needs (a finished quarter's), to keep memory flat. */
  forget(prefix: string): void {
    for (const name of this.ids.keys()) if (name.startsWith(prefix)) this.ids.delete(name);
    this.keyResults.clear();
    this.checkIns.clear();
  }
}

/** A write with its path and body resolved, and the id the service's answer would give. */
interface Resolved {
  write: Write;
  path: string;
  body: Record<string, unknown>;
  /** The id the route makes (a new record's), when it makes one. */
  newId: string | undefined;
}

const segment = (path: string, index: number): string => path.split('/')[index] as string;

/**
 * Resolves one write as the route would see it, and records what the services would learn from it.
 * Runs for every write, also for those a previous run committed (without deciding anything), so that
 * a resumed run knows the same ids.
 */
function resolve(write: Write, position: number, run: string, known: Known, onId?: (name: string, id: string) => void): Resolved {
  const path = typeof write.path === 'function' ? write.path(known.id) : write.path;
  const body = (typeof write.body === 'function' ? write.body(known.id) : write.body) ?? {};
  const at = Date.parse(write.at);
  const makes = ['cycle', 'objective', 'key-result', 'check-in', 'learning'].includes(write.kind);
  const newId = makes ? recordId(run, write.as ?? `#${position}`, at) : undefined;
  if (write.as && newId) {
    known.ids.set(write.as, newId);
    onId?.(write.as, newId);
  }
  switch (write.kind) {
    case 'cycle':
      known.cycles.set(newId as string, { startsOn: body['startsOn'] as string, endsOn: body['endsOn'] as string });
      known.objectivesOfCycle.set(newId as string, []);
      break;
    case 'objective':
      known.objectivesOfCycle.get(body['cycleId'] as string)?.push(newId as string);
      break;
    case 'key-result':
      known.keyResults.set(newId as string, { objectiveId: segment(path, 4), kind: body['kind'] as KeyResultKind, cycleId: write.cycle ? cycleIdOf(known, write) : '' });
      break;
    case 'check-in':
      if (write.as) known.checkIns.set(newId as string, segment(path, 4));
      break;
    default:
      break;
  }
  return { write, path, body, newId };
}

const cycleIdOf = (known: Known, write: Write): string => known.id(`${write.phase.split('.')[0]}.cycle`);

/** The route's key result measure from its body (as goals' `POST /objectives/{id}/key-results` makes it). */
function measureOf(numbers: Record<string, unknown>): KeyResultMeasure {
  const unit = numbers['unit'] !== undefined ? { unit: numbers['unit'] as string } : {};
  const start = numbers['start'] !== undefined ? { start: numbers['start'] as number } : {};
  const kind = numbers['kind'] as KeyResultKind;
  switch (kind) {
    case 'increase':
    case 'decrease':
      return { kind, start: numbers['start'] as number, target: numbers['target'] as number, ...unit };
    case 'stay-at-or-above':
    case 'stay-at-or-below':
      return { kind, threshold: numbers['threshold'] as number, ...start, ...unit };
    case 'stay-within-range':
      return { kind, min: numbers['min'] as number, max: numbers['max'] as number, ...start, ...unit };
    case 'milestone':
      return { kind: 'milestone' };
  }
}

function targetOf(numbers: Record<string, unknown>): KeyResultTarget {
  if (numbers['target'] !== undefined) return { target: numbers['target'] as number };
  if (numbers['threshold'] !== undefined) return { threshold: numbers['threshold'] as number };
  return { min: numbers['min'] as number, max: numbers['max'] as number };
}

/**
 * Runs one write as its route's handler would: the same commands to the same deciders through
 * `handleCommand` (which folds the stream, decides, and builds the envelopes and metadata), inside the
 * transaction's append batch. What the routes check around the deciders (permissions, DTO validation,
 * rate limits, that a parent or cycle exists: the plan makes them so) is not repeated.
 */
async function execute(item: Resolved, store: EventStore, context: CommandContext, known: Known, options: DirectBuildOptions): Promise<number> {
  const { write, path, body, newId } = item;
  const tenant = context.tenantId;
  const objective = (objectiveId: string, commands: Bare<ObjectiveCommand>[]) =>
    handleCommand(store, streamName(OBJECTIVE_CATEGORY, objectiveId), objectiveDecider, commands, context);
  switch (write.kind) {
    case 'team': {
      const teamId = decodeURIComponent(segment(path, 4));
      return (await handleCommand(store, teamStreamName(tenant, teamId), teamDecider, { type: 'DescribeTeam', data: { teamId, ...body } as never }, context)).events.length;
    }
    case 'cycle': {
      const cycleId = newId as string;
      const name = (body['name'] as string).trim();
      const reserved = await handleCommand(store, cycleNameStreamName(tenant, name), cycleNameDecider, { type: 'ReserveCycleName', data: { cycleId, name } }, context);
      const planned = await handleCommand(store, streamName(CYCLE_CATEGORY, cycleId), cycleDecider, { type: 'PlanCycle', data: { cycleId, ...body } as never }, context);
      return reserved.events.length + planned.events.length;
    }
    case 'objective': {
      const { parentObjectiveIds = [], ownerId, ...rest } = body as { parentObjectiveIds?: string[]; ownerId?: string };
      const commands: Bare<ObjectiveCommand>[] = [
        { type: 'SetObjective', data: { objectiveId: newId as string, ...rest, ownerId: ownerId ?? (options.importer ?? 'demo-admin') } as never },
        ...parentObjectiveIds.map((parentObjectiveId) => ({ type: 'AlignObjective' as const, data: { parentObjectiveId } })),
      ];
      return (await objective(newId as string, commands)).events.length;
    }
    case 'key-result': {
      const { title, ownerId, ...numbers } = body as { title: string; ownerId?: string };
      const data = { keyResultId: newId as string, title, measure: measureOf(numbers), ...(ownerId ? { ownerId } : {}) };
      return (await objective(segment(path, 4), [{ type: 'AddKeyResult', data }])).events.length;
    }
    case 'activation':
      return (await objective(segment(path, 4), [{ type: 'ActivateObjective', data: {} }])).events.length;
    case 'target-revision': {
      const { reason, ...numbers } = body as { reason: string };
      return (await objective(segment(path, 4), [{ type: 'ReviseKeyResultTarget', data: { keyResultId: segment(path, 6), to: targetOf(numbers), reason } }])).events.length;
    }
    case 'grading':
      return (await objective(segment(path, 4), [{ type: 'GradeAndClose', data: body as never }])).events.length;
    case 'check-in': {
      const keyResultId = segment(path, 4);
      const kr = keyResultOf(known, keyResultId);
      const data = { checkInId: newId as string, keyResultId, ...body, objectiveId: kr.objectiveId, kind: kr.kind, ...windowOf(known, kr, options) };
      return (await handleCommand(store, checkInStreamName(keyResultId), checkInDecider, { type: 'RecordCheckIn', data: data as never }, context)).events.length;
    }
    case 'correction': {
      const checkInId = segment(path, 4);
      const keyResultId = known.checkIns.get(checkInId);
      if (keyResultId === undefined) throw new Error(`Correction of an unknown check-in ${checkInId}`);
      const kr = keyResultOf(known, keyResultId);
      const data = { checkInId, ...body, kind: kr.kind, ...windowOf(known, kr, options) };
      return (await handleCommand(store, checkInStreamName(keyResultId), checkInDecider, { type: 'CorrectCheckIn', data: data as never }, context)).events.length;
    }
    case 'learning': {
      const { keyResultIds = [], evidence = [], tags = [], ...rest } = body as { keyResultIds?: string[]; evidence?: object[]; tags?: string[] };
      const data = { learningId: newId as string, ...rest, keyResultIds, evidence: evidence.map((e) => ({ ...e })), tags, author: options.importer ?? 'demo-admin' };
      return (await handleCommand(store, learningStreamName(newId as string), learningDecider, { type: 'CaptureLearning', data: data as never }, context)).events.length;
    }
    case 'closing': {
      const cycleId = segment(path, 4);
      const ungradedObjectives = await ungradedOf(store, tenant, known.objectivesOfCycle.get(cycleId) ?? []);
      return (await handleCommand(store, streamName(CYCLE_CATEGORY, cycleId), cycleDecider, { type: 'CloseCycle', data: { ungradedObjectives } }, context)).events.length;
    }
  }
}

function keyResultOf(known: Known, keyResultId: string): KnownKeyResult {
  const kr = known.keyResults.get(keyResultId);
  if (!kr) throw new Error(`A check-in on an unknown key result ${keyResultId}`);
  return kr;
}

/** The key result's cycle with the grace days, as check-ins' `windowOf` gives the decider. */
function windowOf(known: Known, kr: KnownKeyResult, options: DirectBuildOptions) {
  const cycle = known.cycles.get(kr.cycleId);
  return cycle ? { window: { startsOn: cycle.startsOn, endsOn: cycle.endsOn, graceDays: options.graceDays ?? DEFAULT_CHECK_IN_GRACE_DAYS } } : {};
}

/** As goals' closing: the cycle's objectives still draft or active and not carried over, oldest first. */
async function ungradedOf(store: EventStore, tenant: string, objectiveIds: readonly string[]): Promise<UngradedObjective[]> {
  const ungraded: UngradedObjective[] = [];
  for (const objectiveId of objectiveIds) {
    const { state } = await loadAggregate(store, streamName(OBJECTIVE_CATEGORY, objectiveId), objectiveDecider, tenant);
    if (state.status !== 'draft' && state.status !== 'active') continue;
    if (state.carriedOverTo !== undefined) continue;
    ungraded.push({ objectiveId: state.id, title: state.title, teamId: state.teamId });
  }
  return ungraded;
}

/** The size of an item in the import request the importer would send (`$ref:` for ids the request itself gives). */
function itemBytes(write: Write, id: IdOf): number {
  const path = typeof write.path === 'function' ? write.path(id) : write.path;
  const body = typeof write.body === 'function' ? write.body(id) : write.body;
  const item = { at: write.at, actor: write.actor, ...(write.as ? { ref: write.as } : {}), request: { method: write.method, path, ...(body ? { body } : {}) } };
  return Buffer.byteLength(JSON.stringify(item));
}

/**
 * Builds the organisation of {@link organisationWrites} straight into the event store: each write runs
 * through the deciders as the import route would run it, and the writes the importer would send in one
 * request (packed by the same rules: one phase and service, at most 1,000 items, under the body limit)
 * are committed in one transaction (`AppendBatch` -> `appendMany`) with one correlation id, as the
 * import route commits a request. The store computes the same chain hashes and seals the same personal
 * data as for the services, and the log holds the events in the same order. Resumes from its journal.
 * Run it while nothing else writes to the tenant's streams or the store: it keeps the streams' heads
 * itself, and its journal reads the store's head.
 */
export async function buildOrganisationDirect(options: DirectBuildOptions): Promise<ImportReport> {
  const started = Date.now();
  const planned = plannedOrganisation(options.seed, options.scale);
  const runInfo = { tenant: options.tenant, seed: options.seed, scale: options.scale };
  const run = JSON.stringify(runInfo);
  const journal = new DirectJournal(options.journalPath, { ...runInfo, direct: true });
  const head = await options.store.headPosition();
  journal.settle(head);
  const store = new SoleWriterStore(options.store, head === -1);
  // A quarter's streams stay folded (about 60,000 at the large scale): each command decides on the state in memory.
  enableFoldCache(store, { maxEntries: 200_000, maxAgeMs: Number.POSITIVE_INFINITY });
  const alreadyDone = journal.done;
  const budget = (options.bodyLimitBytes ?? 1024 * 1024) - 1024;
  const known = new Known();
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

  // The request being packed: its items run as they come, their events held in its batch.
  let request: { batch: AppendBatch; correlationId: string; first: Write; items: number; bytes: number; events: number } | undefined;
  const named = new Set<string>();
  const sizing: IdOf = (name) => (named.has(name) ? `$ref:${name}` : known.id(name));
  let position = 0;
  const commit = async () => {
    named.clear();
    if (!request) return;
    const { batch, events, items } = request;
    request = undefined;
    journal.committing(position, await store.headPosition());
    await batch.commit();
    journal.committed(position);
    sentEvents += events;
    sentWrites += items;
    eventsDone += events;
    progress();
  };

  let quarter = '';
  let interrupted = false;
  for (const write of organisationWrites(options.seed, options.scale)) {
    const writeQuarter = write.phase.split('.')[0] as string;
    if (writeQuarter !== quarter) {
      await commit();
      if (quarter.startsWith('q')) known.forget(`${quarter}.`);
      quarter = writeQuarter;
    }
    if (position < journal.done) {
      resolve(write, position, run, known, options.onId);
      position += 1;
      eventsDone += write.events;
      continue;
    }
    if (request && (request.first.service !== write.service || request.first.phase !== write.phase || request.items >= REQUEST_ITEMS)) await commit();
    if (!request && options.shouldStop?.()) {
      interrupted = true;
      break;
    }
    let bytes = itemBytes(write, sizing);
    if (request && request.bytes + bytes + 1 > budget) {
      await commit();
      bytes = itemBytes(write, sizing);
    }
    const item = resolve(write, position, run, known, options.onId);
    request ??= { batch: new AppendBatch(store), correlationId: uuidv7(), first: write, items: 0, bytes: 0, events: 0 };
    const context: CommandContext = {
      tenantId: options.tenant,
      actor: write.actor,
      correlationId: request.correlationId,
      now: new Date(write.at),
      importedAt: new Date().toISOString(),
    };
    const { batch } = request;
    request.events += await runInAppendBatch(batch, () => execute(item, store, context, known, options));
    request.items += 1;
    request.bytes += bytes + 1;
    if (write.as) named.add(write.as);
    position += 1;
  }
  if (!interrupted) await commit();
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
