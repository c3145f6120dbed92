import { Inject, Injectable } from '@nestjs/common';
import type { ReadModel } from '@okr/messaging';
import { notFound, type KeyResultKind, type KeyResultMeasure, type QuestionStatus } from '@okr/okr-domain';
import { ViewCatchingUpProblem, type Page, type PageRequest } from '@okr/platform';
import { EVENT_STORE, appendBatchOf, openSealedValues, type AppendBatch, type EventStore } from '@okr/event-store';
import { READ_STORE, pageCollection, type ReadCollection, type ReadDocument, type ReadStore } from '@okr/read-store';
import { questionsIndexModel, type QuestionIndexDoc } from '../questions/questions.read-model';
import {
  knownCycleId,
  knownGoalsModel,
  knownKeyResultId,
  knownObjectiveId,
  type KnownCycleDoc,
  type KnownGoalsDoc,
  type KnownKeyResultDoc,
  type KnownObjectiveDoc,
  type ObjectiveStatus,
} from './known-goals.read-model';
import { checkInKeyId, checkInKeyWrites, checkInKeysModel, learningsIndexModel, type CheckInKeyDoc, type LearningIndexDoc } from './own-events.read-models';
import { KnownGoalsRunner, OwnEventsRunner } from './view.runners';

export type { ObjectiveStatus } from './known-goals.read-model';

/** What the service knows of a key result, from goals' events. */
export interface KnownKeyResult {
  keyResultId: string;
  objectiveId: string;
  kind: KeyResultKind;
  measure: KeyResultMeasure;
  dropped: boolean;
  objectiveStatus: ObjectiveStatus;
  /** The objective's cycle; `undefined` while the view has not seen it planned. */
  cycle?: KnownCycle;
}

/** A cycle's dates (YYYY-MM-DD, `endsOn` inclusive), from goals' events. */
export interface KnownCycle {
  cycleId: string;
  startsOn: string;
  endsOn: string;
}

export interface KnownObjective {
  teamId: string;
  status: ObjectiveStatus;
  ownerId?: string;
}

export const keyResultNotFound = (keyResultId: string) => notFound('key-result-not-found', 'This key result does not exist', { keyResultId });
export const objectiveNotFound = (objectiveId: string) => notFound('objective-not-found', 'This objective does not exist', { objectiveId });
export const checkInNotFound = (checkInId: string) => notFound('check-in-not-found', 'This check-in does not exist', { checkInId });

const ofTenant = <T extends ReadDocument & { tenantId: string }>(doc: T | null, tenantId: string): T | undefined =>
  doc !== null && doc.tenantId === tenantId ? doc : undefined;

/**
 * What check-ins knows, read from its read models in the read store (shared by every replica: MongoDB
 * in production, the data folder's embedded store otherwise): goals' cycles, objectives and key
 * results, where each check-in lives, and the learnings and questions of each objective.
 *
 * The `require…` reads answer what a command or a permission needs: the thing, a 404 when it does not
 * exist, or a 503 {@link ViewCatchingUpProblem} while the view has not applied all its topic holds (it
 * may exist then). A miss asks the bus whether the view has caught up and then reads again, so a
 * document applied in between is found, and a 404 is only answered for what the view lacks after it
 * had caught up.
 */
@Injectable()
export class CheckInsView {
  private readonly collections = new Map<string, Promise<ReadCollection>>();
  /** Where the check-ins an append batch (an import request) holds live, until it commits. */
  private readonly heldCheckIns = new WeakMap<AppendBatch, Map<string, CheckInKeyDoc>>();

  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly goalsRunner: KnownGoalsRunner,
    private readonly ownRunner: OwnEventsRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async keyResult(tenantId: string, keyResultId: string): Promise<KnownKeyResult | undefined> {
    const goals = await this.collection<KnownGoalsDoc>(knownGoalsModel);
    const kr = ofTenant((await goals.findOne({ _id: knownKeyResultId(tenantId, keyResultId) })) as KnownKeyResultDoc | null, tenantId);
    if (!kr) return undefined;
    const objective = ofTenant((await goals.findOne({ _id: knownObjectiveId(tenantId, kr.objectiveId) })) as KnownObjectiveDoc | null, tenantId);
    if (!objective) return undefined;
    const cycle = ofTenant((await goals.findOne({ _id: knownCycleId(tenantId, objective.cycleId) })) as KnownCycleDoc | null, tenantId);
    return {
      keyResultId,
      objectiveId: kr.objectiveId,
      kind: kr.measure.kind,
      measure: kr.measure,
      dropped: kr.dropped,
      objectiveStatus: objective.status,
      ...(cycle ? { cycle: { cycleId: cycle.cycleId, startsOn: cycle.startsOn, endsOn: cycle.endsOn } } : {}),
    };
  }

  async objective(tenantId: string, objectiveId: string): Promise<KnownObjective | undefined> {
    const goals = await this.collection<KnownGoalsDoc>(knownGoalsModel);
    const doc = ofTenant((await goals.findOne({ _id: knownObjectiveId(tenantId, objectiveId) })) as KnownObjectiveDoc | null, tenantId);
    // The owner is kept sealed: an erased owner reads "erased person", which owns nothing.
    return doc && { teamId: doc.teamId, status: doc.status, ownerId: await openSealedValues(this.events, doc.ownerId) };
  }

