import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, loadAggregate, type EventStore } from '@okr/event-store';
import { learningDecider, learningStreamName, notFound, questionDecider, questionStreamName } from '@okr/okr-domain';
import {
  bodyString,
  uuidParam,
  type PermissionRequest,
  type Principal,
  type ResourceFacts,
  type ResourceResolver,
} from '@okr/platform';
import { questionNotFound } from '../questions/question.commands';
import { CheckInsView } from './check-ins.view';

/**
 * The owning team and owner of an objective, as this service's view knows them (404 unknown, 503
 * while the view catches up: a permission is never refused for what the view has not read yet).
 */
async function objectiveFacts(view: CheckInsView, tenant: string, objectiveId: string, description: string): Promise<ResourceFacts> {
  const objective = await view.requireObjective(tenant, objectiveId);
  return { description, teams: [objective.teamId], owners: objective.ownerId ? [objective.ownerId] : [] };
}

async function keyResultFacts(view: CheckInsView, tenant: string, keyResultId: string): Promise<ResourceFacts> {
  const kr = await view.requireKeyResult(tenant, keyResultId);
  return objectiveFacts(view, tenant, kr.objectiveId, "the key result's objective");
}

/** The key result of `:krId`: its check-ins belong to its objective's team and owner. */
@Injectable()
export class KeyResultResource implements ResourceResolver {
  constructor(private readonly view: CheckInsView) {}

  async resolve(request: PermissionRequest, principal: Principal): Promise<ResourceFacts> {
    return keyResultFacts(this.view, principal.tenantId, uuidParam(request, 'krId'));
  }
}

/** The check-in of `:id`, through the key result it was recorded on. */
@Injectable()
export class CheckInResource implements ResourceResolver {
  constructor(private readonly view: CheckInsView) {}

  async resolve(request: PermissionRequest, principal: Principal): Promise<ResourceFacts> {
    const checkInId = uuidParam(request, 'id');
    const keyResultId = await this.view.requireCheckInKeyResult(principal.tenantId, checkInId);
    return keyResultFacts(this.view, principal.tenantId, keyResultId);
  }
}

/**
 * What a new learning is about: the objective it names, else the objective of its first key result,
 * else the team it names; a learning about none of these is its author's alone, so the caller may.
 */
@Injectable()
export class NewLearningResource implements ResourceResolver {
  constructor(private readonly view: CheckInsView) {}

  async resolve(request: PermissionRequest, principal: Principal): Promise<ResourceFacts> {
    const tenant = principal.tenantId;
    const objectiveId = bodyString(request, 'objectiveId');
    if (objectiveId !== undefined) return objectiveFacts(this.view, tenant, objectiveId, "the learning's objective");
    const body = request.body as { keyResultIds?: unknown } | null;
    const keyResultIds = Array.isArray(body?.keyResultIds) ? body.keyResultIds : [];
    if (typeof keyResultIds[0] === 'string') return keyResultFacts(this.view, tenant, keyResultIds[0]);
    const teamId = bodyString(request, 'teamId');
    if (teamId !== undefined) return { description: `team ${teamId}`, teams: [teamId], owners: [] };
    return { description: 'a learning of your own', teams: [], owners: [principal.userId] };
  }
}

/** The learning of `:id`: revised by its author, its team, or its objective's team. */
@Injectable()
export class LearningResource implements ResourceResolver {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly view: CheckInsView,
  ) {}

  async resolve(request: PermissionRequest, principal: Principal): Promise<ResourceFacts> {
    const learningId = uuidParam(request, 'id');
    const { state } = await loadAggregate(this.store, learningStreamName(learningId), learningDecider, principal.tenantId);
    if (state.status === 'empty') throw notFound('learning-not-found', 'This learning does not exist', { learningId });
    const objectiveTeam = state.objectiveId ? (await this.view.objective(principal.tenantId, state.objectiveId))?.teamId : undefined;
    const teams = [state.teamId, objectiveTeam].filter((t): t is string => t !== undefined);
    return { description: 'the learning', teams, owners: [state.author] };
  }
}

/** The question of `:id`: answered by the team that owns its subject. */
@Injectable()
export class QuestionResource implements ResourceResolver {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async resolve(request: PermissionRequest, principal: Principal): Promise<ResourceFacts> {
    const questionId = uuidParam(request, 'id');
    const { state } = await loadAggregate(this.store, questionStreamName(questionId), questionDecider, principal.tenantId);
    if (state.status === 'empty') throw questionNotFound(questionId);
    return { description: 'the question', teams: state.teamId === undefined ? [] : [state.teamId], owners: [] };
  }
}
