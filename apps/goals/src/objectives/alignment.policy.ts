import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, loadAggregate, type EventStore } from '@okr/event-store';
import {
  OBJECTIVE_CATEGORY,
  notFound,
  objectiveDecider,
  ruleBroken,
  streamName,
  type ObjectiveState,
} from '@okr/okr-domain';

/** Deepest alignment chain walked before giving up; real hierarchies are a handful of levels. */
const MAX_ANCESTORS = 1000;

/**
 * Alignment spans objectives, so its rules live here, before the decider runs: the parent must exist
 * for this tenant and be open, and aligning must not close a loop (A contributes to B contributes to A).
 *
 * Two concurrent alignments could each pass this check and together form a loop; the check is a
 * guard for people, not a serialisable constraint (see the issue note).
 */
@Injectable()
export class AlignmentPolicy {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async assertCanAlign(tenantId: string, objectiveId: string, parentObjectiveId: string): Promise<void> {
    const parent = await this.load(tenantId, parentObjectiveId);
    if (parent.status === 'empty') {
      throw notFound('parent-objective-not-found', 'The parent objective does not exist', { parentObjectiveId });
    }
    if (parent.status === 'archived') {
      throw ruleBroken('parent-objective-archived', `The parent objective "${parent.title}" is archived`, { parentObjectiveId });
    }
    if (parentObjectiveId === objectiveId) return; // the decider refuses self-alignment with its own error
    const seen = new Set<string>([parentObjectiveId]);
    const queue = [...parent.parentObjectiveIds];
    while (queue.length > 0 && seen.size < MAX_ANCESTORS) {
      const ancestorId = queue.shift() as string;
      if (ancestorId === objectiveId) {
        throw ruleBroken(
          'alignment-cycle',
          `Aligning to ${parentObjectiveId} would make ${objectiveId} contribute to itself`,
          { parentObjectiveId },
        );
      }
      if (seen.has(ancestorId)) continue;
      seen.add(ancestorId);
      const ancestor = await this.load(tenantId, ancestorId);
      if (ancestor.status !== 'empty') queue.push(...ancestor.parentObjectiveIds);
    }
  }

  private async load(tenantId: string, id: string): Promise<ObjectiveState> {
    return (await loadAggregate(this.store, streamName(OBJECTIVE_CATEGORY, id), objectiveDecider, tenantId)).state;
  }
}
