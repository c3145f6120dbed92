import { gradeOf, keyResultBody, keyResultPlan, learningOf, objectiveTitles, typoOf, weekValue, WEEKS, type KeyResultPlan } from './key-results';
import { RETROSPECTIVES } from './names';
import { organisation, quartersOf, type Quarter, type Scale, type Team } from './organisation';
import { randomFor } from './random';

/** The id a write's answer gave a named record (`q0.o12`); throws while it is not known yet. */
export type IdOf = (name: string) => string;

export type WriteKind = 'team' | 'cycle' | 'objective' | 'key-result' | 'activation' | 'target-revision' | 'check-in' | 'correction' | 'learning' | 'grading' | 'closing';

/** One write of the organisation's history, sent through a service's import route. */
export interface Write {
  service: 'goals' | 'checkIns';
  /** Writes of one phase are in time order; a request never holds two phases. */
  phase: string;
  at: string;
  actor: string;
  method: 'POST' | 'PUT';
  path: string | ((id: IdOf) => string);
  body?: Record<string, unknown> | ((id: IdOf) => Record<string, unknown>);
  /** The name under which the answer's `id` is kept. */
  as?: string;
  kind: WriteKind;
  /** Events the write appends. */
  events: number;
  cycle?: string;
}

const DAY = 86_400_000;
const atOf = (date: string, offsetMs: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + offsetMs).toISOString();
/** The i-th of n instants spread evenly over `spanMs` from `date` + `fromMs`, in order. */
const spread = (date: string, fromMs: number, spanMs: number, i: number, n: number) => atOf(date, fromMs + Math.floor((i * spanMs) / Math.max(1, n)));
const firstMonday = (date: string): string => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7));
  return d.toISOString().slice(0, 10);
};
const plusDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/** Everything the generator writes, in the order it is sent: the registry, then each quarter. */
export function* organisationWrites(seed: string, scale: Scale): Generator<Write> {
  const chart = organisation(seed, scale);
  yield* registry(chart);
  for (const quarter of quartersOf(scale)) yield* quarterWrites(seed, scale, chart, quarter);
}

function* registry(chart: readonly Team[]): Generator<Write> {
  for (const [i, team] of chart.entries()) {
    const body = { name: team.name, ...(team.parentTeamId ? { parentTeamId: team.parentTeamId } : {}), leads: team.leads };
    yield { service: 'goals', phase: 'registry', at: spread('2025-09-01', 9 * 3_600_000, 8 * 3_600_000, i, chart.length), actor: 'people-ops', method: 'PUT', path: `/api/v1/teams/${team.id}`, body, kind: 'team', events: 1 };
  }
}

