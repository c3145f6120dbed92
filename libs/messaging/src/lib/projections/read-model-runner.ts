import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { BulkOperation, ReadDocument, ReadSession, ReadStore } from '@okr/read-store';
import { nextTurn } from '@okr/platform';
import type { IntegrationEvent } from '../integration-event';
import type { EventHandler, IntegrationEventConsumer, RunningConsumer } from '../messaging.port';
import type { ReadModel } from './read-model';
import { ReadModelCollections, appliedId } from './read-model-collections';
import { ReadStoreGroupRegistry, abandonedGroups, followedGroup } from './followed-group';

/** Which read models a service keeps, and which topics they follow. */
export interface ReadModelRunnerOptions {
  /** The service's name, the prefix of each read model's consumer group (`{service}.{model}`). */
  service: string;
  topics: readonly string[];
  models: readonly ReadModel[];
  /**
   * The models (and the listeners) get each event with its personal data sealed, as Kafka carries it
   * (`ConsumerOptions.sealed`): what they copy of it stays sealed in the read store, and the service
   * opens it when it reads (`openSealedValues` of `@okr/event-store`), so an erasure reaches it.
   */
  sealed?: boolean;
  /**
   * How long one read-store transaction of a batch may project before it commits and lets the event
   * loop turn (default 20 ms): a batch that runs over its budget (a slow event, a page read, a
   * collection) is applied in several transactions, each with its `_applied` records, and a request
   * waits for one of them, not for the whole batch. 0: one event per transaction.
   */
  sliceMs?: number;
}

const DEFAULT_SLICE_MS = 20;
/** How often the runner asks whether a read model that held nothing at start has caught up. */
const CAUGHT_UP_CHECK_MS = 500;
/** How often {@link ReadModelRunner.caughtUpWithin} asks again. */
const CAUGHT_UP_POLL_MS = 20;

/** The base name of a service's read model's consumer group (the group it follows: {@link ReadModelRunner.groupOf}). */
export const readModelGroup = (service: string, model: Pick<ReadModel, 'name'>): string => `${service}.${model.name}`;

/** Module-level: subclasses (a service's runner) keep their own `logger` member. */
const logger = new Logger('ReadModelRunner');

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Called by the live consumers right after `model` applied `event` (not for a skipped redelivery, not
 * for a rebuild's shadow). Awaited, so it sees the document just written; it must not throw: the
 * event is applied already, so a failure is the listener's to log (a throw would only make the
 * consumer retry an event that it then skips).
 */
export type AppliedListener = (model: ReadModel, event: IntegrationEvent) => Promise<void>;

/**
 * Called INSIDE the transaction that applies `event` to `model`, after the model's writes and before
 * its `_applied` record, with the documents `reads(event)` found before `project`: what it writes
 * through `session` commits with them, exactly once. A conflicting transaction runs again, and the
 * listener with it, so it writes only through the session and keeps nothing from a run that did
 * not commit. A throw fails the event (the consumer retries it). Live consumers and `apply` alike.
 */
export type ProjectedListener = (model: ReadModel, event: IntegrationEvent, current: readonly ReadDocument[], session: ReadSession) => Promise<void>;

/**
 * Called once when a read model that held nothing at start (see {@link ReadModelRunner.isCatchingUp})
 * has caught up with the log: what was left undone for its past events (an assessment of the state
 * it held then) can be done once, now. Must not throw.
 */
export type CaughtUpListener = (model: ReadModel) => void;

