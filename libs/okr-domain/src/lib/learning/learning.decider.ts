import { actorOf, type Decider } from '../shared/envelope';
import { notFound, ruleBroken } from '../shared/errors';
import { ignoreUnknownEvent, unhandledCommand } from '../shared/exhaustive';
import type * as C from './learning';
import type { Evidence, LearningApproach, LearningEvent, LearningFields, LearningResult, LearningTextAuthors } from './learning';
import { EVIDENCE_KINDS, LEARNING_APPROACHES, LEARNING_RESULTS, LEARNING_TEXT_FIELDS } from './learning';

/** A learning stream before its first event. */
export interface EmptyLearning {
  status: 'empty';
}

/** A captured learning (the fields it was captured with), with its revisions folded in. */
export interface ExistingLearning extends Omit<C.LearningCaptured['data'], 'learningId'> {
  status: 'captured';
  id: string;
  /** Who acknowledged it, in order; never the author. */
  acknowledgedBy: string[];
  revisions: number;
  /** Who wrote each text as it stands (the author, or its last reviser when the events carried who). */
  authors?: LearningTextAuthors;
}

/** Everything `decideLearning` needs to know about a learning. */
export type LearningState = EmptyLearning | ExistingLearning;

/** The state of a learning stream with no events. */
export const initialLearningState = (): LearningState => ({ status: 'empty' });

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

const optionalText = <K extends string>(key: K, value: unknown): { [P in K]?: string } =>
  (text(value) === '' ? {} : { [key]: text(value) }) as { [P in K]?: string };

const required = (value: unknown, code: string, field: string): string => {
  const trimmed = text(value);
  if (trimmed === '') throw ruleBroken(code, `${field} is required.`, { field });
  return trimmed;
};

/** Trimmed, non-blank, first occurrence kept. `lowercase` for tags, which are compared case-insensitively. */
const distinctTexts = (values: unknown, lowercase = false): string[] => {
  const list = Array.isArray(values) ? values : [];
  const cleaned = list.map((v) => (lowercase ? text(v).toLowerCase() : text(v))).filter((v) => v !== '');
  return [...new Set(cleaned)];
};

const checkResult = (value: unknown): LearningResult => {
  if (!LEARNING_RESULTS.includes(value as never)) {
    throw ruleBroken('invalid-result', `result is one of ${LEARNING_RESULTS.join(', ')}.`, { field: 'result', value });
  }
  return value as LearningResult;
};

const checkApproach = (value: unknown): { approach?: LearningApproach } => {
  if (value === undefined) return {};
  if (!LEARNING_APPROACHES.includes(value as never)) {
    throw ruleBroken('invalid-approach', `approach is one of ${LEARNING_APPROACHES.join(', ')}.`, { field: 'approach', value });
  }
  return { approach: value as LearningApproach };
};

/** Each piece of evidence needs a known kind and a summary; a blank link is left out. */
const checkEvidence = (values: unknown): Evidence[] => {
  if (values === undefined) return [];
  if (!Array.isArray(values)) throw ruleBroken('invalid-evidence', 'evidence is a list.', { field: 'evidence' });
  return values.map((raw: unknown, index) => {
    const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    if (!EVIDENCE_KINDS.includes(item['kind'] as never)) {
      throw ruleBroken('invalid-evidence', `Evidence kind is one of ${EVIDENCE_KINDS.join(', ')}.`, {
        field: 'evidence',
        index,
        kind: item['kind'],
      });
    }
    const summary = text(item['summary']);
    if (summary === '') {
      throw ruleBroken('invalid-evidence', 'Evidence needs a summary.', { field: 'evidence', index });
    }
    return { kind: item['kind'] as Evidence['kind'], summary, ...optionalText('link', item['link']) };
  });
};

const assertHasGoal = (objectiveId: string | undefined, keyResultIds: string[]): void => {
  if (objectiveId === undefined && keyResultIds.length === 0) {
    throw ruleBroken('learning-needs-a-goal', 'A learning is linked to an objective or at least one key result.', {
      field: 'objectiveId',
    });
  }
};

const capture = ({ data }: C.CaptureLearning): LearningEvent[] => {
  const learningId = required(data.learningId, 'learning-id-required', 'learningId');
  const { objectiveId } = optionalText('objectiveId', data.objectiveId);
  const keyResultIds = distinctTexts(data.keyResultIds);
  assertHasGoal(objectiveId, keyResultIds);
  const tried = required(data.tried, 'tried-required', 'tried');
  const approach = checkApproach(data.approach);
  const result = checkResult(data.result);
  const insight = required(data.insight, 'insight-required', 'insight');
  const evidence = checkEvidence(data.evidence);
  const author = required(data.author, 'author-required', 'author');
  return [
    {
      type: 'LearningCaptured',
      data: {
        learningId,
        ...optionalText('teamId', data.teamId),
        ...(objectiveId === undefined ? {} : { objectiveId }),
        keyResultIds,
        tried,
        ...approach,
        result,
        insight,
        ...optionalText('nextStep', data.nextStep),
        evidence,
        tags: distinctTexts(data.tags, true),
        author,
      },
    },
  ];
};

/** Field values compared by content: arrays and evidence included. */
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The revisable fields as they stand, with `''` for an absent next step. */
const fieldsOf = (s: ExistingLearning): LearningFields => ({
  tried: s.tried,
  result: s.result,
  insight: s.insight,
  nextStep: s.nextStep ?? '',
  evidence: s.evidence,
  tags: s.tags,
  keyResultIds: s.keyResultIds,
});

