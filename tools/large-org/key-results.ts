import { EVIDENCE, KINDS, LEARNINGS, MEASURES, OBJECTIVE_TEMPLATES, REVISION_REASONS, type KeyResultKind, type MeasureTemplate } from './names';
import { randomFor, shuffled, type Random } from './random';

export const WEEKS = 13;

/**
 * One key result of the generated organisation and its quarter, all derived from the seed and its
 * place: its numbers, how well its team does (`performance`), an optional mid-quarter target
 * revision, the week its milestone is done, the weeks whose check-in is corrected the next day.
 */
export interface KeyResultPlan {
  title: string;
  kind: KeyResultKind;
  unit?: string;
  decimals: number;
  start?: number;
  target?: number;
  threshold?: number;
  min?: number;
  max?: number;
  performance: number;
  spread: number;
  revision?: { target?: number; threshold?: number; min?: number; max?: number; reason: string };
  doneWeek?: number;
  correctedWeeks: ReadonlySet<number>;
}

const round = (value: number, decimals: number): number => Number(value.toFixed(decimals));
const within = (value: number, unit: string | undefined): number => (unit === '%' ? Math.min(100, Math.max(0, value)) : Math.max(0, value));

/** The titles of a team's objectives in a quarter: distinct templates, the seed's choice. */
export function objectiveTitles(seed: string, quarter: number, teamIndex: number, area: string, count: number): string[] {
  const random = randomFor(seed, `q${quarter}/team/${teamIndex}/titles`);
  return shuffled(OBJECTIVE_TEMPLATES, random).slice(0, count).map((t) => t.replace('{area}', area));
}

/** The three kinds of an objective's key results: distinct, so that their titles differ too. */
export const kindsOf = (seed: string, quarter: number, objective: number): KeyResultKind[] =>
  shuffled(KINDS, randomFor(seed, `q${quarter}/obj/${objective}/kinds`)).slice(0, 3);

export function keyResultPlan(seed: string, quarter: number, objective: number, k: number, area: string): KeyResultPlan {
  const kind = kindsOf(seed, quarter, objective)[k] as KeyResultKind;
  const random = randomFor(seed, `q${quarter}/kr/${objective}/${k}`);
  const measure = random.pick(MEASURES[kind]);
  const base = round(measure.low + random.next() * (measure.high - measure.low), measure.decimals);
  const plan: KeyResultPlan = {
    title: measure.title.replace('{area}', area),
    kind,
    ...(measure.unit ? { unit: measure.unit } : {}),
    decimals: measure.decimals,
    performance: Math.min(1.25, Math.max(0, random.normal(0.8, 0.3))),
    spread: (measure.high - measure.low) * 0.12 || 1,
    correctedWeeks: new Set(kind === 'milestone' ? [] : Array.from({ length: WEEKS }, (_, w) => w).filter(() => random.chance(0.02))),
  };
  const revised = kind !== 'milestone' && random.chance(0.08);
  const reason = random.pick(REVISION_REASONS);
  if (kind === 'increase' || kind === 'decrease') {
    const step = Math.max(10 ** -measure.decimals, base * (0.15 + random.next() * 0.45));
    plan.start = base;
    plan.target = within(round(kind === 'increase' ? base + step : base - Math.min(step, base * 0.6), measure.decimals), measure.unit);
    if (plan.target === plan.start) plan.target = round(base + (kind === 'increase' ? 1 : -1) * 10 ** -measure.decimals, measure.decimals);
    const easier = round(plan.start + (plan.target - plan.start) * 0.8, measure.decimals);
    if (revised && easier !== plan.target && easier !== plan.start) plan.revision = { target: easier, reason };
  } else if (kind === 'stay-at-or-above' || kind === 'stay-at-or-below') {
    plan.threshold = base;
    const eased = round(kind === 'stay-at-or-above' ? base - plan.spread / 2 : base + plan.spread / 2, measure.decimals);
    if (revised && eased !== base) plan.revision = { threshold: eased, reason };
  } else if (kind === 'stay-within-range') {
    plan.min = base;
    plan.max = round(base * (1.3 + random.next() * 0.5) + 10 ** -measure.decimals, measure.decimals);
    const wider = round(plan.max * 1.1 + 10 ** -measure.decimals, measure.decimals);
    if (revised) plan.revision = { min: base, max: wider, reason };
  } else if (random.chance(0.75)) {
    plan.doneWeek = random.int(5, WEEKS - 1);
  }
  return plan;
}

/** The body of `POST /objectives/{id}/key-results`. */
export function keyResultBody(plan: KeyResultPlan): Record<string, unknown> {
  const { title, kind, unit, start, target, threshold, min, max } = plan;
  return { title, kind, ...(unit ? { unit } : {}), ...(start !== undefined ? { start, target } : {}), ...(threshold !== undefined ? { threshold } : {}), ...(min !== undefined ? { min, max } : {}) };
}

