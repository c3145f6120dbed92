import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi, page, problem, type MockHandler } from '../../test/mock-api';
import { expectNoUuid } from '../../test/no-uuid';
import { renderPage } from '../../test/render';
import { AlignmentPage } from './AlignmentPage';

const id = (n: number) => `0193a000-0000-7000-8000-00000000000${n}`;
const Q4 = '0193c000-0000-7000-8000-000000000001';
const Q3 = '0193c000-0000-7000-8000-000000000002';

const node = (n: number, title: string, teamName: string | null, rolledUpProgress: number | null, children: unknown[] = []) => ({
  id: id(n),
  title,
  teamId: teamName?.toLowerCase() ?? null,
  teamName,
  parentTeamId: null,
  cycleId: Q4,
  status: 'active',
  progress: rolledUpProgress ?? 0,
  rolledUpProgress,
  children,
});

const tree = {
  roots: [
    node(1, 'Customers love the product', 'Company', 0.45, [
      node(2, 'New customers succeed in their first week', 'Growth', 0.3),
      node(3, 'Support answers within the hour', 'Support', 0.6),
    ]),
  ],
};

const cycles = () =>
  page([
    { id: Q4, name: '2026 Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', status: 'active' },
    { id: Q3, name: '2026 Q3', startsOn: '2026-07-01', endsOn: '2026-09-30', status: 'closed' },
  ]);

const atRisk = () =>
  page([
    {
      objectiveId: id(2),
      objectiveTitle: 'New customers succeed in their first week',
      ownerId: 'gina',
      keyResultId: id(9),
      keyResultTitle: 'Activation rate',
      keyResultOwnerId: 'omar',
      reasons: [{ code: 'low-confidence', message: 'Confidence is 3 out of 10.' }],
      teamId: 'growth',
      teamName: 'Growth',
    },
  ]);

const handlers = (over: Record<string, MockHandler> = {}) => ({
  'GET /api/v1/cycles': cycles,
  'GET /api/v1/alignment-tree': () => ({ body: tree }),
  'GET /api/v1/at-risk': atRisk,
  ...over,
});

describe('the alignment map', () => {
  it('says it is loading, then shows company objectives down to team objectives with names, rolled-up progress and the at-risk marker', async () => {
    const { api, calls } = mockApi(handlers());
    const { container } = renderPage(<AlignmentPage />, { api, path: '/alignment' });
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    const top = await screen.findByRole('link', { name: 'Customers love the product' });
    expect(top).toHaveAttribute('href', `/objectives/${id(1)}`);
    expect(screen.getByRole('progressbar', { name: 'Progress of Customers love the product' })).toHaveAttribute('aria-valuenow', '45');
    const growth = screen.getByRole('link', { name: 'New customers succeed in their first week' }).closest('li') as HTMLElement;
    expect(growth).toHaveTextContent('Growth');
    expect(growth).toHaveTextContent('30');
    expect(await within(growth).findByText('At risk')).toBeInTheDocument();
    expect(growth).toHaveTextContent('Activation rate: Confidence is 3 out of 10.');
    const support = screen.getByRole('link', { name: 'Support answers within the hour' }).closest('li') as HTMLElement;
    expect(within(support).queryByText('At risk')).not.toBeInTheDocument();
    // The current cycle is asked for by default.
    expect(calls.find((c) => c.path === '/api/v1/alignment-tree')?.query.get('cycleId')).toBe(Q4);
    expectNoUuid(container);
  });

  it('folds and unfolds the objectives aligned below one, from the keyboard', async () => {
    const { api } = mockApi(handlers());
    renderPage(<AlignmentPage />, { api, path: '/alignment' });
    const toggle = await screen.findByRole('button', { name: /Hide the 2 objectives aligned to Customers love the product/ });
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    toggle.focus();
    await userEvent.keyboard('{Enter}');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('link', { name: 'Support answers within the hour' })).not.toBeInTheDocument();
    await userEvent.keyboard(' ');
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByRole('link', { name: 'Support answers within the hour' })).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Collapse all' }));
    expect(screen.queryByRole('link', { name: 'New customers succeed in their first week' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Expand all' }));
    expect(screen.getByRole('link', { name: 'New customers succeed in their first week' })).toBeVisible();
  });

  it('keeps the chosen cycle in the URL and asks for its tree', async () => {
    const { api, calls } = mockApi(handlers());
    const { router } = renderPage(<AlignmentPage />, { api, path: '/alignment' });
    await screen.findByRole('link', { name: 'Customers love the product' });
    await userEvent.selectOptions(screen.getByLabelText('Cycle'), Q3);
    expect(router.state.location.search).toBe(`?cycle=${Q3}`);
    await screen.findByRole('link', { name: 'Customers love the product' });
    expect(calls.filter((c) => c.path === '/api/v1/alignment-tree').map((c) => c.query.get('cycleId'))).toContain(Q3);
  });

  it('opens the cycle of a deep link without waiting for the cycles', async () => {
    const { api, calls } = mockApi(handlers());
    renderPage(<AlignmentPage />, { api, path: '/alignment', url: `/alignment?cycle=${Q3}` });
    await screen.findByRole('link', { name: 'Customers love the product' });
    expect(calls.find((c) => c.path === '/api/v1/alignment-tree')?.query.get('cycleId')).toBe(Q3);
  });

  it('says so when the cycle has no objective yet', async () => {
    const { api } = mockApi(handlers({ 'GET /api/v1/alignment-tree': () => ({ body: { roots: [] } }), 'GET /api/v1/at-risk': () => page([]) }));
    renderPage(<AlignmentPage />, { api, path: '/alignment' });
    expect(await screen.findByText('No objective in this cycle yet.')).toBeInTheDocument();
  });

  it("shows the service's problem in sentences and tries again on request", async () => {
    let fail = true;
    const { api } = mockApi(
      handlers({
        'GET /api/v1/alignment-tree': () => (fail ? problem(503, 'Service unavailable', 'The read store is not reachable right now') : { body: tree }),
      }),
    );
    renderPage(<AlignmentPage />, { api, path: '/alignment' });
    expect(await screen.findByRole('alert')).toHaveTextContent('Service unavailable. The read store is not reachable right now.');
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'Customers love the product' })).toBeInTheDocument();
  });

  it('shows a dash for an objective with nothing measured yet', async () => {
    const { api } = mockApi(handlers({ 'GET /api/v1/alignment-tree': () => ({ body: { roots: [node(4, 'Hire the platform team', null, null)] } }) }));
    renderPage(<AlignmentPage />, { api, path: '/alignment' });
    const item = (await screen.findByRole('link', { name: 'Hire the platform team' })).closest('li') as HTMLElement;
    expect(item).toHaveTextContent('No team');
    expect(item).toHaveTextContent('—');
    expect(within(item).getByRole('progressbar')).toHaveAttribute('aria-valuetext', 'not measured yet');
  });
});
