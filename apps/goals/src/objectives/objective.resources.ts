import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, loadAggregate, type EventStore } from '@okr/event-store';
import { OBJECTIVE_CATEGORY, notFound, objectiveDecider, streamName } from '@okr/okr-domain';
import {
  requiredBodyString,
  uuidParam,
  type PermissionRequest,
  type Principal,
  type ResourceFacts,
  type ResourceResolver,
} from '@okr/platform';

/** The objective of `:id`, from its stream in the caller's tenant: its team and its owner. */
@Injectable()
export class ObjectiveResource implements ResourceResolver {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async resolve(request: PermissionRequest, principal: Principal): Promise<ResourceFacts> {
    const objectiveId = uuidParam(request, 'id');
    const { state } = await loadAggregate(this.store, streamName(OBJECTIVE_CATEGORY, objectiveId), objectiveDecider, principal.tenantId);
    if (state.status === 'empty') throw notFound('objective-not-found', 'This objective does not exist', { objectiveId });
    return { description: `objective "${state.title}"`, teams: [state.teamId], owners: [state.ownerId] };
  }
}

/** The team a new objective is set for (`teamId` of the body): setting one is that team's business. */
@Injectable()
export class TeamOfNewObjective implements ResourceResolver {
  async resolve(request: PermissionRequest): Promise<ResourceFacts> {
    const teamId = requiredBodyString(request, 'teamId');
    return { description: `team ${teamId}`, teams: [teamId], owners: [] };
  }
}
