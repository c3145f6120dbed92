import type { components } from '../../api/schema/insights';
import { formatDate, formatDateTime, formatNumber, formatValue } from '../../ui/format';
import { isIdLike } from '../../ui/people';

export type AuditEntry = components['schemas']['HistoryEntryDto'];

/** Names for the ids that events carry; each answers undefined when it does not know the id. */
export interface AuditNames {
  objectiveTitle: (id: string) => string | undefined;
  keyResultTitle: (id: string) => string | undefined;
  keyResultUnit: (id: string) => string | undefined;
  teamName: (id: string) => string | undefined;
  cycleName: (id: string) => string | undefined;
}

/** One event for people: what happened, and the state before and after, in words (never an id). */
export interface DescribedEntry {
  what: string;
  before: string;
  after: string;
}

/** Who did it; an actor is a user or integration name, and an id-like one is not shown as such. */
export const actorName = (actor: string): string => (isIdLike(actor) ? 'An unnamed actor' : actor);

type Data = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Data => (typeof v === 'object' && v !== null ? (v as Data) : {});

/** Everything a describer needs, with neutral labels where a name is unknown. */
function words(names: AuditNames) {
  const objective = (id: unknown) => (typeof id === 'string' && names.objectiveTitle(id)) || 'another objective';
  const keyResult = (id: unknown) => (typeof id === 'string' && names.keyResultTitle(id)) || 'a key result';
  const team = (id: unknown) => (typeof id === 'string' && names.teamName(id)) || 'a team';
  const cycle = (id: unknown) => (typeof id === 'string' && names.cycleName(id)) || 'another cycle';
  const unitOf = (krId: unknown) => (typeof krId === 'string' ? names.keyResultUnit(krId) : undefined);
  const value = (v: unknown, krId: unknown) => (typeof v === 'boolean' ? (v ? 'done' : 'not done') : formatValue(num(v), unitOf(krId)));
  const target = (t: unknown, krId: unknown) => {
    const o = obj(t);
    if ('min' in o || 'max' in o) return `between ${value(o['min'], krId)} and ${value(o['max'], krId)}`;
    if ('threshold' in o) return `threshold ${value(o['threshold'], krId)}`;
    if ('target' in o) return `target ${value(o['target'], krId)}`;
    return '—';
  };
  const measure = (m: unknown, krId: unknown) => {
    const o = obj(m);
    switch (o['kind']) {
      case 'increase':
      case 'decrease':
        return `${o['kind']} from ${value(o['start'], krId)} to ${value(o['target'], krId)}`;
      case 'stay-at-or-above':
        return `stay at or above ${value(o['threshold'], krId)}`;
      case 'stay-at-or-below':
        return `stay at or below ${value(o['threshold'], krId)}`;
      case 'stay-within-range':
        return `stay between ${value(o['min'], krId)} and ${value(o['max'], krId)}`;
      case 'milestone':
        return 'done or not done';
      default:
        return '—';
    }
  };
  const grades = (g: unknown) => {
    const o = obj(g);
    const krs = Array.isArray(o['keyResultGrades']) ? o['keyResultGrades'].map(obj) : [];
    const overall = `overall ${formatNumber(num(o['overallGrade']), 2)}`;
    return [overall, ...krs.map((k) => `${keyResult(k['keyResultId'])} ${formatNumber(num(k['grade']), 2)}`)].join('; ');
  };
  const when = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? formatDate(v) : formatDateTime(str(v)));
  return { objective, keyResult, team, cycle, value, target, measure, grades, when };
}

const quoted = (text: unknown) => (typeof text === 'string' && text !== '' ? `“${text}”` : '—');

/** The fields a check-in correction or learning revision changed, "field: value" each, in words. */
function fields(changed: unknown, krId: unknown, w: ReturnType<typeof words>): string {
  const parts = Object.entries(obj(changed)).map(([field, v]) => {
    switch (field) {
      case 'value':
        return `value ${w.value(v, krId)}`;
      case 'confidence':
        return `confidence ${formatNumber(num(v), 1)} / 10`;
      case 'effectiveAt':
        return `as of ${w.when(v)}`;
      case 'blockers':
        return Array.isArray(v) && v.length > 0 ? `blockers: ${v.join(', ')}` : 'no blockers';
      case 'note':
        return v === '' ? 'no note' : `note ${quoted(v)}`;
      case 'nextStep':
        return v === '' ? 'no next step' : `next step ${quoted(v)}`;
      case 'evidence':
        return `${Array.isArray(v) ? v.length : 0} pieces of evidence`;
      case 'tags':
        return Array.isArray(v) && v.length > 0 ? `tags ${v.join(', ')}` : 'no tags';
      default:
        return `${field.replace(/([A-Z])/g, ' $1').toLowerCase()} ${typeof v === 'string' ? quoted(v) : '(changed)'}`;
    }
  });
  return parts.length > 0 ? parts.join('; ') : '—';
}

