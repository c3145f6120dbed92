import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi, page, problem, type MockHandler } from '../../test/mock-api';
import { renderPage } from '../../test/render';
import { LearningsPage } from './LearningsPage';
import { expectNoUuid } from '../../test/no-uuid';

const OBJECTIVE = '0193a000-0000-7000-8000-000000000001';
const KR = '0193a000-0000-7000-8000-000000000101';
const Q3 = '0193a000-0000-7000-8000-00000000c003';

const learning = (n: number, over: Record<string, unknown> = {}) => ({
  id: `0193a000-0000-7000-8000-00000000a00${n}`,
  teamId: 'growth',
  objectiveId: OBJECTIVE,
  keyResultIds: [KR],
  tried: `A guided product tour ${n}`,
  approach: 'hypothesis',
  result: 'invalidated',
  insight: 'New users skip the tour; they stall at importing their data.',
  nextStep: 'Build a one-click import',
  evidence: [{ kind: 'customer-interview', summary: '7 of 10 trial users skipped the tour' }],
  evidenceCount: 1,
  tags: ['onboarding'],
  author: 'gina',
  acknowledgements: [],
  acknowledgementCount: 0,
  capturedAt: '2026-08-14T09:30:00.000Z',
  revisedAt: null,
  revision: 0,
  ...over,
});

const stats = {
  learnings: 1234,
  byResult: { validated: 600, invalidated: 534, inconclusive: 100 },
  conclusive: 1134,
  evidence: 2500,
  acknowledgements: 3,
  byTag: { onboarding: 3, pricing: 1 },
};

const directory: Record<string, MockHandler> = {
  'GET /api/v1/teams': () => page([{ id: 'growth', name: 'Growth', parentTeamId: null, leads: [] }, { id: 'platform', name: 'Platform', parentTeamId: null, leads: [] }]),
  'GET /api/v1/cycles': () => page([{ id: Q3, name: '2026-Q3', startsOn: '2026-07-01', endsOn: '2026-09-30', checkInCadenceDays: 7, status: 'active', closedAt: null }]),
  'GET /api/v1/objectives/{id}': () => ({
    body: { id: OBJECTIVE, title: 'Make onboarding delightful', teamId: 'growth', cycleId: Q3, keyResults: [{ id: KR, title: 'Activation rate to 40 %' }] },
  }),
};

const learningsFeed = (answer: MockHandler) => mockApi({ ...directory, 'GET /api/v1/learnings': answer });