/**
 * Keeps a service's read models following the bus: one consumer group per read model
 * (`{service}.{model}`) over the given topics, with a handler per event type it handles (the consumer
 * acknowledges and skips the rest). A service provides a subclass naming its options; Nest starts it
 * on bootstrap and stops it in `onModuleDestroy`, before the messaging module closes the consumer and
 * the read-store module closes the store (both in `onApplicationShutdown`).
 *
 * Per batch of events (the consumer hands over up to `maxBatchSize` consecutive events; one event
 * on adapters that do not batch), ONE `readStore.withTransaction` (or several in turn when the batch
 * takes longer than `sliceMs`, the event loop turning between them), and in it, per event (the runner
 * contract of `read-model.ts`):
 * 1. skip when `_applied['{model}|{streamId}'].revision >= event.revision` (a redelivery);
 * 2. load `current` with `reads(event)`;
 * 3. `bulkWrite(project(event, current), session)`, then the {@link ProjectedListener}s;
 * 4. at the end of the batch, set `_applied['{model}|{streamId}'].revision` of each stream it
 *    applied (one write per stream, not per event) through the same session.
 * Step 1 reads each stream's record once per batch and then follows the batch's own events; step 2
 * reads THROUGH the session, so an event sees the batch's earlier writes. A crash
 * anywhere before commit leaves nothing of the batch; after commit the consumer may redeliver it,
 * and step 1 skips each event: no double-apply, no skip. If something else wrote the same documents
 * meanwhile (a rebuild, another replica), the commit fails with a write conflict and
 * `withTransaction` runs the work again.
 */