function* quarterWrites(seed: string, scale: Scale, chart: readonly Team[], quarter: Quarter): Generator<Write> {
  const q = `q${quarter.index}`;
  const per = scale.objectivesPerTeam;
  const count = chart.length * per;
  const indexOf = new Map(chart.map((team, i) => [team.id, i]));
  const cycle = quarter.name;
  const teamOf = (o: number) => chart[Math.floor(o / per)] as Team;
  const ownerOf = (o: number) => randomFor(seed, `${q}/obj/${o}/owner`).pick(teamOf(o).leads);
  // A quarter's plans are drawn once: each is read again for every week's check-in.
  const plans = new Map<number, KeyResultPlan>();
  const plan = (o: number, k: number): KeyResultPlan => {
    let known = plans.get(o * 3 + k);
    if (!known) plans.set(o * 3 + k, (known = keyResultPlan(seed, quarter.index, o, k, teamOf(o).area)));
    return known;
  };
  const planDay = plusDays(quarter.startsOn, -14);
  const goals = (phase: string, w: Omit<Write, 'service' | 'phase' | 'cycle'>): Write => ({ service: 'goals', phase: `${q}.${phase}`, cycle, ...w });
  const checkIns = (phase: string, w: Omit<Write, 'service' | 'phase' | 'cycle'>): Write => ({ service: 'checkIns', phase: `${q}.${phase}`, cycle, ...w });

  // Planning: the cycle, then every team's objectives (parents' teams first) with their key results.
  yield goals('plan', { at: atOf(planDay, 8 * 3_600_000), actor: chart[0]?.leads[0] ?? 'ceo', method: 'POST', path: '/api/v1/cycles', body: { name: cycle, startsOn: quarter.startsOn, endsOn: quarter.endsOn, checkInCadenceDays: 7 }, as: `${q}.cycle`, kind: 'cycle', events: 1 });
  for (let o = 0; o < count; o++) {
    const team = teamOf(o);
    const title = objectiveTitles(seed, quarter.index, Math.floor(o / per), team.area, per)[o % per] as string;
    const parentIndex = team.parentTeamId === undefined ? undefined : indexOf.get(team.parentTeamId);
    const parent = parentIndex === undefined ? undefined : `${q}.o${parentIndex * per + randomFor(seed, `${q}/obj/${o}/parent`).int(0, per - 1)}`;
    const owner = ownerOf(o);
    const at = (step: number) => spread(planDay, DAY, 12 * DAY, o * 4 + step, count * 4);
    yield goals('plan', {
      at: at(0), actor: owner, method: 'POST', path: '/api/v1/objectives', as: `${q}.o${o}`, kind: 'objective', events: parent ? 2 : 1,
      body: (id) => ({ cycleId: id(`${q}.cycle`), teamId: team.id, title, ownerId: owner, ...(parent ? { parentObjectiveIds: [id(parent)] } : {}) }),
    });
    for (let k = 0; k < 3; k++) {
      yield goals('plan', { at: at(1 + k), actor: owner, method: 'POST', path: (id) => `/api/v1/objectives/${id(`${q}.o${o}`)}/key-results`, body: keyResultBody(plan(o, k)), as: `${q}.k${o}.${k}`, kind: 'key-result', events: 1 });
    }
  }
  for (let o = 0; o < count; o++) {
    yield goals('plan', { at: spread(quarter.startsOn, 7 * 3_600_000, 10 * 3_600_000, o, count), actor: ownerOf(o), method: 'POST', path: (id) => `/api/v1/objectives/${id(`${q}.o${o}`)}/activation`, kind: 'activation', events: 1 });
  }
  // Mid-quarter, some teams make a target reachable again, with their reason.
  const revisionDay = plusDays(firstMonday(quarter.startsOn), 6 * 7 + 2);
  for (let o = 0; o < count; o++) {
    for (let k = 0; k < 3; k++) {
      const revision = plan(o, k).revision;
      if (!revision) continue;
      yield goals('plan', { at: spread(revisionDay, 9 * 3_600_000, 8 * 3_600_000, o * 3 + k, count * 3), actor: ownerOf(o), method: 'POST', path: (id) => `/api/v1/objectives/${id(`${q}.o${o}`)}/key-results/${id(`${q}.k${o}.${k}`)}/target-revisions`, body: revision, kind: 'target-revision', events: 1 });
    }
  }

  // Every Monday a check-in per key result; a typo now and then, corrected on Tuesday; learnings on Thursdays.
  for (let week = 0; week < WEEKS; week++) {
    const monday = plusDays(firstMonday(quarter.startsOn), week * 7);
    for (let o = 0; o < count; o++) {
      for (let k = 0; k < 3; k++) {
        const p = plan(o, k);
        const { value, confidence } = weekValue(seed, quarter.index, o, k, p, week);
        const typo = p.correctedWeeks.has(week) && typeof value === 'number';
        yield checkIns('track', {
          at: spread(monday, 8 * 3_600_000, 9 * 3_600_000, o * 3 + k, count * 3), actor: ownerOf(o), method: 'POST', kind: 'check-in', events: 1,
          path: (id) => `/api/v1/key-results/${id(`${q}.k${o}.${k}`)}/check-ins`,
          body: { value: typo ? typoOf(value, p.decimals) : value, confidence, effectiveAt: monday },
          ...(typo ? { as: `${q}.c${o}.${k}.${week}` } : {}),
        });
      }
    }
    for (let o = 0; o < count; o++) {
      for (let k = 0; k < 3; k++) {
        const p = plan(o, k);
        if (!p.correctedWeeks.has(week)) continue;
        const { value } = weekValue(seed, quarter.index, o, k, p, week);
        yield checkIns('track', {
          at: spread(plusDays(monday, 1), 8 * 3_600_000, 9 * 3_600_000, o * 3 + k, count * 3), actor: ownerOf(o), method: 'POST', kind: 'correction', events: 1,
          path: (id) => `/api/v1/check-ins/${id(`${q}.c${o}.${k}.${week}`)}/corrections`,
          body: { value, reason: `Typo: ${typoOf(value as number, p.decimals)} entered instead of ${String(value)}` },
        });
      }
    }
    for (let o = 0; o < count; o++) {
      const learning = learningOf(seed, quarter.index, o, teamOf(o).area);
      if (!learning || learning.week !== week) continue;
      yield checkIns('track', {
        at: spread(plusDays(monday, 3), 10 * 3_600_000, 7 * 3_600_000, o, count), actor: ownerOf(o), method: 'POST', path: '/api/v1/learnings', kind: 'learning', events: 1,
        body: (id) => ({ objectiveId: id(`${q}.o${o}`), teamId: teamOf(o).id, keyResultIds: [id(`${q}.k${o}.0`)], ...learning.body }),
      });
    }
  }

  // After the quarter: most teams grade their objectives; leadership closes the cycle a week later.
  for (let o = 0; o < count; o++) {
    const random = randomFor(seed, `${q}/obj/${o}/grading`);
    if (!random.chance(0.75)) continue;
    // Drawn here, not in `body`: a body may be built more than once (sized, then sent) and must not change.
    const retrospective = random.pick(RETROSPECTIVES);
    yield goals('close', {
      at: spread(plusDays(quarter.endsOn, 1), 9 * 3_600_000, 4 * DAY, o, count), actor: ownerOf(o), method: 'POST', kind: 'grading', events: 1,
      path: (id) => `/api/v1/objectives/${id(`${q}.o${o}`)}/grading`,
      body: (id) => ({
        keyResultGrades: [0, 1, 2].map((k) => ({ keyResultId: id(`${q}.k${o}.${k}`), grade: gradeOf(seed, quarter.index, o, k, plan(o, k)) })),
        retrospective,
      }),
    });
  }
  yield goals('close', { at: atOf(plusDays(quarter.endsOn, 7), 17 * 3_600_000), actor: chart[0]?.leads[0] ?? 'ceo', method: 'POST', path: (id) => `/api/v1/cycles/${id(`${q}.cycle`)}/closing`, kind: 'closing', events: 1 });
}