/** Describes one audited event. An event type this page does not know is named in words, its data left out. */
export function describeEntry(entry: AuditEntry, names: AuditNames): DescribedEntry {
  const d = entry.data;
  const w = words(names);
  const kr = d['keyResultId'];
  const none = '—';
  switch (entry.type) {
    case 'ObjectiveSet':
      return { what: `Set the objective ${quoted(d['title'])} for ${w.team(d['teamId'])} in ${w.cycle(d['cycleId'])}`, before: none, after: `${quoted(d['title'])}, owned by ${actorName(str(d['ownerId']) ?? '—')}` };
    case 'ObjectiveReworded':
      return { what: 'Reworded the objective', before: quoted(obj(d['from'])['title']), after: quoted(obj(d['to'])['title']) };
    case 'ObjectiveAligned':
      return { what: 'Aligned to a parent objective', before: none, after: `contributes to ${quoted(w.objective(d['parentObjectiveId']))}` };
    case 'ObjectiveAlignmentWithdrawn':
      return { what: 'Withdrew an alignment', before: `contributes to ${quoted(w.objective(d['parentObjectiveId']))}`, after: 'no longer contributes' };
    case 'KeyResultAdded':
      return { what: `Added the key result ${quoted(d['title'])}`, before: none, after: w.measure(d['measure'], kr) };
    case 'KeyResultTargetRevised':
      return { what: `Revised the target of ${quoted(w.keyResult(kr))}`, before: w.target(d['from'], kr), after: w.target(d['to'], kr) };
    case 'KeyResultDropped':
      return { what: `Dropped the key result ${quoted(w.keyResult(kr))}`, before: 'active', after: 'dropped' };
    case 'ObjectiveOwnershipTransferred':
      return { what: 'Transferred ownership', before: actorName(str(d['fromOwnerId']) ?? '—'), after: actorName(str(d['toOwnerId']) ?? '—') };
    case 'ObjectiveActivated':
      return { what: 'Activated the objective', before: 'draft', after: 'active' };
    case 'ObjectiveGraded':
      return { what: 'Graded and closed the objective', before: 'not graded', after: w.grades(d) };
    case 'ObjectiveGradeCorrected':
      return { what: 'Corrected the grade', before: w.grades(d['from']), after: w.grades(d['to']) };
    case 'ObjectiveArchived':
      return { what: 'Archived the objective', before: none, after: 'archived' };
    case 'ObjectiveCarriedOver':
      return { what: `Carried over to ${w.cycle(d['toCycleId'])}`, before: w.cycle(d['fromCycleId']), after: `continues as ${quoted(w.objective(d['toObjectiveId']))}` };
    case 'ObjectiveCarriedOverFrom':
      return { what: `Continues an objective of ${w.cycle(d['fromCycleId'])}`, before: quoted(w.objective(d['fromObjectiveId'])), after: 'this objective' };
    case 'CheckInRecorded':
      return {
        what: `Checked in on ${quoted(w.keyResult(kr))} as of ${w.when(d['effectiveAt'])}`,
        before: none,
        after: fields({ value: d['value'], confidence: d['confidence'], ...(d['note'] ? { note: d['note'] } : {}), ...(Array.isArray(d['blockers']) && d['blockers'].length ? { blockers: d['blockers'] } : {}) }, kr, w),
      };
    case 'CheckInCorrected':
      return { what: `Corrected a check-in on ${quoted(w.keyResult(kr))}`, before: fields(d['from'], kr, w), after: fields(d['changes'], kr, w) };
    case 'MeasurementRecorded':
      return { what: `Measured ${quoted(w.keyResult(kr))} from ${str(d['source']) ?? 'a source'} as of ${w.when(d['measuredAt'])}`, before: none, after: `value ${w.value(d['value'], kr)}` };
    case 'LearningCaptured':
      return { what: `Captured a learning (${str(d['result']) ?? 'no result'})`, before: none, after: `Tried ${quoted(d['tried'])}; learned ${quoted(d['insight'])}` };
    case 'LearningRevised':
      return { what: 'Revised the learning', before: fields(d['from'], undefined, w), after: fields(d['changes'], undefined, w) };
    case 'LearningAcknowledged':
      return { what: `Acknowledged by ${actorName(str(d['by']) ?? '—')}`, before: none, after: d['note'] ? quoted(d['note']) : none };
    default:
      return { what: entry.type.replace(/([a-z])([A-Z])/g, (_m, a: string, b: string) => `${a} ${b.toLowerCase()}`), before: none, after: none };
  }
}
