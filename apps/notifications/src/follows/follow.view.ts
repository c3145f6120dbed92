import type { FollowDoc } from '../store/notifications.store';

export const followId = (tenantId: string, userId: string, kind: string, targetId: string): string => `${tenantId}|${userId}|${kind}|${targetId}`;

/** A follow as the API shows it. */
export const followView = (f: FollowDoc) => ({ kind: f.kind, targetId: f.targetId, since: f.since });
export type FollowView = ReturnType<typeof followView>;
