/**
 * Which fields of the stored events hold personal data, and whose data each one is (its subject).
 * The event store seals these fields per subject before they are stored or published, so that
 * erasing a person (destroying their key) makes exactly these fields unreadable while every other
 * fact of the event (numbers, dates, confidence, the goals' structure) still replays.
 */

/** What a field reads once its subject's key has been destroyed. */
export const ERASED_PERSON = 'erased person';

/**
 * Whose data a field is:
 * - `self`: the field is a person's id (an owner, an asker); the person it names.
 * - `actor`: free text written by whoever caused the event (`metadata.actor`).
 * - `{ field }`: free text written by the person named by another field of the same event.
 * - `{ everyOf }`: a value that may hold the data of every person named by a list field of the same
 *   event (a recorded answer that can echo several people's words): sealed under each one's key in
 *   turn, so erasing any one of them makes it unreadable.
 */
export type PersonalDataSubject = 'self' | 'actor' | { readonly field: string } | { readonly everyOf: string };

/**
 * `path` is dotted from the envelope (`data.note`, `metadata.actor`); a `[]` segment means "each
 * element of this list" (`data.leads[]`, `data.evidence[].summary`). Only string values are personal
 * data: a path that reaches no string (an absent optional field) names nothing.
 */
export interface PersonalDataField {
  readonly path: string;
  readonly subject: PersonalDataSubject;
}

const self = (path: string): PersonalDataField => ({ path, subject: 'self' });
const byActor = (...paths: string[]): PersonalDataField[] => paths.map((path) => ({ path, subject: 'actor' }));
const by = (field: string, ...paths: string[]): PersonalDataField[] => paths.map((path) => ({ path, subject: { field } }));

/** Every event's actor: the person (or service account) who caused it. */
export const METADATA_PERSONAL_FIELDS: readonly PersonalDataField[] = [self('metadata.actor')];

const CHECK_IN_TEXTS = ['note', 'blockers[]'];
const LEARNING_TEXTS = ['tried', 'insight', 'nextStep', 'evidence[].summary', 'evidence[].link'];
const under = (prefix: string, names: readonly string[]): string[] => names.map((name) => `data.${prefix}${name}`);

/**
 * Text copied into a later event (the `from` of a correction or revision) is its writer's, named by
 * `fromAuthors.<field>` (`evidence[].summary` by `fromAuthors.evidence`); without a named writer
 * (events decided before writers were kept) it falls back to the later event's actor.
 */