export class ReadModelRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private running: RunningConsumer[] = [];
  private readonly paused = new Set<string>();
  private readonly groups = new Map<string, string>();
  /** Read models that held nothing at start, until their group has caught up with the log. */
  private readonly catchingUp = new Set<string>();
  private starting: Promise<void> = Promise.resolve();
  private stopping = false;
  private startError: unknown;
  /** Whether {@link bind} has run since the last bootstrap. */
  private bound = false;
  private wake: () => void = () => undefined;
  private readonly listeners: AppliedListener[] = [];
  private readonly projectedListeners: ProjectedListener[] = [];
  private readonly caughtUpListeners: CaughtUpListener[] = [];
  /** Asks every {@link CAUGHT_UP_CHECK_MS} whether the read models catching up have caught up, while any is. */
  private caughtUpWatch?: NodeJS.Timeout;
  private readonly collections: ReadModelCollections;

  constructor(
    private readonly consumer: IntegrationEventConsumer,
    private readonly store: ReadStore,
    private readonly options: ReadModelRunnerOptions,
  ) {
    this.collections = new ReadModelCollections(store);
  }

  /**
   * Starts the read models in the background and returns at once: binding each to its group (which
   * waits for the read store, on the embedded store for its documents to load) and then their
   * consumers. So a service listens (and answers `/health/live`) while its read store loads, groups
   * join and history is read; {@link readiness} says what it waits for, {@link started} resolves when
   * the consumers run (and {@link groupOf} knows the groups).
   */
  async onApplicationBootstrap(): Promise<void> {
    this.bound = false;
    this.stopping = false;
    this.startError = undefined;
    this.starting = this.startAll();
  }

  /**
   * A subclass's own work on the read store before the groups are bound, run in the background by
   * {@link onApplicationBootstrap} (again on a retry, until it and the binding succeed).
   */
  protected async prepare(): Promise<void> {
    // Nothing by default.
  }

  /**
   * Binds each read model to the group its store records (shared by the replicas sharing the store);
   * a store that holds nothing of a model gets a group of its own, new to the bus, which reads the
   * log from its start beside the live groups: nothing here joins, moves or resets a group that
   * another replica consumes in.
   */
  private async bind(): Promise<void> {
    const applied = await this.collections.applied();
    const registry = new ReadStoreGroupRegistry(this.store);
    this.catchingUp.clear();
    for (const model of this.options.models) {
      // Whether it holds any record, not how many (a count read every record of every model: on the
      // embedded store, each one not in its cache from the file, at every start).
      const empty = (await applied.findOne({ model: model.name })) === null;
      if (empty) this.catchingUp.add(model.name);
      this.groups.set(model.name, await followedGroup(registry, readModelGroup(this.options.service, model), async () => !empty));
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.wake();
    this.stopCaughtUpWatch();
    // Binding may wait long for the read store (an embedded store's documents loading): it is not
    // waited for; it fails once the store closes, and starts nothing after this. Starting consumers is.
    if (this.bound) await this.starting;
    const running = this.running;
    this.running = [];
    await Promise.all(running.map((consumer) => consumer.stop()));
  }

  /** Resolves once the consumers have started (or the runner stopped trying): for tests and tools. */
  started(): Promise<void> {
    return this.starting;
  }

  /**
   * Whether the service can answer from its read models: their consumers started, and every read
   * model that held nothing at start (a new or lost store, reading the log from its start) has
   * caught up with the log. Once caught up, a model stays ready: ordinary lag is not a reason to
   * take a replica out of service.
   */
  async readiness(): Promise<{ ready: true } | { ready: false; reason: string }> {
    if (this.startError !== undefined) return { ready: false, reason: `read-model consumers could not start (retrying): ${errorText(this.startError)}` };
    if (this.running.length === 0) return { ready: false, reason: 'read-model consumers starting' };
    for (const model of this.options.models) {
      if (!(await this.settled(model))) return { ready: false, reason: `catching up: read model ${model.name} is reading the log from its start` };
    }
    return { ready: true };
  }

  /**
   * Whether `name` held nothing when the runner started and its group has not caught up with the log
   * yet: it is applying past events, so what it holds is a PAST state of the log. Known once the groups
   * are bound (false before); false for good once caught up (then the {@link onCaughtUp} listeners ran).
   */
  isCatchingUp(name: string): boolean {
    return this.catchingUp.has(name);
  }

  /**
   * Whether `model` has applied everything its topics hold now: a document it lacks after this said
   * yes was not written before the question (as far as the bus knows). False while the groups are not
   * bound, and when the bus cannot say.
   */
  async hasCaughtUp(model: Pick<ReadModel, 'name'>): Promise<boolean> {
    try {
      return await this.consumer.caughtUp(this.groupOf(model), this.options.topics);
    } catch {
      return false;
    }
  }

  /**
   * Waits until `model` {@link hasCaughtUp}, asking every {@link CAUGHT_UP_POLL_MS}, for at most
   * `timeoutMs`: true once it has, false if it has not by then. For an answer that must include every
   * write made before the request (read-your-writes on an eventually consistent list); a caller that
   * gets false answers 503 `view-catching-up` rather than a list that may lack a write of a moment ago.
   * Under a steady stream of writes to its topics the model may be behind at every ask: false then too.
   */
  async caughtUpWithin(model: Pick<ReadModel, 'name'>, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await this.hasCaughtUp(model)) return true;
      if (this.stopping || Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(CAUGHT_UP_POLL_MS, Math.max(0, deadline - Date.now()))));
    }
  }

  /** Adds a listener told when a read model that held nothing at start has caught up (register before bootstrap). */
  onCaughtUp(listener: CaughtUpListener): void {
    this.caughtUpListeners.push(listener);
  }

  /**
   * False while `model` is catching up and its group is not at the log's end yet; true otherwise. The
   * first time it finds the group caught up, the model stops catching up and the listeners are told.
   */
  private async settled(model: ReadModel): Promise<boolean> {
    if (!this.catchingUp.has(model.name)) return true;
    if (!(await this.consumer.caughtUp(this.groupOf(model), this.options.topics))) return false;
    if (!this.catchingUp.delete(model.name)) return true;
    for (const listener of this.caughtUpListeners) {
      try {
        listener(model);
      } catch (error) {
        logger.error({ model: model.name, error: errorText(error) }, 'a caught-up listener failed');
      }
    }
    return true;
  }

  /**
   * While a read model catches up, asks every {@link CAUGHT_UP_CHECK_MS} whether it has (readiness asks
   * too, when probed): so the {@link onCaughtUp} listeners run soon after, probed or not.
   */
  private watchCaughtUp(): void {
    this.stopCaughtUpWatch();
    if (this.catchingUp.size === 0) return;
    let checking = false;
    this.caughtUpWatch = setInterval(() => {
      if (checking) return;
      checking = true;
      void (async () => {
        for (const model of this.options.models) if (!this.stopping) await this.settled(model);
      })()
        .catch((error: unknown) => logger.warn({ error: errorText(error) }, 'could not tell whether the read models caught up; asking again'))
        .finally(() => {
          checking = false;
          if (this.catchingUp.size === 0 || this.stopping) this.stopCaughtUpWatch();
        });
    }, CAUGHT_UP_CHECK_MS);
    this.caughtUpWatch.unref();
  }

  private stopCaughtUpWatch(): void {
    if (this.caughtUpWatch) clearInterval(this.caughtUpWatch);
    this.caughtUpWatch = undefined;
  }

  /** Starts every model's consumer; on failure stops those started and tries again, backing off, until stopped. */
  private async startAll(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      const started: RunningConsumer[] = [];
      try {
        if (!this.bound) {
          await this.prepare();
          await this.bind();
          if (this.stopping) return;
          this.bound = true;
        }
        // A read model that held nothing while the log holds nothing for it has nothing to catch up.
        for (const model of this.options.models) await this.settled(model);
        for (const model of this.options.models) started.push(await this.start(model));
        if (this.stopping) {
          await Promise.all(started.map((consumer) => consumer.stop()));
          return;
        }
        this.running = started;
        this.startError = undefined;
        this.watchCaughtUp();
        await this.deleteAbandonedGroups();
        return;
      } catch (error) {
        this.startError = error;
      }
      await Promise.all(started.map((consumer) => consumer.stop().catch(() => undefined)));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(30_000, 500 * 2 ** attempt));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /**
   * Deletes the groups of this service's read models that the store no longer follows (see
   * {@link abandonedGroups}) and that have no members. Best effort: a bus that cannot list or delete
   * groups (librdkafka's mock) leaves them, as Kafka's offset retention eventually does too.
   */
  private async deleteAbandonedGroups(): Promise<void> {
    for (const model of this.options.models) {
      const base = readModelGroup(this.options.service, model);
      try {
        const abandoned = abandonedGroups(base, this.groupOf(model), await this.consumer.listGroups(base));
        const { kept } = await this.consumer.deleteIdleGroups(abandoned);
        for (const { group, reason } of kept) logger.log({ group, reason }, 'an abandoned consumer group is kept for now');
      } catch (error) {
        logger.warn({ base, error: errorText(error) }, 'abandoned consumer groups not deleted');
      }
    }
  }

  /** The consumer group one of this runner's read models follows (known once bootstrapped). */
  groupOf(model: Pick<ReadModel, 'name'>): string {
    const group = this.groups.get(model.name);
    if (group === undefined) throw new Error(`read model ${model.name}: its consumer group is known once the runner has started`);
    return group;
  }

  /**
   * Stops the live consumer of one read model (it finishes its event in flight), for a rebuild's
   * switch. Its checkpoint stays where it was; {@link resume} starts it again from there.
   */
  async pause(name: string): Promise<void> {
    await this.starting;
    const index = this.options.models.findIndex((model) => model.name === name);
    const running = this.running[index];
    if (index < 0 || !running) return;
    this.paused.add(name);
    await running.stop();
  }

  /** Starts again the consumer of a read model {@link pause}d (redeliveries are skipped by `_applied`). */
  async resume(name: string): Promise<void> {
    await this.starting;
    const index = this.options.models.findIndex((model) => model.name === name);
    if (index < 0 || !this.paused.delete(name) || this.running.length === 0) return;
    this.running[index] = await this.start(this.options.models[index]);
  }

  /** Adds a listener to the live consumers' applied events (register before bootstrap). */
  onApplied(listener: AppliedListener): void {
    this.listeners.push(listener);
  }

  /** Adds a listener run inside each event's transaction (register before bootstrap; see {@link ProjectedListener}). */
  onProjected(listener: ProjectedListener): void {
    this.projectedListeners.push(listener);
  }

  /** Applies one event to one read model, exactly once (see the class comment). False when skipped. */
  async apply(model: ReadModel, event: IntegrationEvent): Promise<boolean> {
    const [applied] = await this.applyBatch(model, [event]);
    return applied !== undefined;
  }

  /**
   * Applies events, in order, to one read model in ONE read-store transaction, exactly once: each
   * event's `_applied` record is read and written through the session, so a stream's later event in
   * the same batch sees its earlier one. Returns the events applied (not the redeliveries skipped).
   */
  async applyBatch(
    model: ReadModel,
    events: readonly IntegrationEvent[],
    /** Called after each transaction of the batch commits, with the events it applied (before the loop turns). */
    committed?: (applied: readonly IntegrationEvent[]) => Promise<void>,
  ): Promise<IntegrationEvent[]> {
    const handled = events.filter((event) => model.handles.includes(event.type));
    const done: IntegrationEvent[] = [];
    const sliceMs = this.options.sliceMs ?? DEFAULT_SLICE_MS;
    for (let from = 0; from < handled.length; ) {
      // A slice after the first waits for a turn of its own among everything this process runs in
      // pieces (other models' batches and slices): the requests that arrived meanwhile go first, and
      // no turn of the loop runs several models' slices back to back.
      if (from > 0) await nextTurn();
      const slice = await this.applySlice(model, handled, from, sliceMs);
      if (committed && slice.applied.length > 0) await committed(slice.applied);
      done.push(...slice.applied);
      from = slice.next;
    }
    return done;
  }

  /**
   * One transaction of {@link applyBatch}: the handled events from `from` on, until `sliceMs` of
   * projecting has passed (at least one event). Returns the events applied and where the next slice starts.
   */
  private async applySlice(
    model: ReadModel,
    handled: readonly IntegrationEvent[],
    from: number,
    sliceMs: number,
  ): Promise<{ applied: IntegrationEvent[]; next: number }> {
    const collection = await this.collections.of(model);
    const applied = await this.collections.applied();
    return this.store.withTransaction(async (session) => {
      const started = performance.now();
      const done: IntegrationEvent[] = [];
      // The revision each stream has reached in this transaction: `_applied` is read once per stream and
      // written once per stream, at the end, in the same transaction as the documents.
      const reached = new Map<string, { revision: number; event?: IntegrationEvent }>();
      let next = from;
      while (next < handled.length && (next === from || performance.now() - started < sliceMs)) {
        const event = handled[next++];
        const id = appliedId(model.name, event.streamId);
        let stream = reached.get(id);
        if (stream === undefined) {
          const record = await applied.findOne({ _id: id }, { session });
          reached.set(id, (stream = { revision: record?.revision ?? -1 }));
        }
        if (stream.revision >= event.revision) continue;
        const filter = model.reads(event);
        const current = filter ? await collection.find(filter, { session }) : [];
        const operations = model.project(event, current);
        if (operations.length > 0) await collection.bulkWrite(operations, session);
        for (const listener of this.projectedListeners) await listener(model, event, current, session);
        stream.revision = event.revision;
        stream.event = event;
        done.push(event);
      }
      const appliedAt = new Date().toISOString();
      const records: BulkOperation[] = [];
      for (const [id, { event }] of reached) {
        if (event === undefined) continue;
        const $set = {
          model: model.name,
          streamId: event.streamId,
          tenantId: event.metadata.tenantId,
          revision: event.revision,
          position: event.position ?? null,
          appliedAt,
        };
        records.push({ updateOne: { filter: { _id: id }, update: { $set }, upsert: true } });
      }
      if (records.length > 0) await applied.bulkWrite(records, session);
      return { applied: done, next };
    });
  }

  private start(model: ReadModel): Promise<RunningConsumer> {
    return this.consumer.start({
      group: this.groupOf(model),
      topics: this.options.topics,
      handlers: this.handlers(model),
      ...(this.options.sealed ? { sealed: true } : {}),
      handleBatch: async (events) => {
        await this.applyBatch(model, events, async (applied) => {
          for (const event of applied) for (const listener of this.listeners) await listener(model, event);
        });
      },
    });
  }

  private handlers(model: ReadModel): Record<string, EventHandler> {
    return Object.fromEntries(
      model.handles.map((type) => [
        type,
        async (event: IntegrationEvent): Promise<void> => {
          if (!(await this.apply(model, event))) return;
          for (const listener of this.listeners) await listener(model, event);
        },
      ]),
    );
  }
}
