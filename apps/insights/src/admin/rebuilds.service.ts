import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { EVENT_STORE, publishedEvents, type EventStore } from '@okr/event-store';
import { toIntegrationEvent } from '@okr/messaging';
import { notFound } from '@okr/okr-domain';
import { ConflictProblem } from '@okr/platform';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import { ProjectionRunner } from '../read-models/projection-runner';
import { INSIGHTS_READ_MODELS } from '../read-models/read-models';
import { APPLIED, appliedId, type AppliedDoc, type ReadModel } from '@okr/messaging';
import { READ_MODEL_CATEGORIES } from './projection-audit';

export type RebuildStatus = 'running' | 'switched' | 'failed';

/** What a rebuild replaces: one tenant's documents (a tenant's admin), or every tenant's (an operator). */
export type RebuildScope = { scope: 'tenant'; tenantId: string } | { scope: 'all' };

export interface RebuildProgress {
  id: string;
  readModel: string;
  scope: 'tenant' | 'all';
  /** The tenant whose documents a `tenant` rebuild replaces. */
  tenantId?: string;
  status: RebuildStatus;
  /** Events of the followed categories read from the log so far. */
  processed: number;
  /** The log's head when the rebuild last measured it (-1: empty log). */
  headPosition: number;
  /** Global position of the last event the rebuild read (-1: none yet). */
  position: number;
  startedAt: string;
  finishedAt?: string;
  error?: string;
}

/** Events applied between two turns given back to the event loop (so the API keeps answering). */
const YIELD_EVERY = 10;

/** The collection a rebuild builds beside the live one. */
export const rebuildCollectionName = (readModel: string, id: string): string => `${readModel}__rebuild_${id}`;

/**
 * Rebuilds a read model from the start of the log beside the live one, then switches. Scope `all`
 * (an operator's) replaces the whole collection; scope `tenant` (a tenant's admin) replaces only that
 * tenant's documents and applied records, which is exact because every document of every insights
 * read model carries the `tenantId` of the events that wrote it (checked again before the switch).
 *
 * 1. BUILD: `readAll` over goals' and check-ins' categories (scope `tenant`: only the events whose
 *    `metadata.tenantId` is the tenant's), applying each event
 *    with the runner's own `apply` to a copy of the read model named `{model}__rebuild_{id}`: the same
 *    `project`, the same one-transaction-per-event idempotency rule, its own `_applied` records
 *    (`{model}__rebuild_{id}|{streamId}`). The live collection and consumer are untouched; queries
 *    keep reading the live collection.
 * 2. CATCH UP until the read position reaches the head, then PAUSE the live consumer of that model
 *    (it finishes its event in flight), and read the tail appended meanwhile.
 * 3. SWITCH, scope `all`: `renameCollection(new, live)` (atomic replace: readers see the old view or
 *    the new one, never a mix), then in one transaction rewrite the model's `_applied` records to the
 *    rebuilt ones and delete the rebuild's. Scope `tenant`: in ONE transaction delete the tenant's
 *    live documents and applied records of the model, insert the rebuilt ones, delete the rebuild's;
 *    other tenants' documents and records are not touched. A rebuilt document whose `_id` another
 *    tenant's document holds fails the transaction, and the rebuild, leaving the live view as it was. 4. RESUME the live consumer from its checkpoint: every event up to
 *    the rebuild's position is redelivered and skipped by the applied records, later ones apply.
 *
 * On failure: the rebuild collection and its applied records are dropped, the live consumer resumed,
 * the live view left as it was. One rebuild per read model at a time. Progress lives in memory (a
 * restarted service forgets it; a half-built collection left by a crash is dropped by the next
 * rebuild of that model).
 */
