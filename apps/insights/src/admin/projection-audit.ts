import type { EventStore } from '@okr/event-store';
import { TOPICS } from '@okr/messaging';
import type { ReadStore } from '@okr/read-store';
import { APPLIED, type AppliedDoc, type ReadModel } from '@okr/messaging';

/** The stream categories the read models follow (goals' and check-ins' topics), all tenants. */
export const READ_MODEL_CATEGORIES: readonly string[] = [...TOPICS.goals.categories, ...TOPICS.checkIns.categories];

/**
 * One stream whose applied revision differs from the log's: `expected` is the revision of the
 * stream's last event of a type the read model handles (null: the log has none, yet a record
 * exists); `applied` the revision of its `_applied` record (null: no record, an event was missed).
 */
export interface Drift {
  streamId: string;
  expected: number | null;
  applied: number | null;
}

export interface ReadModelAudit {
  name: string;
  /** Streams with at least one event the read model handles. */
  streams: number;
  drift: Drift[];
}

export interface ProjectionAuditReport {
  ok: boolean;
  readModels: ReadModelAudit[];
}

export interface AuditOptions {
  /**
   * A read model a few events behind the log (normal lag) looks like drift. When drift is found,
   * wait this long and audit once more; only what is still drifting then is reported. 0: no second look.
   */
  settleMs?: number;
}

/** Total number of drifting streams over every read model of a report. */
export const driftCount = (report: ProjectionAuditReport): number =>
  report.readModels.reduce((sum, model) => sum + model.drift.length, 0);

/**
 * Projection audit: re-reads the log (every tenant) and, per read model and per stream with events
 * of the types it handles, compares the revision of the last such event with the read model's
 * `_applied['{model}|{streamId}']` record. A missing record, or a different revision, is drift: an
 * event missed, doubled or skipped. Records of streams the log does not have are drift too.
 * Read-only; safe while the service runs (see {@link AuditOptions.settleMs} for lag).
 */
export async function auditProjections(
  events: EventStore,
  store: ReadStore,
  models: readonly ReadModel[],
  options: AuditOptions = {},
): Promise<ProjectionAuditReport> {
  const first = await auditOnce(events, store, models);
  if (first.ok || !options.settleMs) return first;
  await new Promise((resolve) => setTimeout(resolve, options.settleMs));
  return auditOnce(events, store, models);
}

async function auditOnce(events: EventStore, store: ReadStore, models: readonly ReadModel[]): Promise<ProjectionAuditReport> {
  // model name -> streamId -> revision of its last handled event
  const expected = new Map<string, Map<string, number>>(models.map((model) => [model.name, new Map()]));
  for await (const event of events.readAll({ categories: READ_MODEL_CATEGORIES })) {
    for (const model of models) {
      if (model.handles.includes(event.type)) expected.get(model.name)?.set(event.streamId, event.revision);
    }
  }
  const names = await store.listCollections();
  const appliedRecords: AppliedDoc[] = names.includes(APPLIED)
    ? await (await store.collection<AppliedDoc>({ name: APPLIED })).find({ model: { $in: models.map((m) => m.name) } })
    : [];
  const readModels = models.map((model): ReadModelAudit => {
    const wanted = expected.get(model.name) ?? new Map<string, number>();
    const applied = new Map(appliedRecords.filter((r) => r.model === model.name).map((r) => [r.streamId, r.revision]));
    const drift: Drift[] = [];
    for (const [streamId, revision] of wanted) {
      const got = applied.get(streamId);
      if (got !== revision) drift.push({ streamId, expected: revision, applied: got ?? null });
    }
    for (const [streamId, revision] of applied) {
      if (!wanted.has(streamId)) drift.push({ streamId, expected: null, applied: revision });
    }
    drift.sort((a, b) => a.streamId.localeCompare(b.streamId));
    return { name: model.name, streams: wanted.size, drift };
  });
  return { ok: readModels.every((model) => model.drift.length === 0), readModels };
}