describe('the learnings page', () => {
  it('shows an invalidated hypothesis as progress, with what was tried, learned, next and the evidence, by names', async () => {
    const { api } = learningsFeed(() => ({ body: { items: [learning(1)], nextCursor: null, stats } }));
    const { container } = renderPage(<LearningsPage />, { api, path: '/learnings' });
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    const card = (await screen.findByRole('heading', { name: 'Learned: New users skip the tour; they stall at importing their data.' })).closest('li') as HTMLElement;
    const badge = within(card).getByText('Hypothesis invalidated: learned');
    expect(badge).toHaveClass('badge-learned');
    expect(badge).not.toHaveClass('badge-risk');
    expect(card).toHaveTextContent('A guided product tour 1');
    expect(card).toHaveTextContent('Build a one-click import');
    expect(card).toHaveTextContent('Customer interview: 7 of 10 trial users skipped the tour');
    expect(await within(card).findByRole('link', { name: 'Make onboarding delightful' })).toHaveAttribute('href', `/objectives/${OBJECTIVE}`);
    expect(card).toHaveTextContent('Activation rate to 40 %');
    expect(await within(card).findByText(/Growth/)).toBeInTheDocument();
    expect(card).toHaveTextContent('by gina');
    expect(card).toHaveTextContent(new Intl.DateTimeFormat(navigator.language, { dateStyle: 'medium' }).format(new Date('2026-08-14T09:30:00Z')));
    expect(within(card).getByRole('link', { name: /Audit trail/ })).toHaveAttribute('href', '/audit/learning/0193a000-0000-7000-8000-00000000a001');
    expect(screen.getByLabelText('Summary')).toHaveTextContent(`${new Intl.NumberFormat(navigator.language).format(1234)} learnings`);
    expect(screen.getByLabelText('Summary')).toHaveTextContent('534 invalidated (learned)');
    expectNoUuid(container);
  });

  it('shows a neutral label when the objective cannot be read, never its id', async () => {
    const { api } = mockApi({
      ...directory,
      'GET /api/v1/objectives/{id}': () => problem(404, 'Objective not found', 'No such objective'),
      'GET /api/v1/learnings': () => ({ body: { items: [learning(1)], nextCursor: null, stats } }),
    });
    const { container } = renderPage(<LearningsPage />, { api, path: '/learnings' });
    expect(await screen.findByRole('link', { name: 'An objective' })).toBeInTheDocument();
    expectNoUuid(container);
  });

  it('says when no learning matches', async () => {
    const { api } = learningsFeed(() => ({ body: { items: [], nextCursor: null, stats: { ...stats, learnings: 0 } } }));
    renderPage(<LearningsPage />, { api, path: '/learnings' });
    expect(await screen.findByText('No learning matches these filters yet.')).toBeInTheDocument();
  });

  it("shows the problem's sentences when the service refuses", async () => {
    const { api } = learningsFeed(() => problem(400, 'Invalid input', 'tag must not be empty'));
    renderPage(<LearningsPage />, { api, path: '/learnings' });
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid input. tag must not be empty.');
  });

  it('reads the filters from the URL: result, tag, team, and the cycle by its name', async () => {
    const { api, calls } = learningsFeed(() => ({ body: { items: [learning(1)], nextCursor: null, stats } }));
    renderPage(<LearningsPage />, { api, path: '/learnings', url: '/learnings?result=invalidated&tag=onboarding&team=growth&cycle=2026-Q3' });
    await screen.findByRole('heading', { name: /Learned:/ });
    const request = calls.find((c) => c.path === '/api/v1/learnings');
    expect(Object.fromEntries(request?.query ?? [])).toEqual({ limit: '25', result: 'invalidated', tag: 'onboarding', teamId: 'growth', cycleId: Q3 });
    expect(screen.getByLabelText('Result')).toHaveValue('invalidated');
    expect(screen.getByLabelText('Cycle')).toHaveValue('2026-Q3');
    expect(calls.filter((c) => c.path === '/api/v1/learnings')).toHaveLength(1);
  });

  it('changes the request and the URL when a filter changes', async () => {
    const { api, calls } = learningsFeed(() => ({ body: { items: [learning(1)], nextCursor: null, stats } }));
    const { router } = renderPage(<LearningsPage />, { api, path: '/learnings' });
    await screen.findByRole('heading', { name: /Learned:/ });
    await screen.findByRole('option', { name: 'Platform' });
    await userEvent.selectOptions(screen.getByLabelText('Result'), 'invalidated');
    await userEvent.selectOptions(screen.getByLabelText('Team'), 'Platform');
    await userEvent.type(screen.getByLabelText('Tag'), 'pricing{Enter}');
    expect(Object.fromEntries(router.state.location.search ? new URLSearchParams(router.state.location.search) : [])).toEqual({ result: 'invalidated', team: 'platform', tag: 'pricing' });
    await screen.findByRole('heading', { name: /Learned:/ });
    const last = calls.filter((c) => c.path === '/api/v1/learnings').at(-1);
    expect(Object.fromEntries(last?.query ?? [])).toEqual({ limit: '25', result: 'invalidated', teamId: 'platform', tag: 'pricing' });
  });

  it('says so when the URL names a cycle that does not exist', async () => {
    const { api, calls } = learningsFeed(() => ({ body: { items: [], nextCursor: null, stats } }));
    renderPage(<LearningsPage />, { api, path: '/learnings', url: '/learnings?cycle=1999-Q1' });
    expect(await screen.findByText(/No cycle is named “1999-Q1”/)).toBeInTheDocument();
    expect(calls.some((c) => c.path === '/api/v1/learnings')).toBe(false);
  });

  it('loads the next page only on "Load more"', async () => {
    const { api, calls } = learningsFeed((req) =>
      req.query.get('cursor') === 'c2'
        ? { body: { items: [learning(2, { result: 'validated', insight: 'Pricing page works' })], nextCursor: null, stats } }
        : { body: { items: [learning(1)], nextCursor: 'c2', stats } },
    );
    renderPage(<LearningsPage />, { api, path: '/learnings' });
    await screen.findByRole('heading', { name: /Learned:/ });
    expect(calls.filter((c) => c.path === '/api/v1/learnings')).toHaveLength(1);
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('heading', { name: 'Confirmed: Pricing page works' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: /Learned:/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });
});
