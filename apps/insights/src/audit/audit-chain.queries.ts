import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, exportStreams, verifyChain, type ChainReport, type EventStore } from '@okr/event-store';
import { CHECK_IN_CATEGORY, CYCLE_CATEGORY, LEARNING_CATEGORY, OBJECTIVE_CATEGORY, categoryOf, notFound, streamName } from '@okr/okr-domain';
import { AUDITED_CATEGORIES } from './audit.queries';

const streamNotFound = (streamId: string) => notFound('stream-not-found', 'This stream does not exist', { streamId });

/** Whether a stream exists and belongs to the tenant (its first event says so). */
async function ownedBy(store: EventStore, streamId: string, tenantId: string): Promise<boolean> {
  for await (const event of store.readStream(streamId, { maxCount: 1 })) return event.metadata.tenantId === tenantId;
  return false;
}

export class VerifyStreamChainQuery extends Query<ChainReport> {
  constructor(
    readonly tenantId: string,
    readonly streamId: string,
  ) {
    super();
  }
}

/** The hash chain of one audited stream: intact, or its first broken link. 404 as for the audit trail. */
@QueryHandler(VerifyStreamChainQuery)
export class VerifyStreamChainHandler implements IQueryHandler<VerifyStreamChainQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, streamId }: VerifyStreamChainQuery): Promise<ChainReport> {
    if (!AUDITED_CATEGORIES.includes(categoryOf(streamId)) || !(await ownedBy(this.store, streamId, tenantId))) throw streamNotFound(streamId);
    return verifyChain(streamId, this.store.readStream(streamId, { asStored: true }));
  }
}

/** What an export covers: one stream, or a cycle with its objectives, check-ins and learnings. */
export type AuditExportScope = { stream: string } | { cycleId: string };

/** An export's file name (without extension) and its lines; resolved (or refused) before the first line. */
export interface AuditExport {
  name: string;
  lines: AsyncIterable<string>;
}

export class ExportAuditQuery extends Query<AuditExport> {
  constructor(
    readonly tenantId: string,
    readonly scope: AuditExportScope,
  ) {
    super();
  }
}

/** The export of a stream or a cycle; 404 when the stream or cycle is absent or another tenant's. */
@QueryHandler(ExportAuditQuery)
export class ExportAuditHandler implements IQueryHandler<ExportAuditQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, scope }: ExportAuditQuery): Promise<AuditExport> {
    const streamIds = await this.streamsOf(tenantId, scope);
    const name = 'stream' in scope ? scope.stream : `cycle-${scope.cycleId}`;
    return { name, lines: exportStreams(this.store, tenantId, streamIds, scope) };
  }

  /** The streams of an export, in file order. */
  private async streamsOf(tenantId: string, scope: AuditExportScope): Promise<string[]> {
    if ('stream' in scope) {
      if (!AUDITED_CATEGORIES.includes(categoryOf(scope.stream)) || !(await ownedBy(this.store, scope.stream, tenantId))) {
        throw streamNotFound(scope.stream);
      }
      return [scope.stream];
    }
    const cycleStream = streamName(CYCLE_CATEGORY, scope.cycleId);
    if (!(await ownedBy(this.store, cycleStream, tenantId))) {
      throw notFound('cycle-not-found', 'The cycle does not exist.', { cycleId: scope.cycleId });
    }
    return [cycleStream, ...(await this.cycleMembers(tenantId, scope.cycleId))];
  }

  /**
   * The objectives ever placed in the cycle, the check-ins of their key results and the learnings
   * about them: one pass over the objective streams, one over the learning streams.
   */
  private async cycleMembers(tenantId: string, cycleId: string): Promise<string[]> {
    const objectives = new Set<string>();
    const keyResultsOf = new Map<string, Set<string>>();
    for await (const event of this.store.readAll({ categories: [OBJECTIVE_CATEGORY] })) {
      if (event.metadata.tenantId !== tenantId) continue;
      const data = event.data as { cycleId?: unknown; keyResultId?: unknown };
      if (data.cycleId === cycleId) objectives.add(event.streamId);
      if (typeof data.keyResultId === 'string') {
        const keyResults = keyResultsOf.get(event.streamId) ?? new Set<string>();
        keyResultsOf.set(event.streamId, keyResults.add(data.keyResultId));
      }
    }
    const keyResults = new Set([...objectives].flatMap((objective) => [...(keyResultsOf.get(objective) ?? [])]));
    const objectiveIds = new Set([...objectives].map((objective) => objective.slice(OBJECTIVE_CATEGORY.length + 1)));
    const learnings = new Set<string>();
    for await (const event of this.store.readAll({ categories: [LEARNING_CATEGORY] })) {
      if (event.metadata.tenantId !== tenantId) continue;
      const data = event.data as { objectiveId?: unknown; keyResultIds?: unknown };
      const aboutKeyResult = Array.isArray(data.keyResultIds) && data.keyResultIds.some((id) => keyResults.has(String(id)));
      if ((typeof data.objectiveId === 'string' && objectiveIds.has(data.objectiveId)) || aboutKeyResult) learnings.add(event.streamId);
    }
    return [...objectives, ...[...keyResults].map((id) => streamName(CHECK_IN_CATEGORY, id)), ...learnings];
  }
}
