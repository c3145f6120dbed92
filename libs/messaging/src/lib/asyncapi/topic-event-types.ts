import type {
  CheckInEvent,
  CycleEvent,
  CycleNameEvent,
  ErasureEvent,
  KeyResultRiskEvent,
  LearningEvent,
  ObjectiveEvent,
  QuestionEvent,
  ServiceAccountEvent,
  TeamEvent,
} from '@okr/okr-domain';
import type { TOPICS } from '../topics';

type TopicKey = keyof typeof TOPICS;

/**
 * The event types each topic carries: the types of the streams of its categories. Each list is a
 * record over the domain's union of that category's events, so a new event type does not compile
 * until it is placed on a topic (or listed in {@link UNPUBLISHED_EVENT_TYPES}).
 */
const GOALS: Record<CycleEvent['type'] | ObjectiveEvent['type'] | TeamEvent['type'], true> = {
  CyclePlanned: true,
  CycleRenamed: true,
  CycleRescheduled: true,
  CycleClosed: true,
  ObjectiveSet: true,
  ObjectiveReworded: true,
  ObjectiveAligned: true,
  ObjectiveAlignmentWithdrawn: true,
  KeyResultAdded: true,
  KeyResultTargetRevised: true,
  KeyResultDropped: true,
  ObjectiveOwnershipTransferred: true,
  ObjectiveActivated: true,
  ObjectiveGraded: true,
  ObjectiveGradeCorrected: true,
  ObjectiveArchived: true,
  ObjectiveCarriedOver: true,
  ObjectiveCarriedOverFrom: true,
  TeamRegistered: true,
  TeamRenamed: true,
  TeamMoved: true,
  TeamLeadsChanged: true,
};

const CHECK_INS: Record<CheckInEvent['type'] | LearningEvent['type'] | QuestionEvent['type'], true> = {
  CheckInRecorded: true,
  CheckInCorrected: true,
  MeasurementRecorded: true,
  LearningCaptured: true,
  LearningRevised: true,
  LearningAcknowledged: true,
  QuestionAsked: true,
  QuestionAnswered: true,
  QuestionSetAside: true,
};

const INSIGHTS: Record<KeyResultRiskEvent['type'], true> = {
  KeyResultAtRisk: true,
  KeyResultBackOnTrack: true,
};

export const TOPIC_EVENT_TYPES: Readonly<Record<TopicKey, readonly string[]>> = {
  goals: Object.keys(GOALS),
  checkIns: Object.keys(CHECK_INS),
  insights: Object.keys(INSIGHTS),
};

/** Event types kept in the event store but on no topic, and why: they are nobody's business downstream. */
export const UNPUBLISHED_EVENT_TYPES: Readonly<Record<CycleNameEvent['type'] | ServiceAccountEvent['type'] | ErasureEvent['type'], string>> = {
  CycleNameReserved: 'a uniqueness guard of cycle names (stream cyclename-*), not a fact about a cycle',
  CycleNameReleased: 'a uniqueness guard of cycle names (stream cyclename-*), not a fact about a cycle',
  ServiceAccountCreated: 'credentials of programs (stream serviceaccounts-*), read by the API key verifier only',
  ServiceAccountKeyRotated: 'credentials of programs (stream serviceaccounts-*), read by the API key verifier only',
  ServiceAccountRevoked: 'credentials of programs (stream serviceaccounts-*), read by the API key verifier only',
  PersonalDataErased: 'the audit record of an erasure (stream erasure-*): the erasure shows downstream as the erased data itself',
};