const revisedAt = 6;
const inForce = (plan: KeyResultPlan, week: number) => (plan.revision && week >= revisedAt ? { ...plan, ...plan.revision } : plan);

/** A week's value (what the team measured) and confidence (how sure it is of reaching the target). */
export function weekValue(seed: string, quarter: number, objective: number, k: number, plan: KeyResultPlan, week: number): { value: number | boolean; confidence: number } {
  const random: Random = randomFor(seed, `q${quarter}/kr/${objective}/${k}/w${week}`);
  const clamp = (c: number) => Math.min(10, Math.max(0, Math.round(c)));
  const now = inForce(plan, week);
  switch (plan.kind) {
    case 'milestone': {
      const done = plan.doneWeek !== undefined && week >= plan.doneWeek;
      return { value: done, confidence: clamp(done ? 9 : 7 - (week / WEEKS) * 4 + random.normal(0, 1)) };
    }
    case 'increase':
    case 'decrease': {
      const start = plan.start as number;
      const goal = now.target as number;
      const elapsed = (week + 1) / WEEKS;
      const value = within(round(start + (goal - start) * plan.performance * elapsed + random.normal(0, Math.abs(goal - start) * 0.03), plan.decimals), plan.unit);
      const progress = (value - start) / (goal - start);
      return { value, confidence: clamp(3 + 5 * (progress / elapsed) + random.normal(0, 1)) };
    }
    case 'stay-at-or-above':
    case 'stay-at-or-below': {
      const above = plan.kind === 'stay-at-or-above';
      const margin = random.normal(plan.spread * 0.6, plan.spread * 0.5);
      const value = within(round((now.threshold as number) + (above ? margin : -margin), plan.decimals), plan.unit);
      const kept = above ? value >= (now.threshold as number) : value <= (now.threshold as number);
      return { value, confidence: clamp((kept ? 7 : 3) + random.normal(0, 1)) };
    }
    case 'stay-within-range': {
      const min = now.min as number;
      const max = now.max as number;
      const value = within(round((min + max) / 2 + random.normal(0, ((max - min) / 2) * 0.7), plan.decimals), plan.unit);
      return { value, confidence: clamp((value >= min && value <= max ? 7 : 3) + random.normal(0, 1)) };
    }
  }
}

/** The grade a team gives a key result at the end of its quarter (0-1, in tenths). */
export function gradeOf(seed: string, quarter: number, objective: number, k: number, plan: KeyResultPlan): number {
  const last = weekValue(seed, quarter, objective, k, plan, WEEKS - 1).value;
  const end = inForce(plan, WEEKS - 1);
  let grade: number;
  if (plan.kind === 'milestone') grade = last === true ? 1 : 0.2;
  else if (plan.kind === 'increase' || plan.kind === 'decrease') grade = ((last as number) - (plan.start as number)) / ((end.target as number) - (plan.start as number));
  else if (plan.kind === 'stay-within-range') grade = (last as number) >= (end.min as number) && (last as number) <= (end.max as number) ? 1 : 0.5;
  else grade = plan.kind === 'stay-at-or-above' ? ((last as number) >= (end.threshold as number) ? 1 : 0.5) : (last as number) <= (end.threshold as number) ? 1 : 0.5;
  return round(Math.min(1, Math.max(0, grade)), 1);
}

/** A typo the team makes on a corrected week, fixed the next day. */
export const typoOf = (value: number, decimals: number): number => round(value * 10 + 10 ** -decimals, decimals);

/** A learning an objective's team captures during the quarter, or none. */
export function learningOf(seed: string, quarter: number, objective: number, area: string) {
  const random = randomFor(seed, `q${quarter}/obj/${objective}/learning`);
  if (!random.chance(0.5)) return undefined;
  const template = random.pick(LEARNINGS);
  const result = random.pick(['validated', 'validated', 'invalidated', 'invalidated', 'inconclusive'] as const);
  const evidence = shuffled(EVIDENCE, random)
    .slice(0, random.int(1, 2))
    .map((e) => ({ kind: e.kind, summary: e.summary.replace('{area}', area).replace('{n}', String(random.int(2, 9))) }));
  return {
    week: random.int(3, 10),
    body: {
      approach: random.pick(['hypothesis', 'experiment'] as const),
      tried: template.tried.replace('{area}', area),
      result,
      insight: template.insight,
      ...(result !== 'inconclusive' ? { nextStep: template.nextStep } : {}),
      evidence,
      tags: [template.tag],
    },
  };
}

export type { MeasureTemplate };
