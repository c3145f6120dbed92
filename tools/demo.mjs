// `npm run demo`: fills a running platform with a scripted quarter (2026-Q3) of two teams, growth and
// platform, through each service's import path (`POST /api/v1/imports/goals`, `/api/v1/imports/check-ins`), so that every event keeps its original
// time (`occurredAt`) and is marked with the time of import (`importedAt`). Replay then shows the
// quarter evolving; then the teams registry, a Q4 cycle, Q3 closed and its unfinished objectives
// carried into Q4 with their reasons. Needs the platform running on the same OKR_DATA_DIR (`npm start`).
// Env: GOALS_URL (http://localhost:3001), CHECKINS_URL (http://localhost:3002),
// INSIGHTS_URL (http://localhost:3003), OKR_DATA_DIR (./data). Questions from leaders go through the import
// path too; the data source's measurements are sent live with a service account's API key.
import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

// `--scale medium|large`: a generated organisation of hundreds or thousands of teams (tools/demo-large.ts).
const scaleAt = process.argv.findIndex((arg) => arg === '--scale' || arg.startsWith('--scale='));
const scale = scaleAt < 0 ? 'small' : process.argv[scaleAt].includes('=') ? process.argv[scaleAt].split('=')[1] : process.argv[scaleAt + 1];
if (scale !== 'small') {
  const { status } = spawnSync(process.execPath, [join(root, 'dist/tools/demo-large.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(status ?? 1);
}
const URLS = {
  goals: process.env.GOALS_URL ?? 'http://localhost:3001',
  checkIns: process.env.CHECKINS_URL ?? 'http://localhost:3002',
};
/** Each service's own import route. */
const IMPORT_PATHS = { goals: '/api/v1/imports/goals', checkIns: '/api/v1/imports/check-ins' };
const INSIGHTS_URL = process.env.INSIGHTS_URL ?? 'http://localhost:3003';
const VIEW_WAIT_MS = 30_000;

const token = execFileSync(
  process.execPath,
  [join(root, 'dist/tools/token.js'), '--tenant', 'acme', '--user', 'demo-admin', '--roles', 'admin'],
  { encoding: 'utf8', env: process.env },
).trim();

/** Ids of what the script created, by name; a step that needs a missing one waits for the next chunk. */
const ids = {};
class Missing extends Error {}
const id = (name) => {
  if (!(name in ids)) throw new Missing(name);
  return ids[name];
};

const steps = [];
/** One write of the script: when, by whom, on which service; `path`/`body` may read `id(...)`. */
const step = (at, actor, service, path, body, as, method = 'POST') => steps.push({ at: new Date(at).toISOString(), actor, service, path, body, as, method });
const goals = (at, actor, path, body, as) => step(at, actor, 'goals', path, body, as);
const checkIns = (at, actor, path, body, as) => step(at, actor, 'checkIns', path, body, as);
const obj = (name, suffix = '') => () => `/api/v1/objectives/${id(name)}${suffix}`;

// --- The teams registry (an admin, or an identity-provider sync: PUT is idempotent) ------------------
const team = (at, id, body) => step(at, 'admin', 'goals', `/api/v1/teams/${id}`, body, undefined, 'PUT');
team('2026-06-20T09:00:00Z', 'leadership', { name: 'Leadership team', leads: ['ceo', 'cto'] });
team('2026-06-20T09:01:00Z', 'growth', { name: 'Growth', parentTeamId: 'leadership', leads: ['gina'] });
team('2026-06-20T09:02:00Z', 'platform', { name: 'Platform', parentTeamId: 'leadership', leads: ['paul'] });

// --- Planning (late June) ------------------------------------------------------------------------
goals('2026-06-22T09:00:00Z', 'ceo', '/api/v1/cycles', { name: '2026-Q3', startsOn: '2026-07-01', endsOn: '2026-09-30', checkInCadenceDays: 7 }, 'cycle');
goals('2026-06-23T09:00:00Z', 'ceo', '/api/v1/objectives', () => ({ cycleId: id('cycle'), teamId: 'leadership', title: 'Teams adopt OKRs as their way of working', ownerId: 'ceo' }), 'company');
goals('2026-06-23T09:05:00Z', 'cto', '/api/v1/objectives', () => ({ cycleId: id('cycle'), teamId: 'leadership', title: 'Customers can rely on us every day', ownerId: 'cto' }), 'reliability');
goals('2026-06-23T09:10:00Z', 'ceo', obj('company', '/key-results'), { title: 'Weekly active teams', kind: 'increase', start: 120, target: 200, unit: 'teams' }, 'kr.company');
goals('2026-06-23T09:15:00Z', 'cto', obj('reliability', '/key-results'), { title: 'Monthly uptime', kind: 'stay-at-or-above', threshold: 99.9, unit: '%' }, 'kr.uptime');
goals('2026-06-25T10:00:00Z', 'gina', '/api/v1/objectives', () => ({
  cycleId: id('cycle'), teamId: 'growth', title: 'New customers succeed in their first week', ownerId: 'gina', parentObjectiveIds: [id('company')],
}), 'growth');
goals('2026-06-25T10:05:00Z', 'gina', obj('growth', '/key-results'), { title: 'Week-1 activation', kind: 'increase', start: 20, target: 40, unit: '%' }, 'kr.activation');
goals('2026-06-25T10:10:00Z', 'gina', obj('growth', '/key-results'), { title: 'Trial-to-paid conversion', kind: 'increase', start: 8, target: 12, unit: '%' }, 'kr.conversion');
goals('2026-06-25T10:15:00Z', 'gina', obj('growth', '/key-results'), { title: 'Guided onboarding launched', kind: 'milestone' }, 'kr.onboarding');
goals('2026-06-26T11:00:00Z', 'paul', '/api/v1/objectives', () => ({
  cycleId: id('cycle'), teamId: 'platform', title: 'A fast, quiet platform that teams trust', ownerId: 'paul', parentObjectiveIds: [id('company'), id('reliability')],
}), 'platform');
goals('2026-06-26T11:05:00Z', 'paul', obj('platform', '/key-results'), { title: 'p95 API latency', kind: 'stay-at-or-below', threshold: 300, unit: 'ms' }, 'kr.latency');
goals('2026-06-26T11:10:00Z', 'paul', obj('platform', '/key-results'), { title: 'Support tickets per week', kind: 'decrease', start: 120, target: 80, unit: 'tickets' }, 'kr.tickets');
goals('2026-06-26T11:15:00Z', 'paul', obj('platform', '/key-results'), { title: 'Error rate', kind: 'stay-within-range', min: 0, max: 0.5, unit: '%' }, 'kr.errors');
for (const [name, actor] of [['company', 'ceo'], ['reliability', 'cto'], ['growth', 'gina'], ['platform', 'paul']]) {
  goals('2026-07-01T08:00:00Z', actor, obj(name, '/activation'), undefined);
}

// --- Weekly check-ins (Mondays 2026-07-06 .. 2026-09-28) ---------------------------------------------
const weeks = Array.from({ length: 13 }, (_, i) => new Date(Date.UTC(2026, 6, 6 + 7 * i)));
const day = (date) => date.toISOString().slice(0, 10);
// Growth: activation climbs, stalls in August (confidence 7 -> 3 on 2026-08-17), recovers a little.
const activation = [21, 23, 24, 26, 27, 27, 27, 28, 29, 30, 31, 32, 33];
const activationConfidence = [7, 7, 7, 7, 7, 7, 3, 3, 4, 4, 5, 5, 5];
const conversion = [8, 8.3, 8.6, 8.9, 9.1, 9.2, 9.4, 9.5, 9.7, 9.9, 10.1, 10.2, 10.4];
const conversionConfidence = [6, 6, 6, 6, 5, 5, 5, 6, 6, 7, 7, 8, 8];
// Platform: latency inside the threshold except one bad week; tickets going down.
const latency = [280, 275, 290, 310, 295, 270, 260, 255, 250, 248, 245, 240, 238];
const latencyConfidence = [6, 6, 6, 4, 5, 6, 7, 7, 8, 8, 8, 9, 9];
const tickets = [118, 112, 109, 104, 101, 97, 95, 92, 90, 88, 85, 83, 82];
const ticketsConfidence = [5, 5, 6, 6, 6, 6, 7, 7, 7, 8, 8, 8, 8];
const checkIn = (kr) => () => `/api/v1/key-results/${id(kr)}/check-ins`;
weeks.forEach((week, i) => {
  const at = (hour) => new Date(week.getTime() + hour * 3_600_000).toISOString();
  checkIns(at(9), 'gina', checkIn('kr.activation'), {
    value: activation[i], confidence: activationConfidence[i], effectiveAt: day(week),
    ...(i === 6 ? { note: 'Product tour did not move activation; see learning', blockers: ['No owner for the import step'] } : {}),
  }, `ci.activation.${i}`);
  checkIns(at(9.5), 'gina', checkIn('kr.conversion'), { value: i === 2 ? 86 : conversion[i], confidence: conversionConfidence[i], effectiveAt: day(week) }, `ci.conversion.${i}`);
  checkIns(at(10), 'paul', checkIn('kr.latency'), { value: latency[i], confidence: latencyConfidence[i], effectiveAt: day(week) });
  checkIns(at(10.5), 'paul', checkIn('kr.tickets'), { value: tickets[i], confidence: ticketsConfidence[i], effectiveAt: day(week) });
  if (i === 8) checkIns(at(11), 'gina', checkIn('kr.onboarding'), { value: true, confidence: 9, effectiveAt: day(week), note: 'Guided onboarding shipped' });
});
// A typo (86 instead of 8.6) in the week-3 conversion check-in, corrected the next day.
checkIns('2026-07-21T08:30:00Z', 'gina', () => `/api/v1/check-ins/${id('ci.conversion.2')}/corrections`, { value: 8.6, reason: 'Typo: 86 entered instead of 8.6' });

// --- Learnings ------------------------------------------------------------------------------------------
checkIns('2026-08-14T15:00:00Z', 'gina', '/api/v1/learnings', () => ({
  objectiveId: id('growth'), teamId: 'growth', keyResultIds: [id('kr.activation')], approach: 'hypothesis',
  tried: 'A product tour on first login raises week-1 activation', result: 'invalidated',
  insight: 'New users skip the tour; they stall at importing their data, not at finding features.',
  evidence: [
    { kind: 'customer-interview', summary: '7 of 10 trial users interviewed skipped the tour and stalled at the import step' },
    { kind: 'usage-data', summary: 'Tour completion 12%; no difference in activation between tour and no-tour cohorts' },
  ],
  tags: ['onboarding'], nextStep: 'Guided import of existing goals from spreadsheets',
}), 'learning.tour');
checkIns('2026-08-21T14:00:00Z', 'paul', '/api/v1/learnings', () => ({
  objectiveId: id('platform'), teamId: 'platform', keyResultIds: [id('kr.tickets')], approach: 'hypothesis',
  tried: 'Most support tickets come from slow dashboards', result: 'invalidated',
  insight: 'Tickets are about permissions and invitations, not speed.',
  evidence: [
    { kind: 'support-tickets', summary: '62% of 400 tickets tagged in July concern invitations and roles; 4% mention speed' },
    { kind: 'customer-interview', summary: '5 admins described invitation emails landing in spam' },
  ],
  tags: ['support'], nextStep: 'Rework invitations and role management',
}), 'learning.tickets');
checkIns('2026-09-08T16:00:00Z', 'gina', '/api/v1/learnings', () => ({
  objectiveId: id('growth'), teamId: 'growth', keyResultIds: [id('kr.activation'), id('kr.onboarding')], approach: 'experiment',
  tried: 'Guided import in the first session', result: 'validated',
  insight: 'Teams that import their goals in session one activate twice as often.',
  evidence: [{ kind: 'usage-data', summary: 'A/B test, 2 x 300 trials: 34% vs 17% week-1 activation' }],
}), 'learning.import');

// --- Leaders ask, teams answer ----------------------------------------------------------------------------
checkIns('2026-08-18T08:00:00Z', 'ceo', () => `/api/v1/key-results/${id('kr.activation')}/questions`, {
  text: 'Confidence fell from 7 to 3 last week: what would help you most, and what did the import step teach you?',
}, 'q.activation');
checkIns('2026-08-19T09:00:00Z', 'gina', () => `/api/v1/questions/${id('q.activation')}/answers`, {
  text: 'An owner for the import step. Users stall at importing, not at finding features (see the tour learning); a guided import is next.',
});
checkIns('2026-09-02T10:00:00Z', 'cto', () => `/api/v1/learnings/${id('learning.tickets')}/questions`, {
  text: 'Could the invitation fixes also cut the tickets from admins of new customers?',
}, 'q.tickets');

// --- Mid-quarter revision; platform grades its quarter ------------------------------------------------------------
goals('2026-08-20T10:00:00Z', 'gina', () => `/api/v1/objectives/${id('growth')}/key-results/${id('kr.conversion')}/target-revisions`, {
  target: 11, reason: 'Pricing page redesign moved to Q4; 12% is out of reach without it',
});
// Growth does not grade its quarter: once Q3 has ended it is "ended, not graded", then carried into Q4.
goals('2026-09-30T16:30:00Z', 'paul', obj('platform', '/grading'), () => ({
  keyResultGrades: [{ keyResultId: id('kr.latency'), grade: 0.9 }, { keyResultId: id('kr.tickets'), grade: 0.95 }, { keyResultId: id('kr.errors'), grade: 1 }],
  retrospective: 'Latency held except one week; tickets fell once invitations were fixed.',
}));

// --- The next quarter: Q4 planned, Q3 closed, its unfinished objectives carried into Q4 ------------------
goals('2026-09-15T09:00:00Z', 'ceo', '/api/v1/cycles', { name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 }, 'cycle.q4');
// Closing answers what was left ungraded (growth and the two company objectives); the teams carry them on.
goals('2026-10-01T17:00:00Z', 'ceo', () => `/api/v1/cycles/${id('cycle')}/closing`, undefined);
goals('2026-10-02T09:00:00Z', 'gina', obj('growth', '/carry-over'), () => ({
  toCycleId: id('cycle.q4'), reason: 'Activation stalled at the import step in Q3; guided import goes on in Q4 from 33%.',
}), 'growth.q4');
goals('2026-10-02T09:30:00Z', 'ceo', obj('company', '/carry-over'), () => ({
  toCycleId: id('cycle.q4'), reason: 'Adoption is a year-long aim: we keep measuring weekly active teams.',
}), 'company.q4');
goals('2026-10-02T09:45:00Z', 'cto', obj('reliability', '/carry-over'), () => ({
  toCycleId: id('cycle.q4'), reason: 'Uptime was never checked in during Q3; we start measuring it in Q4.',
}), 'reliability.q4');

// --- Q4: a floor to stay above. Growth's NPS slips under 40 in late November: at risk at once, in words
// ("Net Promoter Score 38 is below its floor of 40."), whatever the pace of the quarter.
goals('2026-10-02T10:00:00Z', 'gina', '/api/v1/objectives', () => ({
  cycleId: id('cycle.q4'), teamId: 'growth', title: 'Customers recommend us to their peers', ownerId: 'gina',
}), 'recommend');
goals('2026-10-02T10:05:00Z', 'gina', obj('recommend', '/key-results'), { title: 'Net Promoter Score', kind: 'stay-at-or-above', threshold: 40 }, 'kr.nps');
goals('2026-10-02T10:10:00Z', 'gina', obj('recommend', '/activation'), undefined);
const q4Weeks = Array.from({ length: 9 }, (_, i) => new Date(Date.UTC(2026, 9, 5 + 7 * i)));
const nps = [45, 44, 43, 42, 41, 41, 40, 39, 38];
const npsConfidence = [7, 7, 7, 6, 6, 6, 5, 5, 5];
q4Weeks.forEach((week, i) => {
  checkIns(new Date(week.getTime() + 9 * 3_600_000).toISOString(), 'gina', checkIn('kr.nps'), {
    value: nps[i], confidence: npsConfidence[i], effectiveAt: day(week),
    ...(i === 8 ? { note: 'Detractors cite slow invitations again' } : {}),
  });
});

// Q4 so far (the same Mondays): growth's carried key results move on from where Q3 left them (33%,
// 10.4%); uptime is measured at last. (The carried "weekly active teams" is left without check-ins.)
const carried = {
  'growth.q4.kr0': ['gina', [33.5, 34, 35, 35.5, 36, 37, 37.5, 38, 38.5]],
  'growth.q4.kr1': ['gina', [10.4, 10.5, 10.5, 10.6, 10.7, 10.7, 10.8, 10.8, 10.9]],
  'reliability.q4.kr0': ['cto', [99.95, 99.97, 99.93, 99.96, 99.95, 99.98, 99.94, 99.96, 99.97]],
};
q4Weeks.forEach((week, i) => {
  Object.entries(carried).forEach(([kr, [actor, values]], k) => {
    checkIns(new Date(week.getTime() + (10 + k / 2) * 3_600_000).toISOString(), actor, checkIn(kr), { value: values[i], confidence: 7, effectiveAt: day(week) });
  });
});

// --- Sending: time-ordered chunks, one service at a time -------------------------------------------------------
steps.sort((a, b) => a.at.localeCompare(b.at)); // stable: same-instant steps keep script order

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function post(service, items) {
  const response = await fetch(`${URLS[service]}${IMPORT_PATHS[service]}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ items }),
  });
  const body = await response.json().catch(() => undefined);
  return { status: response.status, body };
}

/**
 * Imports one chunk. Check-ins knows goals only through its own view, which follows goals a moment
 * later, and goals closes a cycle from its list of objectives: an item refused with 503 `view-catching-up`
 * (a view still reading the latest writes), or by check-ins with 404/409 (key result unknown or not active
 * yet), is retried, from that item on, until VIEW_WAIT_MS.
 */
async function send(chunk) {
  const deadline = Date.now() + VIEW_WAIT_MS;
  let pending = chunk;
  while (pending.length > 0) {
    const items = pending.map((s) => ({ at: s.at, actor: s.actor, request: { method: s.method, path: s.path, ...(s.body ? { body: s.body } : {}) } }));
    const { status, body } = await post(pending[0].service, items);
    const results = status === 200 ? body.results : (body?.details?.results ?? []);
    results.forEach((result, index) => {
      if (pending[index].as && result.body?.id) ids[pending[index].as] = result.body.id;
      // A carry-over answers the key results it carried: `{as}.kr0`, `{as}.kr1`, … in their order.
      if (pending[index].as && Array.isArray(result.body?.keyResults)) {
        result.body.keyResults.forEach((kr, i) => (ids[`${pending[index].as}.kr${i}`] = kr.id));
      }
    });
    if (status === 200) return;
    const failed = body?.details;
    const lagging = failed && (failed.status === 503 || (pending[0].service === 'checkIns' && [404, 409].includes(failed.status)));
    if (!lagging || Date.now() > deadline) {
      console.error(`Import to ${pending[0].service} failed (${status}):`, JSON.stringify(body, null, 2));
      process.exit(1);
    }
    pending = pending.slice(failed.index);
    await sleep(250);
  }
}

let chunk = [];
const flush = async () => {
  if (chunk.length > 0) await send(chunk);
  chunk = [];
};
const resolveStep = (s) => ({
  ...s,
  path: typeof s.path === 'function' ? s.path() : s.path,
  body: typeof s.body === 'function' ? s.body() : s.body,
});
for (const s of steps) {
  if (chunk.length > 0 && (chunk[0].service !== s.service || chunk.length >= 500)) await flush();
  let resolved;
  try {
    resolved = resolveStep(s);
  } catch (error) {
    if (!(error instanceof Missing)) throw error;
    await flush(); // the id comes from an item of the current chunk
    resolved = resolveStep(s);
  }
  chunk.push(resolved);
}
await flush();

// --- A key result fed by a data source (live: a service account's API key, not the import path) -----------
const api = async (service, path, body, bearer = token) => {
  const response = await fetch(`${URLS[service]}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => undefined);
  if (!response.ok) {
    console.error(`POST ${path} failed (${response.status}):`, JSON.stringify(answer, null, 2));
    process.exit(1);
  }
  return answer;
};
const analytics = await api('checkIns', '/api/v1/service-accounts', { name: 'product-analytics', scope: { keyResultIds: [id('kr.company')] } });
// Weekly active teams, as product analytics counts them every Monday of the quarter.
const activeTeams = [124, 129, 133, 138, 141, 147, 150, 156, 161, 166, 170, 175, 181];
const fed = await api(
  'checkIns',
  '/api/v1/measurements',
  { items: weeks.map((week, i) => ({ keyResultId: id('kr.company'), value: activeTeams[i], measuredAt: day(week), source: 'product-analytics', link: 'https://analytics.example.com/dashboards/weekly-active-teams' })) },
  analytics.apiKey,
);

console.log(`Imported a scripted quarter (2026-Q3, teams growth and platform): ${steps.length} writes.`);
console.log(`  cycle 2026-Q3    ${ids.cycle} (closed)`);
console.log(`  cycle 2026-Q4    ${ids['cycle.q4']}`);
for (const name of ['growth.q4', 'company.q4', 'reliability.q4']) console.log(`  objective ${name.padEnd(12)} ${ids[name]} (carried over from Q3)`);
for (const name of ['company', 'reliability', 'growth', 'platform']) console.log(`  objective ${name.padEnd(12)} ${ids[name]}`);
for (const name of Object.keys(ids).filter((n) => n.startsWith('kr.'))) console.log(`  ${name.padEnd(16)} ${ids[name]}`);
for (const name of Object.keys(ids).filter((n) => n.startsWith('learning.'))) console.log(`  ${name.padEnd(16)} ${ids[name]}`);
console.log(`Weekly active teams fed by ${analytics.actor}: ${fed.items.filter((i) => i.status === 'recorded').length} measurements (${URLS.checkIns}/api/v1/key-results/${ids['kr.company']}/check-ins)`);
console.log(`A leader's questions, one answered: ${URLS.checkIns}/api/v1/objectives/${ids.growth}/questions, ${URLS.checkIns}/api/v1/objectives/${ids.platform}/questions`);
console.log(`A floor breached in Q4, at risk in words: ${INSIGHTS_URL}/api/v1/at-risk?cycleId=${ids['cycle.q4']} (Net Promoter Score ${nps.at(-1)} is below its floor of 40)`);
console.log(`Mid-quarter (before the confidence drop and the target revision):`);
console.log(`  ${INSIGHTS_URL}/api/v1/replay?asOf=2026-08-15T00:00:00Z`);
console.log(`Objective history: ${URLS.goals}/api/v1/objectives/${ids.growth}/history (token: npm run token -- --tenant acme --user demo-admin --roles admin)`);
