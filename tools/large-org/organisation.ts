import { AREAS, DIVISIONS, FIRST_NAMES, FUNCTIONS, LAST_NAMES, REGIONS, slug } from './names';
import { randomFor, shuffled } from './random';

/** How big an organisation to build. */
export interface Scale {
  /** Teams in the registry, the company and its divisions and departments included. */
  teams: number;
  /** Objectives of each team in each quarter (three key results each). */
  objectivesPerTeam: number;
  /** Quarters, from 2025-Q4 on (1-4). */
  quarters: number;
}

/** `large` is the size of organisation the platform is for; `medium` one twentieth of it. */
export const SCALES: Record<'medium' | 'large', Scale> = {
  large: { teams: 2000, objectivesPerTeam: 4, quarters: 4 },
  medium: { teams: 100, objectivesPerTeam: 4, quarters: 4 },
};

export interface Team {
  id: string;
  name: string;
  parentTeamId?: string;
  leads: string[];
  /** What the team works on, for its titles. */
  area: string;
  level: 'company' | 'division' | 'department' | 'team';
}

export interface Quarter {
  index: number;
  name: string;
  startsOn: string;
  endsOn: string;
}

/** Four quarters that have ended, so that every check-in is in the past. */
const QUARTERS: readonly Quarter[] = [
  { index: 0, name: '2025-Q4', startsOn: '2025-10-01', endsOn: '2025-12-31' },
  { index: 1, name: '2026-Q1', startsOn: '2026-01-01', endsOn: '2026-03-31' },
  { index: 2, name: '2026-Q2', startsOn: '2026-04-01', endsOn: '2026-06-30' },
  { index: 3, name: '2026-Q3', startsOn: '2026-07-01', endsOn: '2026-09-30' },
];

export const quartersOf = (scale: Scale): Quarter[] => QUARTERS.slice(0, Math.max(1, Math.min(4, scale.quarters)));

const person = (seed: string, place: string): string => {
  const random = randomFor(seed, place);
  return `${random.pick(FIRST_NAMES)}.${random.pick(LAST_NAMES)}`;
};

/**
 * The organisation chart: a leadership team, divisions (one per ~200 teams), departments (one per
 * ~20) and their teams, parents first. Names are unique, ids are their slugs; the seed decides
 * which names appear where.
 */
export function organisation(seed: string, scale: Scale): Team[] {
  const total = Math.max(4, scale.teams);
  const divisions = Math.max(1, Math.round(total / 200));
  const departments = Math.max(1, Math.round(total / 20));
  const teams = total - 1 - divisions - departments;
  const random = randomFor(seed, 'chart');
  const divisionNames = shuffled(DIVISIONS, random);
  const areaNames = shuffled(AREAS, random);
  const chart: Team[] = [{ id: 'leadership', name: 'Leadership team', leads: [person(seed, 'lead/ceo'), person(seed, 'lead/cto')], area: 'the company', level: 'company' }];

  const numbered = (names: readonly string[], i: number): string => {
    const base = names[i % names.length] as string;
    const round = Math.floor(i / names.length);
    return round === 0 ? base : `${base} ${REGIONS[(round - 1) % REGIONS.length]}${round > REGIONS.length ? ` ${Math.ceil(round / REGIONS.length)}` : ''}`;
  };
  const divisionIds: string[] = [];
  for (let d = 0; d < divisions; d++) {
    const name = numbered(divisionNames, d);
    divisionIds.push(slug(name));
    chart.push({ id: slug(name), name, parentTeamId: 'leadership', leads: [person(seed, `lead/division/${d}`)], area: name, level: 'division' });
  }
  const departmentTeams: Team[] = [];
  for (let p = 0; p < departments; p++) {
    const name = numbered(areaNames, p);
    const team: Team = { id: slug(name), name, parentTeamId: divisionIds[p % divisions] as string, leads: [person(seed, `lead/department/${p}`)], area: name, level: 'department' };
    chart.push(team);
    departmentTeams.push(team);
  }
  for (let t = 0; t < teams; t++) {
    const department = departmentTeams[t % departments] as Team;
    const nth = Math.floor(t / departments);
    const functions = shuffled(FUNCTIONS, randomFor(seed, `functions/${department.id}`));
    const fn = functions[nth % functions.length] as string;
    const round = Math.floor(nth / functions.length);
    const name = `${department.name} ${fn}${round > 0 ? ` ${round + 1}` : ''}`;
    const leads = [person(seed, `lead/team/${t}/0`)];
    if (randomFor(seed, `lead/team/${t}`).chance(0.3)) leads.push(person(seed, `lead/team/${t}/1`));
    chart.push({ id: slug(name), name, parentTeamId: department.id, leads, area: department.area, level: 'team' });
  }
  return chart;
}
