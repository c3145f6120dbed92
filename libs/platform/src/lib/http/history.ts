import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { EventStore } from '@okr/event-store';
import { pageArray, type Page, type PageRequest } from './pagination';

/** One event of a stream as the history routes show it: what, who, when, why. */
export interface HistoryEntry {
  id: string;
  type: string;
  revision: number;
  position: number;
  actor: string;
  occurredAt: string;
  /** Only on imported events: when they were written (`occurredAt` is then the original time). */
  importedAt?: string;
  reason?: string;
  correlationId: string;
  causationId: string;
  data: unknown;
}

/**
 * Every event of a stream for one tenant, oldest first; `undefined` when the stream is absent or
 * belongs to another tenant (callers answer 404 either way, so no one learns that it exists).
 */
export async function streamHistory(store: EventStore, streamId: string, tenantId: string): Promise<HistoryEntry[] | undefined> {
  const events: HistoryEntry[] = [];
  for await (const event of store.readStream(streamId)) {
    if (event.metadata.tenantId !== tenantId) return undefined;
    const data = event.data as { reason?: unknown };
    events.push({
      id: event.id,
      type: event.type,
      revision: event.revision,
      position: event.position,
      actor: event.metadata.actor,
      occurredAt: event.metadata.occurredAt,
      ...(event.metadata.importedAt ? { importedAt: event.metadata.importedAt } : {}),
      ...(typeof data.reason === 'string' ? { reason: data.reason } : {}),
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.causationId,
      data: event.data,
    });
  }
  return events.length === 0 ? undefined : events;
}

/** {@link HistoryEntry} as OpenAPI documents it (the item of every history and audit list). */
export class HistoryEntryDto implements HistoryEntry {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'ObjectiveReworded' }) type!: string;
  @ApiProperty({ description: 'Position in its stream, from 0' }) revision!: number;
  @ApiProperty({ description: 'Position in the global log' }) position!: number;
  @ApiProperty() actor!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Only on imported events' }) importedAt?: string;
  @ApiPropertyOptional() reason?: string;
  @ApiProperty() correlationId!: string;
  @ApiProperty() causationId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: unknown;
}

/** One page of a stream's history, oldest first (keyed by revision: an appended event never moves a page). */
export const pageHistory = (entries: readonly HistoryEntry[], request: PageRequest, list = 'history'): Page<HistoryEntry> =>
  pageArray(entries, request, { list, position: (entry) => ({ key: entry.revision, id: entry.id }) });
