import type { Command, Decider, DomainEvent } from '../shared/envelope';
import { streamName } from '../shared/envelope';
import { ruleBroken } from '../shared/errors';
import { ignoreUnknownEvent, unhandledCommand } from '../shared/exhaustive';

/**
 * One tenant never has two cycles of the same name. The rule spans cycle streams, so it lives in a
 * stream of its own per tenant and normalised name (`cyclename-{tenant}:{name}`): whoever appends
 * `CycleNameReserved` at the revision they read holds the name, and of two concurrent plans (or
 * renames) only one append can succeed. A rename reserves the new name, then releases the old one.
 */
export const CYCLE_NAME_CATEGORY = 'cyclename';

/** Names compare without case, surrounding or repeated spaces, or Unicode look-alike forms. */
export const normaliseCycleName = (name: string): string => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en');

/** The reservation stream of a name in a tenant. */
export const cycleNameStreamName = (tenantId: string, name: string): string =>
  streamName(CYCLE_NAME_CATEGORY, `${encodeURIComponent(tenantId)}:${encodeURIComponent(normaliseCycleName(name))}`);

export type CycleNameReserved = DomainEvent<'CycleNameReserved', { cycleId: string; name: string }>;
export type CycleNameReleased = DomainEvent<'CycleNameReleased', { cycleId: string; name: string }>;
export type CycleNameEvent = CycleNameReserved | CycleNameReleased;

/**
 * `staleHolder`: the application checked that this cycle holds the name in its reservation only (a
 * plan or rename that stopped half-way): it no longer uses the name, so the name may be taken over.
 */
export type ReserveCycleName = Command<'ReserveCycleName', { cycleId: string; name: string; staleHolder?: string }>;
export type ReleaseCycleName = Command<'ReleaseCycleName', { cycleId: string }>;
export type CycleNameCommand = ReserveCycleName | ReleaseCycleName;

export interface CycleNameState {
  /** The cycle holding the name, or null when free. */
  holder: string | null;
  name?: string;
}

export const initialCycleNameState = (): CycleNameState => ({ holder: null });

export const decideCycleName = (command: CycleNameCommand, state: CycleNameState): CycleNameEvent[] => {
  switch (command.type) {
    case 'ReserveCycleName': {
      const { cycleId, name, staleHolder } = command.data;
      if (state.holder === cycleId && state.name === name) return [];
      if (state.holder !== null && state.holder !== cycleId && state.holder !== staleHolder) {
        throw ruleBroken('cycle-name-taken', `A cycle named "${state.name ?? name}" already exists.`, { field: 'name', name });
      }
      return [{ type: 'CycleNameReserved', data: { cycleId, name } }];
    }
    case 'ReleaseCycleName':
      // Only the holder releases: a late release must not free a name someone else holds now.
      if (state.holder !== command.data.cycleId) return [];
      return [{ type: 'CycleNameReleased', data: { cycleId: command.data.cycleId, name: state.name ?? '' } }];
    default:
      return unhandledCommand(command);
  }
};

export const evolveCycleName = (state: CycleNameState, event: CycleNameEvent): CycleNameState => {
  switch (event.type) {
    case 'CycleNameReserved':
      return { holder: event.data.cycleId, name: event.data.name };
    case 'CycleNameReleased':
      return state.holder === event.data.cycleId ? { holder: null } : state;
    default:
      return ignoreUnknownEvent(event, state);
  }
};

/** The name reservation of a tenant's cycles, for the generic command handler. */
export const cycleNameDecider: Decider<CycleNameState, CycleNameCommand, CycleNameEvent> = {
  decide: decideCycleName,
  evolve: evolveCycleName,
  initialState: initialCycleNameState,
};
