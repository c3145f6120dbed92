import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { mockApi, page, problem, type MockHandler, type MockRequest } from '../../test/mock-api';
import { expectNoUuid } from '../../test/no-uuid';
import { renderPage } from '../../test/render';
import { ReplayPage } from './ReplayPage';

const Q3 = '0193c000-0000-7000-8000-000000000003';
const COMPANY = '0193a000-0000-7000-8000-000000000001';
const GROWTH = '0193a000-0000-7000-8000-000000000002';
const KR = '0193a000-0000-7000-8000-000000000009';
const REVISED = Date.parse('2026-08-15T00:00:00Z');
const CHECKED_IN = Date.parse('2026-08-10T00:00:00Z');
const LEARNED = Date.parse('2026-08-20T00:00:00Z');

beforeAll(() => {
  // Radix measures the slider's thumb; jsdom has no layout.
  const nothing = () => undefined;
  globalThis.ResizeObserver ??= class {
    observe = nothing;
    unobserve = nothing;
    disconnect = nothing;
  };
});

/** The quarter as it stood at `at`: the growth objective aligned to the company's; its target revised on 08-15. */
function stopAt(at: string, corrected = false) {
  const t = Date.parse(at);
  const keyResult = {
    id: KR,
    title: 'Activation rate',
    kind: 'increase',
    target: t >= REVISED ? 35 : 40,
    unit: '%',
    value: t >= CHECKED_IN ? (corrected ? 24 : 25) : 20,
    confidence: t >= CHECKED_IN ? 6 : 8,
    progress: t >= CHECKED_IN ? 0.25 : 0,
  };
  const objective = (id: string, title: string, teamId: string, teamName: string, parents: string[], keyResults: unknown[]) => ({
    id, title, teamId, teamName, cycleId: Q3, cycleName: '2026 Q3', parentObjectiveIds: parents, progress: 0.25, status: 'active', keyResults,
  });
  return {
    objectives: [
      objective(COMPANY, 'Customers love the product', 'company', 'Company', [], []),
      objective(GROWTH, 'New customers succeed in their first week', 'growth', 'Growth', [COMPANY], [keyResult]),
    ],
    learnings:
      t >= LEARNED
        ? [{ id: '0193b000-0000-7000-8000-000000000001', result: 'invalidated', insight: 'Users stall at permissions, not at the import', objectiveId: GROWTH, keyResultIds: [KR] }]
        : [],
  };
}

const cycles = (over: Record<string, unknown> = {}) => () =>
  page([{ id: Q3, name: '2026 Q3', startsOn: '2026-07-01', endsOn: '2026-09-30', status: 'closed', ...over }]);

/** The replay a page of one objective at a time (as a large tenant's would come), each with its learnings. */
const replay: MockHandler = (req) => {
  const asOf = req.query.get('asOf') as string;
  const { objectives, learnings } = stopAt(asOf, req.query.get('checkIns') === 'corrected');
  const at = req.query.get('cursor') === null ? 0 : Number(req.query.get('cursor'));
  const items = objectives.slice(at, at + 1);
  const about = learnings.filter((l) => items.some((o) => o.id === l.objectiveId));
  return { body: { asOf, items, nextCursor: at + 1 < objectives.length ? String(at + 1) : null, learnings: about, questions: [] } };
};

const frames: MockHandler = (req) => {
  const out = [];
  const step = (req.query.get('step') === 'day' ? 1 : 7) * 86_400_000;
  for (let t = Date.parse(req.query.get('from') as string); t <= Date.parse(req.query.get('to') as string); t += step) {
    const at = new Date(t).toISOString();
    out.push({ at, ...stopAt(at, req.query.get('checkIns') === 'corrected') });
  }
  return { body: { frames: out } };
};

const handlers = (over: Record<string, MockHandler> = {}) => ({
  'GET /api/v1/cycles': cycles(),
  'GET /api/v1/replay': replay,
  'GET /api/v1/frames': frames,
  ...over,
});

const replayCalls = (calls: MockRequest[]) => calls.filter((c) => c.path === '/api/v1/replay');
const slider = () => screen.getByRole('slider', { name: 'Replay' });
const row = (name: string) => screen.getByRole('rowheader', { name }).closest('tr') as HTMLElement;