const copiedFrom = (texts: readonly string[]): PersonalDataField[] => {
  const writers = [...new Set(texts.map((text) => text.split(/[.[]/)[0] as string))];
  return [
    ...writers.map((writer) => self(`data.fromAuthors.${writer}`)),
    ...texts.map((text) => ({ path: `data.from.${text}`, subject: { field: `data.fromAuthors.${text.split(/[.[]/)[0] as string}` } })),
  ];
};

/**
 * The personal fields of each event type's data (besides {@link METADATA_PERSONAL_FIELDS}). An event
 * type not listed has no personal data in its data.
 */
export const PERSONAL_DATA_FIELDS: Readonly<Record<string, readonly PersonalDataField[]>> = {
  ObjectiveSet: [self('data.ownerId')],
  ObjectiveReworded: byActor('data.reason'),
  ObjectiveAlignmentWithdrawn: byActor('data.reason'),
  KeyResultAdded: [self('data.ownerId')],
  KeyResultTargetRevised: byActor('data.reason'),
  KeyResultDropped: byActor('data.reason'),
  ObjectiveOwnershipTransferred: [self('data.fromOwnerId'), self('data.toOwnerId'), ...byActor('data.reason')],
  ObjectiveGraded: byActor('data.overallGradeReason', 'data.retrospective'),
  ObjectiveGradeCorrected: byActor('data.reason'),
  ObjectiveArchived: byActor('data.reason'),
  ObjectiveCarriedOver: byActor('data.reason'),
  ObjectiveCarriedOverFrom: byActor('data.reason'),
  TeamRegistered: [self('data.leads[]')],
  TeamLeadsChanged: [self('data.from[]'), self('data.to[]')],
  CheckInRecorded: byActor(...under('', CHECK_IN_TEXTS)),
  CheckInCorrected: [
    ...byActor(...under('changes.', CHECK_IN_TEXTS), 'data.reason'),
    ...copiedFrom(CHECK_IN_TEXTS),
  ],
  LearningCaptured: [self('data.author'), ...by('data.author', ...under('', LEARNING_TEXTS))],
  LearningRevised: [
    ...byActor(...under('changes.', LEARNING_TEXTS), 'data.reason'),
    ...copiedFrom(LEARNING_TEXTS),
  ],
  LearningAcknowledged: [self('data.by'), ...by('data.by', 'data.note')],
  QuestionAsked: [self('data.askedBy'), ...by('data.askedBy', 'data.text')],
  QuestionAnswered: [self('data.answeredBy'), self('data.askedBy'), ...by('data.answeredBy', 'data.text')],
  QuestionSetAside: [self('data.by'), ...by('data.by', 'data.note')],
  ServiceAccountCreated: [self('data.createdBy')],
  ServiceAccountKeyRotated: [self('data.rotatedBy')],
  ServiceAccountRevoked: [self('data.revokedBy'), ...by('data.revokedBy', 'data.reason')],
  KeyResultAtRisk: [self('data.objectiveOwnerId'), self('data.keyResultOwnerId')],
  KeyResultBackOnTrack: [self('data.objectiveOwnerId'), self('data.keyResultOwnerId')],
  IdempotentResponseRecorded: [self('data.actor'), self('data.bodySubjects[]'), { path: 'data.bodyJson', subject: { everyOf: 'data.bodySubjects' } }],
  PersonalDataErased: byActor('data.reason'),
};

/** The personal fields of one event type: its actor, then its data's. */
export const personalDataFieldsOf = (type: string): readonly PersonalDataField[] => [
  ...METADATA_PERSONAL_FIELDS,
  ...(PERSONAL_DATA_FIELDS[type] ?? []),
];

/** A string found at a personal field's path, with a way to replace it. */
export interface PersonalValue {
  readonly field: PersonalDataField;
  readonly value: string;
  /** The subject's id: the value itself, the actor, or the named field's value. */
  readonly subject: string;
  /** Every subject whose key seals the value, in sealing order ({@link subject} alone but for `everyOf`). */
  readonly subjects: readonly string[];
  /** Where exactly it is, list indexes included: `data.evidence.1.summary`. */
  readonly location: string;
  replace(next: string): void;
}

/**
 * Visits every string value of an event's personal fields, in catalogue order, with its subject
 * resolved against the event as given (call it on plain values: a sealed subject field names no one).
 * `envelope` is mutated only through `replace`.
 */
export function personalValuesOf(envelope: { type: string; data: unknown; metadata: unknown }): PersonalValue[] {
  const root = envelope as unknown as Record<string, unknown>;
  const actor = String(readPath(root, 'metadata.actor') ?? '');
  const found: PersonalValue[] = [];
  for (const field of personalDataFieldsOf(envelope.type)) {
    visit(root, field.path.split('.'), [], (value, location, replace) => {
      const subjects = subjectsOf(root, field.subject, value, actor);
      found.push({ field, value, subject: subjects[0] as string, subjects, location, replace });
    });
  }
  return found;
}

/** A subject already erased (folded from an event whose key is gone) names no one: the actor's key seals it. */
const named = (subject: unknown): subject is string => typeof subject === 'string' && subject !== '' && subject !== ERASED_PERSON;

function subjectsOf(root: Record<string, unknown>, subject: PersonalDataSubject, value: string, actor: string): string[] {
  if (subject === 'self') return [named(value) ? value : actor];
  if (subject === 'actor') return [actor];
  if ('field' in subject) {
    const found = readPath(root, subject.field);
    return [named(found) ? found : actor];
  }
  const list = readPath(root, subject.everyOf);
  const people = [...new Set((Array.isArray(list) ? list : []).filter(named))];
  return people.length > 0 ? people : [actor];
}

function readPath(root: Record<string, unknown>, path: string): unknown {
  let at: unknown = root;
  for (const name of path.split('.')) at = isRecord(at) ? at[name] : undefined;
  return at;
}

type OnString = (value: string, location: string, replace: (next: string) => void) => void;

function visit(at: unknown, segments: readonly string[], trail: readonly string[], onString: OnString): void {
  if (!isRecord(at) || segments.length === 0) return;
  const [head, ...rest] = segments;
  const list = head.endsWith('[]');
  const name = list ? head.slice(0, -2) : head;
  const value = at[name];
  if (list) {
    if (!Array.isArray(value)) return;
    value.forEach((element: unknown, index) => {
      const here = [...trail, name, String(index)];
      if (rest.length > 0) visit(element, rest, here, onString);
      else if (typeof element === 'string') onString(element, here.join('.'), (next) => (value[index] = next));
    });
  } else if (rest.length > 0) {
    visit(value, rest, [...trail, name], onString);
  } else if (typeof value === 'string') {
    onString(value, [...trail, name].join('.'), (next) => (at[name] = next));
  }
}

/**
 * Every string of an event's data and metadata, wherever it is, with its location. Sealed values are
 * found this way on read, not through the catalogue: an event stored in an older schema version keeps
 * its personal data under that version's field names.
 */
export function everyStringOf(envelope: { data: unknown; metadata: unknown }): Omit<PersonalValue, 'field' | 'subject' | 'subjects'>[] {
  const found: Omit<PersonalValue, 'field' | 'subject' | 'subjects'>[] = [];
  const walk = (at: unknown, trail: readonly string[]): void => {
    if (typeof at !== 'object' || at === null) return;
    const entries = Array.isArray(at) ? at.map((value, index) => [String(index), value] as const) : Object.entries(at);
    for (const [name, value] of entries) {
      if (typeof value === 'string') {
        found.push({ value, location: [...trail, name].join('.'), replace: (next) => ((at as Record<string, unknown>)[name] = next) });
      } else walk(value, [...trail, name]);
    }
  };
  walk(envelope.data, ['data']);
  walk(envelope.metadata, ['metadata']);
  return found;
}

/** Puts `value` at a {@link PersonalValue.location} of an event (the inverse of reading it there). */
export function placeAt(envelope: object, location: string, value: string): void {
  const names = location.split('.');
  let at: unknown = envelope;
  for (const name of names.slice(0, -1)) at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[name] : undefined;
  if (typeof at !== 'object' || at === null) throw new Error(`Nothing at ${location}`);
  (at as Record<string, unknown>)[names[names.length - 1]] = value;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
