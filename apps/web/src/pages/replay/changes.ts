import type { components } from '../../api/schema/insights';
import { formatConfidence, formatValue } from '../../ui/format';

export type ReplayObjective = components['schemas']['ReplayObjectiveDto'];
export type ReplayKeyResult = components['schemas']['ReplayKeyResultDto'];
export type ReplayLearning = components['schemas']['ReplayLearningDto'];

/** One stop of the replay: what the pages of `GET /replay` and each of `GET /frames`' frames both give. */
export interface Stop {
  at: string;
  objectives: ReplayObjective[];
  learnings: ReplayLearning[];
}

/** What changed between two stops: sentences for people, and what to highlight. */
export interface Changes {
  sentences: string[];
  /** Objectives that changed in any way (their map node and card are highlighted). */
  objectives: Set<string>;
  /** `${keyResultId}:${field}` for each changed cell (value, target, confidence, progress). */
  cells: Set<string>;
}

export const NO_CHANGES: Changes = { sentences: [], objectives: new Set(), cells: new Set() };

/** A key result's value for people: its number with its unit, or done / not done for a milestone. */
export function valueText(value: ReplayKeyResult['value'], unit?: string): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'done' : 'not done';
  return formatValue(value, unit);
}

/** Its target for people: the number, a floor or ceiling said as one, a range, or "done" for a milestone. */
export function targetText(kr: ReplayKeyResult): string {
  if (kr.kind === 'milestone') return 'done';
  if (kr.min !== undefined && kr.max !== undefined) return `${formatValue(kr.min, kr.unit)} – ${formatValue(kr.max, kr.unit)}`;
  if (kr.target === null) return '—';
  if (kr.kind === 'stay-at-or-above') return `at or above ${formatValue(kr.target, kr.unit)}`;
  if (kr.kind === 'stay-at-or-below') return `at or below ${formatValue(kr.target, kr.unit)}`;
  return formatValue(kr.target, kr.unit);
}

const STATUS_WORDS: Record<ReplayObjective['status'], string> = { draft: 'a draft', active: 'active', closed: 'closed', archived: 'archived' };

function keyResultChanges(objective: ReplayObjective, before: ReplayKeyResult | undefined, now: ReplayKeyResult, out: Changes): void {
  const mark = (field: string) => {
    out.cells.add(`${now.id}:${field}`);
    out.objectives.add(objective.id);
  };
  if (before === undefined) {
    out.sentences.push(`${now.title} added to ${objective.title}`);
    out.objectives.add(objective.id);
    return;
  }
  if (before.title !== now.title) {
    out.sentences.push(`${before.title} renamed to ${now.title}`);
    mark('title');
  }
  if (targetText(before) !== targetText(now)) {
    out.sentences.push(`${now.title} target revised from ${targetText(before)} to ${targetText(now)}`);
    mark('target');
  }
  if (before.value !== now.value) {
    out.sentences.push(
      before.value === null
        ? `${now.title} first checked in at ${valueText(now.value, now.unit)}`
        : `${now.title} moved from ${valueText(before.value, now.unit)} to ${valueText(now.value, now.unit)}`,
    );
    mark('value');
  }
  if (before.confidence !== now.confidence) {
    out.sentences.push(`${now.title} confidence from ${formatConfidence(before.confidence)} to ${formatConfidence(now.confidence)}`);
    mark('confidence');
  }
  if (before.progress !== now.progress) mark('progress');
}

/**
 * What changed from one stop to the next, in words ("Activation rate target revised from 40 % to 35 %"),
 * by titles and names only. Going back in time reads the same way: from what was shown to what is shown;
 * so does switching the same instant between check-ins as known then and as corrected since.
 */
export function changesBetween(before: Stop | undefined, now: Stop): Changes {
  if (before === undefined || before === now) return NO_CHANGES;
  const out: Changes = { sentences: [], objectives: new Set(), cells: new Set() };
  const previous = new Map(before.objectives.map((o) => [o.id, o]));
  const titleOf = new Map([...before.objectives, ...now.objectives].map((o) => [o.id, o.title]));
  for (const objective of now.objectives) {
    const old = previous.get(objective.id);
    previous.delete(objective.id);
    if (old === undefined) {
      out.sentences.push(`${objective.title} set by ${objective.teamName}`);
      out.objectives.add(objective.id);
      continue;
    }
    if (old.title !== objective.title) out.sentences.push(`${old.title} reworded as ${objective.title}`);
    if (old.status !== objective.status) out.sentences.push(`${objective.title} is now ${STATUS_WORDS[objective.status]}`);
    for (const parent of objective.parentObjectiveIds.filter((p) => !old.parentObjectiveIds.includes(p))) {
      out.sentences.push(`${objective.title} aligned to ${titleOf.get(parent) ?? 'an objective of another cycle'}`);
    }
    for (const parent of old.parentObjectiveIds.filter((p) => !objective.parentObjectiveIds.includes(p))) {
      out.sentences.push(`${objective.title} no longer aligned to ${titleOf.get(parent) ?? 'an objective of another cycle'}`);
    }
    if (old.title !== objective.title || old.status !== objective.status || old.parentObjectiveIds.join() !== objective.parentObjectiveIds.join()) {
      out.objectives.add(objective.id);
    }
    const oldKeyResults = new Map(old.keyResults.map((kr) => [kr.id, kr]));
    for (const kr of objective.keyResults) {
      keyResultChanges(objective, oldKeyResults.get(kr.id), kr, out);
      oldKeyResults.delete(kr.id);
    }
    for (const gone of oldKeyResults.values()) {
      out.sentences.push(`${gone.title} no longer part of ${objective.title}`);
      out.objectives.add(objective.id);
    }
  }
  for (const gone of previous.values()) out.sentences.push(`${gone.title} not set yet at this point`);
  const known = new Set(before.learnings.map((l) => l.id));
  for (const learning of now.learnings.filter((l) => !known.has(l.id))) {
    out.sentences.push(`Learning captured (${learning.result}): ${learning.insight}`);
  }
  return out;
}