describe('the replay', () => {
  it('says it is loading, then shows the cycle at its end: the map and each team by names, never ids', async () => {
    const { api, calls } = mockApi(handlers());
    const { container } = renderPage(<ReplayPage />, { api, path: '/replay' });
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    expect(await screen.findByRole('heading', { name: 'Alignment map' })).toBeInTheDocument();
    const map = screen.getByRole('list', { name: 'Alignment of the objectives as it stood' });
    expect(within(map).getAllByRole('link').map((a) => a.textContent)).toEqual(['Customers love the product', 'New customers succeed in their first week']);
    expect(screen.getByRole('region', { name: 'Growth as it stood' })).toHaveTextContent('Growth');
    expect(row('Activation rate')).toHaveTextContent('25 %35 %6 / 10');
    expect(slider()).toHaveAttribute('aria-valuenow', '92');
    expect(replayCalls(calls)[0]?.query.get('asOf')).toBe('2026-10-01T00:00:00.000Z');
    expect(replayCalls(calls)[0]?.query.get('cycleId')).toBe(Q3);
    expect(replayCalls(calls)[0]?.query.get('checkIns')).toBe('known');
    // The stop is every page of the cycle: the second page asked with the first page's cursor.
    const end = replayCalls(calls).filter((c) => c.query.get('asOf') === '2026-10-01T00:00:00.000Z');
    expect(end.map((c) => c.query.get('cursor'))).toEqual([null, '1']);
    expect(end.every((c) => c.query.get('limit') === '200')).toBe(true);
    expectNoUuid(container);
  });

  it('moves a day with the arrow keys, shows the stop as it stood and highlights what changed, in words', async () => {
    const { api } = mockApi(handlers());
    const { router } = renderPage(<ReplayPage />, { api, path: '/replay', url: `/replay?cycle=${Q3}&at=2026-08-14T00:00:00.000Z` });
    await screen.findByRole('heading', { name: 'Alignment map' });
    expect(row('Activation rate')).toHaveTextContent('40 %');
    slider().focus();
    await userEvent.keyboard('{ArrowRight}');
    await waitFor(() => expect(row('Activation rate')).toHaveTextContent('35 %'));
    expect(router.state.location.search).toContain('at=2026-08-15T00%3A00%3A00.000Z');
    expect(router.state.historyAction).toBe('REPLACE');
    const changes = screen.getByRole('region', { name: 'What changed' });
    expect(changes).toHaveTextContent('Activation rate target revised from 40 % to 35 %');
    const target = within(row('Activation rate')).getByText(/35 %/).closest('td') as HTMLElement;
    expect(target).toHaveClass('changed');
    expect(target).toHaveTextContent('(changed)');
    expect(within(row('Activation rate')).getByText('25 %').closest('td')).not.toHaveClass('changed');
    // A week back with Page Down: before the check-in of 08-10, the value and confidence as they were.
    await userEvent.keyboard('{PageDown}');
    await waitFor(() => expect(slider()).toHaveAttribute('aria-valuenow', '38'));
    await waitFor(() => expect(row('Activation rate')).toHaveTextContent(/20 %.*40 %.*8 \/ 10/));
    expect(screen.getByRole('region', { name: 'What changed' })).toHaveTextContent('Activation rate moved from 25 % to 20 %');
  });

  it('loads the whole cycle a day a frame in one request when it opens, so that every stop paints from the cache', async () => {
    const { api, calls } = mockApi(handlers());
    renderPage(<ReplayPage />, { api, path: '/replay', url: `/replay?cycle=${Q3}&at=2026-08-14T00:00:00.000Z` });
    await screen.findByRole('heading', { name: 'Alignment map' });
    await waitFor(() => expect(calls.some((c) => c.path === '/api/v1/frames')).toBe(true));
    const film = calls.find((c) => c.path === '/api/v1/frames');
    expect([film?.query.get('step'), film?.query.get('from'), film?.query.get('to'), film?.query.get('cycleId')]).toEqual(['day', '2026-07-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z', Q3]);
    slider().focus();
    for (let i = 0; i < 3; i++) await userEvent.keyboard('{PageUp}');
    await waitFor(() => expect(slider()).toHaveAttribute('aria-valuenow', '65'));
    // 09-04 is no neighbour of 08-14, yet no stop had to be asked for: the film had it.
    expect(replayCalls(calls).map((c) => c.query.get('asOf'))).not.toContain('2026-09-04T00:00:00.000Z');
  });

  it('shows the learnings captured by then under their objective, and says when one was captured', async () => {
    const { api } = mockApi(handlers());
    renderPage(<ReplayPage />, { api, path: '/replay', url: `/replay?cycle=${Q3}&at=2026-08-19T00:00:00.000Z` });
    await screen.findByRole('heading', { name: 'Alignment map' });
    expect(screen.queryByRole('list', { name: 'Learnings by then' })).not.toBeInTheDocument();
    slider().focus();
    await userEvent.keyboard('{ArrowRight}');
    const learnings = await screen.findByRole('list', { name: 'Learnings by then' });
    expect(learnings).toHaveTextContent('Invalidated: learned Users stall at permissions, not at the import');
    expect(screen.getByRole('region', { name: 'What changed' })).toHaveTextContent('Learning captured (invalidated): Users stall at permissions, not at the import');
  });

  it('plays the weeks like a film from one request of frames, and pauses', async () => {
    const { api, calls } = mockApi(handlers());
    const { router } = renderPage(<ReplayPage />, { api, path: '/replay', url: `/replay?cycle=${Q3}&at=2026-08-01T00:00:00.000Z` });
    await screen.findByRole('heading', { name: 'Alignment map' });
    await userEvent.click(screen.getByRole('button', { name: 'Play' }));
    const film = calls.find((c) => c.path === '/api/v1/frames' && c.query.get('step') === 'week');
    expect(film?.query.get('step')).toBe('week');
    expect(film?.query.get('cycleId')).toBe(Q3);
    expect(film?.query.get('from')).toBe('2026-08-01T00:00:00.000Z');
    await waitFor(() => expect(slider()).toHaveAttribute('aria-valuenow', '38'), { timeout: 10_000 });
    expect(router.state.location.search).toContain('at=2026-08-08');
    expect(router.state.historyAction).toBe('REPLACE');
    // The next week: 08-15, the target revision and the check-in of 08-10 in words, all from the film's frames.
    await waitFor(() => expect(slider()).toHaveAttribute('aria-valuenow', '45'), { timeout: 10_000 });
    await waitFor(() => expect(screen.getByRole('region', { name: 'What changed' })).toHaveTextContent('Activation rate target revised from 40 % to 35 %'));
    expect(screen.getByRole('region', { name: 'What changed' })).toHaveTextContent('Activation rate moved from 20 % to 25 %');
    expect(replayCalls(calls).map((c) => c.query.get('asOf'))).not.toContain('2026-08-15T00:00:00.000Z');
    await userEvent.click(screen.getByRole('button', { name: 'Pause' }));
    expect(screen.getByRole('button', { name: 'Play' })).toBeInTheDocument();
  });

  it('asks for check-ins as corrected since when the toggle says so, and keeps it in the URL', async () => {
    const { api, calls } = mockApi(handlers());
    const { router } = renderPage(<ReplayPage />, { api, path: '/replay', url: `/replay?cycle=${Q3}&at=2026-09-01T00:00:00.000Z` });
    await screen.findByRole('heading', { name: 'Alignment map' });
    expect(screen.getByRole('radio', { name: 'As known then' })).toHaveAttribute('aria-checked', 'true');
    await userEvent.click(screen.getByRole('radio', { name: 'As corrected since' }));
    await waitFor(() => expect(row('Activation rate')).toHaveTextContent('24 %'));
    expect(calls.filter((c) => c.query.get('checkIns') === 'corrected').map((c) => c.path)).not.toEqual([]);
    expect(router.state.location.search).toContain('view=corrected');
    expect(screen.getByRole('region', { name: 'What changed' })).toHaveTextContent('Activation rate moved from 25 % to 24 %');
  });

  it('says when no objective had been set by then', async () => {
    const { api } = mockApi(handlers({ 'GET /api/v1/replay': (req) => ({ body: { asOf: req.query.get('asOf'), items: [], nextCursor: null, learnings: [], questions: [] } }) }));
    renderPage(<ReplayPage />, { api, path: '/replay' });
    expect(await screen.findByText('No objective had been set in this cycle by then.')).toBeInTheDocument();
  });

  it('says when there is no cycle, or the cycle has not started', async () => {
    const { api } = mockApi(handlers({ 'GET /api/v1/cycles': () => page([]) }));
    renderPage(<ReplayPage />, { api, path: '/replay' });
    expect(await screen.findByText(/No cycle to replay yet/)).toBeInTheDocument();
    const later = mockApi(handlers({ 'GET /api/v1/cycles': cycles({ startsOn: '2999-01-01', endsOn: '2999-03-31', status: 'upcoming' }) }));
    renderPage(<ReplayPage />, { api: later.api, path: '/replay' });
    expect(await screen.findByText(/there is nothing to replay yet/)).toBeInTheDocument();
  });

  it("shows the service's problem in sentences", async () => {
    const failing = () => problem(503, 'Service unavailable', 'The event store is not reachable right now');
    const { api } = mockApi(handlers({ 'GET /api/v1/replay': failing, 'GET /api/v1/frames': failing }));
    renderPage(<ReplayPage />, { api, path: '/replay' });
    expect(await screen.findByRole('alert')).toHaveTextContent('Service unavailable. The event store is not reachable right now.');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});
