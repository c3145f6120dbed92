import type { Command, DomainEvent } from '../shared/envelope';
import { streamName } from '../shared/envelope';

/**
 * Learnings: what a team tried, what came of it and what it now believes, with evidence. One stream
 * per learning (`learning-{learningId}`). An `invalidated` result is a first-class outcome, recorded
 * and shown like any other: finding out that a hypothesis was wrong is what a learning is for.
 */
export const LEARNING_CATEGORY = 'learning';

/** `learning-{learningId}`. */
export const learningStreamName = (learningId: string): string => streamName(LEARNING_CATEGORY, learningId);

/** What came of it. `invalidated` is as good an outcome as `validated`: it is knowledge. */
export const LEARNING_RESULTS = ['validated', 'invalidated', 'inconclusive'] as const;
export type LearningResult = (typeof LEARNING_RESULTS)[number];

export const LEARNING_APPROACHES = ['hypothesis', 'experiment'] as const;
export type LearningApproach = (typeof LEARNING_APPROACHES)[number];

/**
 * What kind of customer source backs a learning: interview notes, an analytics view, support tickets…
 * `link` points at the source itself (the notes, the dashboard, the ticket search).
 */
export const EVIDENCE_KINDS = ['customer-interview', 'usage-data', 'analytics-view', 'survey', 'support-tickets', 'crm-record', 'other'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** Something that backs the insight: what it is, what it says, and where to find it. */
export interface Evidence {
  kind: EvidenceKind;
  summary: string;
  link?: string;
}

/** The fields of a learning that a revision can change. In a revision, `nextStep: ''` removes the next step. */
export interface LearningFields {
  tried: string;
  result: LearningResult;
  insight: string;
  nextStep: string;
  evidence: Evidence[];
  tags: string[];
  keyResultIds: string[];
}

export type LearningCaptured = DomainEvent<
  'LearningCaptured',
  {
    learningId: string;
    teamId?: string;
    objectiveId?: string;
    keyResultIds: string[];
    tried: string;
    approach?: LearningApproach;
    result: LearningResult;
    insight: string;
    nextStep?: string;
    evidence: Evidence[];
    /** Lowercase, trimmed, without duplicates. */
    tags: string[];
    author: string;
  }
>;
/** The fields of a learning that hold free text written by a person. */
export const LEARNING_TEXT_FIELDS = ['tried', 'insight', 'nextStep', 'evidence'] as const;
export type LearningTextField = (typeof LEARNING_TEXT_FIELDS)[number];
/** Who wrote each text field as it stands: the author, or who last revised it. */
export type LearningTextAuthors = Partial<Record<LearningTextField, string>>;

export type LearningRevised = DomainEvent<
  'LearningRevised',
  {
    learningId: string;
    /** Only the fields that changed. */
    changes: Partial<LearningFields>;
    /** The values of the changed fields before the revision (`''` for an absent next step). */
    from: Partial<LearningFields>;
    /**
     * Who wrote the texts of `from` (the author, or an earlier reviser), where known: their words stay
     * theirs, so they are sealed under their key, not the reviser's.
     */
    fromAuthors?: LearningTextAuthors;
    reason: string;
  }
>;
export type LearningAcknowledged = DomainEvent<'LearningAcknowledged', { learningId: string; by: string; note?: string }>;
export type LearningEvent = LearningCaptured | LearningRevised | LearningAcknowledged;

/** Captures a learning; `author` is the caller, set by the service, not the request. */
export type CaptureLearning = Command<'CaptureLearning', LearningCaptured['data']>;
export type ReviseLearning = Command<'ReviseLearning', { changes: Partial<LearningFields>; reason: string }>;
export type AcknowledgeLearning = Command<'AcknowledgeLearning', { by: string; note?: string }>;
export type LearningCommand = CaptureLearning | ReviseLearning | AcknowledgeLearning;