@Injectable()
export class RebuildService implements OnModuleDestroy {
  private readonly logger = new Logger(RebuildService.name);
  private readonly rebuilds = new Map<string, RebuildProgress>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly runner: ProjectionRunner,
  ) {}

  /** Starts a rebuild in the background; resolves at once with its progress. */
  start(readModel: string, scope: RebuildScope): RebuildProgress {
    const model = INSIGHTS_READ_MODELS.find((m) => m.name === readModel);
    if (!model) {
      throw notFound('read-model-not-found', `Read model ${readModel} does not exist`, {
        readModel,
        readModels: INSIGHTS_READ_MODELS.map((m) => m.name),
      });
    }
    const running = [...this.rebuilds.values()].find((r) => r.readModel === readModel && r.status === 'running');
    if (running) {
      // Two switches of one model cannot pause its consumer at once; another tenant's rebuild is not named.
      const visible = scope.scope === 'all' || running.tenantId === scope.tenantId;
      throw new ConflictProblem('rebuild-running', `A rebuild of ${readModel} is already running; try again when it has finished`, visible ? { id: running.id } : {});
    }
    const progress: RebuildProgress = {
      id: randomUUID(),
      readModel,
      ...scope,
      status: 'running',
      processed: 0,
      headPosition: -1,
      position: -1,
      startedAt: new Date().toISOString(),
    };
    this.rebuilds.set(progress.id, progress);
    const work = this.run(model, progress).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
    return { ...progress };
  }

  /** A rebuild's progress; with `tenantId`, only a rebuild of that tenant is found (a tenant's admin). */
  get(id: string, tenantId?: string): RebuildProgress {
    const progress = this.rebuilds.get(id);
    if (!progress || (tenantId !== undefined && progress.tenantId !== tenantId)) throw notFound('rebuild-not-found', 'This rebuild does not exist', { id });
    return { ...progress };
  }

  /** A rebuild still building stops at its next event and fails; the app then closes the stores. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(model: ReadModel, progress: RebuildProgress): Promise<void> {
    const name = rebuildCollectionName(model.name, progress.id);
    const shadow: ReadModel = { ...model, name };
    let paused = false;
    try {
      await this.dropLeftovers(model.name);
      await this.store.collection({ name, indexes: model.indexes }); // exists even when no event applies
      // Build and catch up while the live consumer runs.
      for (;;) {
        progress.headPosition = await this.events.headPosition();
        await this.readFrom(shadow, progress);
        if (progress.position >= progress.headPosition) break;
      }
      // Pause the live consumer, read the tail, switch.
      await this.runner.pause(model.name);
      paused = true;
      progress.headPosition = await this.events.headPosition();
      await this.readFrom(shadow, progress);
      if (progress.tenantId === undefined) {
        await this.store.renameCollection(name, model.name);
        await this.moveApplied(model.name, name);
      } else {
        await this.replaceTenant(model, name, progress.tenantId);
      }
      progress.status = 'switched';
      this.logger.log(`Rebuild ${progress.id} of ${model.name} switched at position ${progress.position} (${progress.processed} events)`);
    } catch (error) {
      progress.status = 'failed';
      progress.error = error instanceof Error ? error.message : String(error);
      this.logger.error(`Rebuild ${progress.id} of ${model.name} failed: ${progress.error}`);
      await this.discard(name).catch(() => undefined);
    } finally {
      progress.finishedAt = new Date().toISOString();
      if (paused) await this.runner.resume(model.name);
    }
  }

  /** Applies every event after `progress.position`, up to the end of the log as read now. */
  private async readFrom(shadow: ReadModel, progress: RebuildProgress): Promise<void> {
    const after = progress.position < 0 ? undefined : progress.position;
    // Sealed, as the live consumers read it: a rebuild writes no personal data in clear either.
    for await (const envelope of publishedEvents(this.events).readAll({ after, categories: READ_MODEL_CATEGORIES })) {
      if (this.stopping) throw new Error('The service is stopping');
      if (progress.tenantId === undefined || envelope.metadata.tenantId === progress.tenantId) {
        await this.runner.apply(shadow, toIntegrationEvent(envelope));
      }
      progress.position = envelope.position;
      progress.processed += 1;
      // The embedded stores answer synchronously: give the event loop to requests now and then.
      if (progress.processed % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    // Everything up to the head read before this pass is covered, events of other categories included:
    // without this, a log whose last event is of a category no read model reads never reaches its head.
    progress.position = Math.max(progress.position, progress.headPosition);
  }

  /** The rebuilt applied records become the model's, in one transaction; the old ones go. */
  private async moveApplied(live: string, shadow: string): Promise<void> {
    const applied = await this.store.collection<AppliedDoc>({ name: APPLIED });
    const rebuilt = await applied.find({ model: shadow });
    const streams = rebuilt.map((record) => record.streamId);
    await this.store.withTransaction(async (session) => {
      await applied.deleteMany({ model: live, streamId: { $nin: streams } }, session);
      if (rebuilt.length > 0) {
        await applied.bulkWrite(
          rebuilt.map((record) => {
            const document = { ...record, _id: appliedId(live, record.streamId), model: live };
            return { replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true } };
          }),
          session,
        );
      }
      await applied.deleteMany({ model: shadow }, session);
    });
  }

  /**
   * One tenant's documents and applied records of the model become the rebuilt ones, in one
   * transaction; then the rebuild collection goes. Refuses (and fails the rebuild) when a rebuilt
   * document does not carry the tenant: deleting by `tenantId` would then not replace it.
   */
  private async replaceTenant(model: ReadModel, shadow: string, tenantId: string): Promise<void> {
    const live = await this.store.collection({ name: model.name, indexes: model.indexes });
    const rebuilt = await this.store.collection({ name: shadow, indexes: model.indexes });
    const documents = await rebuilt.find({});
    const foreign = documents.filter((document) => document['tenantId'] !== tenantId);
    if (foreign.length > 0) {
      throw new Error(`${foreign.length} rebuilt ${model.name} documents do not carry tenant ${tenantId} (first: ${String(foreign[0]._id)})`);
    }
    const applied = await this.store.collection<AppliedDoc>({ name: APPLIED });
    const records = await applied.find({ model: shadow });
    await this.store.withTransaction(async (session) => {
      await live.deleteMany({ tenantId }, session);
      if (documents.length > 0) await live.bulkWrite(documents.map((document) => ({ insertOne: { document } })), session);
      await applied.deleteMany({ model: model.name, tenantId }, session);
      if (records.length > 0) {
        await applied.bulkWrite(
          records.map((record) => ({ insertOne: { document: { ...record, _id: appliedId(model.name, record.streamId), model: model.name } } })),
          session,
        );
      }
      await applied.deleteMany({ model: shadow }, session);
    });
    await this.store.dropCollection(shadow);
  }

  private async discard(shadow: string): Promise<void> {
    if ((await this.store.listCollections()).includes(shadow)) await this.store.dropCollection(shadow);
    const applied = await this.store.collection<AppliedDoc>({ name: APPLIED });
    await applied.deleteMany({ model: shadow });
  }

  /** Collections and applied records left by an earlier rebuild of this model that did not finish. */
  private async dropLeftovers(readModel: string): Promise<void> {
    const prefix = `${readModel}__rebuild_`;
    const active = new Set([...this.rebuilds.values()].filter((r) => r.status === 'running').map((r) => rebuildCollectionName(r.readModel, r.id)));
    for (const name of await this.store.listCollections()) {
      if (name.startsWith(prefix) && !active.has(name)) await this.discard(name);
    }
  }
}