/** Validates and normalises the fields a revision gives, ignoring those it leaves out. */
const revisedFields = (changes: Partial<LearningFields>): Partial<LearningFields> => {
  const given = <K extends keyof LearningFields>(key: K) => changes[key] !== undefined;
  return {
    ...(given('tried') ? { tried: required(changes.tried, 'tried-required', 'tried') } : {}),
    ...(given('result') ? { result: checkResult(changes.result) } : {}),
    ...(given('insight') ? { insight: required(changes.insight, 'insight-required', 'insight') } : {}),
    ...(given('nextStep') ? { nextStep: text(changes.nextStep) } : {}),
    ...(given('evidence') ? { evidence: checkEvidence(changes.evidence) } : {}),
    ...(given('tags') ? { tags: distinctTexts(changes.tags, true) } : {}),
    ...(given('keyResultIds') ? { keyResultIds: distinctTexts(changes.keyResultIds) } : {}),
  };
};

const revise = (s: ExistingLearning, { data }: C.ReviseLearning): LearningEvent[] => {
  const proposed = revisedFields(typeof data.changes === 'object' && data.changes !== null ? data.changes : {});
  assertHasGoal(s.objectiveId, proposed.keyResultIds ?? s.keyResultIds);
  const was = fieldsOf(s);
  const changes: Record<string, unknown> = {};
  const from: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(proposed) as [keyof LearningFields, unknown][]) {
    if (!same(value, was[key])) {
      changes[key] = value;
      from[key] = was[key];
    }
  }
  if (Object.keys(changes).length === 0) {
    throw ruleBroken('revision-changes-nothing', 'The revision gives the values the learning already has.', {
      learningId: s.id,
    });
  }
  const reason = required(data.reason, 'reason-required', 'reason');
  const fromAuthors: LearningTextAuthors = {};
  for (const field of LEARNING_TEXT_FIELDS) if (field in from && s.authors?.[field]) fromAuthors[field] = s.authors[field];
  const authors = Object.keys(fromAuthors).length > 0 ? { fromAuthors } : {};
  return [{ type: 'LearningRevised', data: { learningId: s.id, changes: changes as Partial<LearningFields>, from: from as Partial<LearningFields>, ...authors, reason } }];
};

const acknowledge = (s: ExistingLearning, { data }: C.AcknowledgeLearning): LearningEvent[] => {
  const by = required(data.by, 'acknowledger-required', 'by');
  if (by === s.author) {
    throw ruleBroken('cannot-acknowledge-own-learning', 'The author cannot acknowledge their own learning.', { by });
  }
  // An acknowledgement counts a person the learning reached, once; taking a second one would either
  // count them twice or drop its note unseen. More to say is a question or an answer on the learning.
  if (s.acknowledgedBy.includes(by)) {
    throw ruleBroken(
      'already-acknowledged',
      'You have acknowledged this learning already; an acknowledgement counts once per person. To add something, ask a question on the learning.',
      { by },
    );
  }
  return [{ type: 'LearningAcknowledged', data: { learningId: s.id, by, ...optionalText('note', data.note) } }];
};

/**
 * Decides what a learning command means. An `invalidated` result needs no special rule: it is a
 * normal, first-class outcome. Throws a {@link DomainError}: kind `not-found` for `learning-not-found`,
 * `rule-broken` for `learning-already-captured`, `learning-id-required`, `learning-needs-a-goal`,
 * `tried-required`, `insight-required`, `invalid-result`, `invalid-approach`, `invalid-evidence`,
 * `author-required`, `reason-required`, `revision-changes-nothing`, `acknowledger-required` and
 * `cannot-acknowledge-own-learning` and `already-acknowledged` (a second acknowledgement by the same person).
 */
export const decideLearning = (command: C.LearningCommand, state: LearningState): LearningEvent[] => {
  if (state.status === 'empty') {
    if (command.type !== 'CaptureLearning') throw notFound('learning-not-found', 'Learning not found.');
    return capture(command);
  }
  switch (command.type) {
    case 'CaptureLearning':
      throw ruleBroken('learning-already-captured', 'This learning was already captured.', { learningId: state.id });
    case 'ReviseLearning':
      return revise(state, command);
    case 'AcknowledgeLearning':
      return acknowledge(state, command);
    default:
      return unhandledCommand(command);
  }
};

/** Folds one learning event into the state. Never throws; events on an empty stream and unknown types are ignored. */
export const evolveLearning = (state: LearningState, event: LearningEvent): LearningState => {
  if (event.type === 'LearningCaptured') {
    const { learningId, ...rest } = event.data;
    const authors = Object.fromEntries(LEARNING_TEXT_FIELDS.map((field) => [field, rest.author]));
    return { status: 'captured', id: learningId, ...rest, acknowledgedBy: [], revisions: 0, authors };
  }
  if (state.status === 'empty') return state;
  switch (event.type) {
    case 'LearningRevised': {
      const { nextStep, ...rest } = { ...state, ...event.data.changes };
      const authors: LearningTextAuthors = { ...state.authors };
      const actor = actorOf(event);
      for (const field of LEARNING_TEXT_FIELDS) {
        if (event.data.changes[field] === undefined) continue;
        if (actor) authors[field] = actor;
        else delete authors[field];
      }
      return { ...rest, ...(nextStep === undefined || nextStep === '' ? {} : { nextStep }), revisions: state.revisions + 1, authors };
    }
    case 'LearningAcknowledged':
      return state.acknowledgedBy.includes(event.data.by)
        ? state
        : { ...state, acknowledgedBy: [...state.acknowledgedBy, event.data.by] };
    default:
      return ignoreUnknownEvent(event, state);
  }
};

/** The learning aggregate as an emmett-style decider, for the generic command handler. */
export const learningDecider: Decider<LearningState, C.LearningCommand, LearningEvent> = {
  decide: decideLearning,
  evolve: evolveLearning,
  initialState: initialLearningState,
};
