import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, handleCommand, loadAggregate, type CommandContext, type EventStore } from '@okr/event-store';
import {
  CYCLE_CATEGORY,
  cycleDecider,
  cycleNameDecider,
  cycleNameStreamName,
  normaliseCycleName,
  streamName,
} from '@okr/okr-domain';

/**
 * A reservation older than this whose cycle does not carry the name (a plan or rename that stopped
 * half-way) is stale and may be taken over. Younger ones may belong to a plan still in flight.
 */
export const STALE_RESERVATION_MS = 60_000;

/**
 * No two cycles of one tenant with the same name: the name is reserved in its own stream
 * (`cyclename-{tenant}:{name}`, see `cycleNameDecider`) BEFORE the cycle stream is written, with the
 * revision read, so of two concurrent plans or renames to one name exactly one append succeeds; the
 * other reads again and is refused `cycle-name-taken`.
 */
@Injectable()
export class CycleNames {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Reserves `name` for `cycleId`; throws `cycle-name-taken` (422) when another cycle holds it. */
  async reserve(context: CommandContext, cycleId: string, name: string): Promise<void> {
    const stream = cycleNameStreamName(context.tenantId, name);
    const staleHolder = await this.staleHolder(context.tenantId, stream, name);
    const data = { cycleId, name, ...(staleHolder ? { staleHolder } : {}) };
    await handleCommand(this.store, stream, cycleNameDecider, { type: 'ReserveCycleName', data }, context);
  }

  /** Frees `name` if `cycleId` holds it (after a rename, or a plan that failed). */
  async release(context: CommandContext, cycleId: string, name: string): Promise<void> {
    const stream = cycleNameStreamName(context.tenantId, name);
    await handleCommand(this.store, stream, cycleNameDecider, { type: 'ReleaseCycleName', data: { cycleId } }, context);
  }

  /** True when both names share one reservation (they differ only in case or spacing). */
  sameReservation(a: string, b: string): boolean {
    return normaliseCycleName(a) === normaliseCycleName(b);
  }

  private async staleHolder(tenantId: string, stream: string, name: string): Promise<string | undefined> {
    const { state, last } = await loadAggregate(this.store, stream, cycleNameDecider, tenantId);
    if (state.holder === null || !last) return undefined;
    const writtenAt = Date.parse(last.metadata.importedAt ?? last.metadata.occurredAt);
    if (Date.now() - writtenAt < STALE_RESERVATION_MS) return undefined;
    const holder = await loadAggregate(this.store, streamName(CYCLE_CATEGORY, state.holder), cycleDecider, tenantId);
    const usesName = holder.state.status !== 'empty' && this.sameReservation(holder.state.name, name);
    return usesName ? undefined : state.holder;
  }
}