  /** The key result; 404 `key-result-not-found`, or 503 while the view catches up. */
  requireKeyResult(tenantId: string, keyResultId: string): Promise<KnownKeyResult> {
    return this.known(() => this.keyResult(tenantId, keyResultId), this.goalsRunner, knownGoalsModel, () => keyResultNotFound(keyResultId), 'key result', { keyResultId });
  }

  /** The objective; 404 `objective-not-found`, or 503 while the view catches up. */
  requireObjective(tenantId: string, objectiveId: string): Promise<KnownObjective> {
    return this.known(() => this.objective(tenantId, objectiveId), this.goalsRunner, knownGoalsModel, () => objectiveNotFound(objectiveId), 'objective', { objectiveId });
  }

  /** The key result a check-in was recorded on; 404 `check-in-not-found`, or 503 while the view catches up. */
  requireCheckInKeyResult(tenantId: string, checkInId: string): Promise<string> {
    return this.known(
      async () => {
        const batch = appendBatchOf(this.events);
        const held = batch && this.heldCheckIns.get(batch)?.get(checkInKeyId(tenantId, checkInId));
        if (held) return held.keyResultId;
        const keys = await this.collection<CheckInKeyDoc>(checkInKeysModel);
        return ofTenant(await keys.findOne({ _id: checkInKeyId(tenantId, checkInId) }), tenantId)?.keyResultId;
      },
      this.ownRunner,
      checkInKeysModel,
      () => checkInNotFound(checkInId),
      'check-in',
      { checkInId },
    );
  }

  /**
   * Records where a check-in lives right after its append, so that a correction sent at once finds it
   * (the projection of `CheckInRecorded` writes the same, commutative document later). Inside an
   * append batch the check-in is not stored yet: the batch's corrections find it here, and every place
   * it holds is written in one read-store transaction once it has committed.
   */
  async rememberCheckIn(tenantId: string, checkInId: string, keyResultId: string): Promise<void> {
    const batch = appendBatchOf(this.events);
    if (!batch) {
      const keys = await this.collection<CheckInKeyDoc>(checkInKeysModel);
      await keys.bulkWrite(checkInKeyWrites(tenantId, checkInId, keyResultId));
      return;
    }
    const places = this.heldCheckIns.get(batch) ?? new Map<string, CheckInKeyDoc>();
    this.heldCheckIns.set(batch, places);
    places.set(checkInKeyId(tenantId, checkInId), { _id: checkInKeyId(tenantId, checkInId), tenantId, checkInId, keyResultId });
    batch.afterCommit(async () => {
      const keys = await this.collection<CheckInKeyDoc>(checkInKeysModel);
      await keys.bulkWrite([...places.values()].flatMap((place) => checkInKeyWrites(place.tenantId, place.checkInId, place.keyResultId)));
    }, places);
  }

  /** The learnings of an objective or of a key result, oldest first (`capturedAt`, then id), a page at a time. */
  async learnings(tenantId: string, of: { objectiveId: string } | { keyResultId: string }, page: PageRequest): Promise<Page<LearningIndexDoc>> {
    const learnings = await this.collection<LearningIndexDoc>(learningsIndexModel);
    const filter = 'objectiveId' in of ? { tenantId, objectiveId: of.objectiveId } : { tenantId, keyResultIds: of.keyResultId };
    return pageCollection(learnings, filter, page, { list: 'learnings', sortBy: 'capturedAt', order: 'asc' });
  }

  /** The ids of an objective's questions (on it, its key results and its learnings), oldest first, a page at a time. */
  async questions(tenantId: string, objectiveId: string, options: PageRequest & { status?: QuestionStatus }): Promise<Page<string>> {
    const questions = await this.collection<QuestionIndexDoc>(questionsIndexModel);
    const filter = { tenantId, objectiveId, ...(options.status === undefined ? {} : { status: options.status }) };
    const page = { ...(options.limit === undefined ? {} : { limit: options.limit }), ...(options.cursor === undefined ? {} : { cursor: options.cursor }) };
    const found = await pageCollection(questions, filter, page, { list: 'objective-questions', sortBy: 'askedAt', order: 'asc' });
    return { items: found.items.map((doc) => doc._id), nextCursor: found.nextCursor };
  }

  private async known<T>(
    lookup: () => Promise<T | undefined>,
    runner: KnownGoalsRunner | OwnEventsRunner,
    model: Pick<ReadModel, 'name'>,
    missing: () => Error,
    what: string,
    details: Record<string, unknown>,
  ): Promise<T> {
    const found = await lookup();
    if (found !== undefined) return found;
    // Caught up BEFORE the second read: whatever the topic held then is in the store when it reads.
    const caughtUp = await runner.hasCaughtUp(model as ReadModel);
    const again = await lookup();
    if (again !== undefined) return again;
    if (!caughtUp) throw new ViewCatchingUpProblem(`This service is still reading the latest changes, so it cannot tell yet whether this ${what} exists. Try again in a moment.`, details);
    throw missing();
  }

  private collection<T extends ReadDocument>(model: Pick<ReadModel, 'name' | 'indexes'>): Promise<ReadCollection<T>> {
    let collection = this.collections.get(model.name);
    if (!collection) {
      collection = this.store.collection({ name: model.name, indexes: model.indexes });
      this.collections.set(model.name, collection);
    }
    return collection as Promise<ReadCollection<T>>;
  }
}
