import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi, problem, type MockHandler } from '../../test/mock-api';
import { expectNoUuid } from '../../test/no-uuid';
import { TEST_SESSION, renderPage } from '../../test/render';
import { TeamPage } from './TeamPage';
import { formatPercent } from '../../ui/format';
import { OBJECTIVE, Q3, Q4, atRisk, cycles, dashboard, dashboardObjective, summary, teams } from './team-fixtures';

const base = (over: Record<string, MockHandler> = {}) =>
  mockApi({
    'GET /api/v1/teams': teams,
    'GET /api/v1/cycles': cycles,
    'GET /api/v1/teams/{teamId}/dashboard': () => dashboard(),
    'GET /api/v1/objectives/{id}/summary': () => summary(),
    'GET /api/v1/at-risk': atRisk,
    ...over,
  });

const render = (api: ReturnType<typeof base>['api'], url = '/teams/growth', session = TEST_SESSION) =>
  renderPage(<TeamPage />, { api, path: '/teams/:teamId', url, session, extraRoutes: [{ path: '/objectives/:objectiveId', element: <p>objective page</p> }] });

describe('the team page', () => {
  it("says it is loading, then shows the current cycle's objectives with progress, confidence, trend, owner, status and every risk reason", async () => {
    const { api, calls } = base();
    render(api);
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    const link = await screen.findByRole('link', { name: 'New customers succeed in their first week' });
    expect(link).toHaveAttribute('href', `/objectives/${OBJECTIVE}`);
    expect(screen.getByRole('heading', { level: 1, name: 'Growth' })).toBeInTheDocument();
    expect(screen.getByLabelText('Cycle')).toHaveValue(Q4);
    const card = link.closest('li') as HTMLElement;
    expect(card).toHaveTextContent('Active');
    expect(await within(card).findByText(/Owner: gina/)).toBeInTheDocument();
    expect(within(card).getByLabelText('Progress of New customers succeed in their first week')).toHaveValue(11);
    const kr = within(card).getByRole('heading', { name: 'Week-1 activation' }).closest('li') as HTMLElement;
    expect(kr).toHaveTextContent('24.5 % · target 40 %');
    expect(within(kr).getByLabelText('Progress of Week-1 activation')).toHaveValue(23);
    expect(kr).toHaveTextContent(formatPercent(0.225));
    expect(kr).toHaveTextContent('3 / 10');
    expect(kr).toHaveTextContent('down from 5 at the previous check-in');
    expect(kr).toHaveTextContent('Owner: omar');
    expect(await within(kr).findByText('Confidence is 3/10, below the threshold of 5/10.')).toBeInTheDocument();
    expect(within(kr).getByText('Progress is 23 % where the pace expects 45 % by now.')).toBeInTheDocument();
    expect(within(kr).getByText('At risk')).toBeInTheDocument();
    const launch = within(card).getByRole('heading', { name: 'Guided import shipped' }).closest('li') as HTMLElement;
    expect(launch).toHaveTextContent('No check-in yet · target done');
    expect(launch).toHaveTextContent('No confidence given yet');
    expect(launch).not.toHaveTextContent('At risk');
    expect(screen.getByText(/1,234 learnings/)).toBeInTheDocument();
    expect(calls.find((c) => c.path.endsWith('/dashboard'))?.query.get('cycleId')).toBe(Q4);
    expect(calls.find((c) => c.path === '/api/v1/at-risk')?.query.get('cycleId')).toBe(Q4);
    expectNoUuid();
  });

  it('keeps the chosen cycle in the URL and shows that cycle', async () => {
    const { api, calls } = base({ 'GET /api/v1/teams/{teamId}/dashboard': (req) => dashboard(req.query.get('cycleId') === Q3 ? [] : [dashboardObjective()], req.query.get('cycleId') ?? Q4) });
    const { router } = render(api);
    await screen.findByRole('link', { name: 'New customers succeed in their first week' });
    await userEvent.selectOptions(screen.getByLabelText('Cycle'), Q3);
    expect(await screen.findByText('This team has no objectives in this cycle yet.')).toBeInTheDocument();
    expect(router.state.location.search).toBe(`?cycle=${Q3}`);
    expect(calls.filter((c) => c.path.endsWith('/dashboard')).map((c) => c.query.get('cycleId'))).toEqual([Q4, Q3]);
    expectNoUuid();
  });

  it('opens on the cycle the URL names', async () => {
    const { api } = base({ 'GET /api/v1/teams/{teamId}/dashboard': (req) => dashboard([], req.query.get('cycleId') ?? Q4) });
    render(api, `/teams/growth?cycle=${Q3}`);
    expect(await screen.findByText('This team has no objectives in this cycle yet.')).toBeInTheDocument();
    expect(screen.getByLabelText('Cycle')).toHaveValue(Q3);
  });

  it("shows the problem's sentences and a retry when the dashboard cannot be read", async () => {
    let fail = true;
    const { api } = base({
      'GET /api/v1/teams/{teamId}/dashboard': () =>
        fail ? problem(503, 'The views are rebuilding', 'Try again in a minute.') : dashboard(),
    });
    render(api);
    expect(await screen.findByRole('alert')).toHaveTextContent('The views are rebuilding. Try again in a minute.');
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'New customers succeed in their first week' })).toBeInTheDocument();
  });

  it('shows a rising confidence in words', async () => {
    const { api } = base({
      'GET /api/v1/objectives/{id}/summary': () => summary({ keyResults: [{ ...summary().body.keyResults[0], recentConfidences: [2, 3] }] }),
    });
    render(api);
    const kr = (await screen.findByRole('heading', { name: 'Week-1 activation' })).closest('li') as HTMLElement;
    expect(await within(kr).findByText(/up from 2 at the previous check-in/)).toBeInTheDocument();
    expect(kr).not.toHaveTextContent('down from');
  });

  it('never shows an owner known only by an id (an identity provider\'s subject), but says the owner is unnamed', async () => {
    const subject = '5f0c2a9e-1b7d-4c3e-9a8f-2d6b1e0c7a41';
    const { api } = base({
      'GET /api/v1/objectives/{id}/summary': () => summary({ ownerId: subject, keyResults: [{ ...summary().body.keyResults[0], ownerId: subject }] }),
    });
    render(api);
    const link = await screen.findByRole('link', { name: 'New customers succeed in their first week' });
    const card = link.closest('li') as HTMLElement;
    expect(await within(card).findByText(/Owner: an unnamed person · Last check-in/)).toBeInTheDocument();
    const kr = within(card).getByRole('heading', { name: 'Week-1 activation' }).closest('li') as HTMLElement;
    expect(kr).toHaveTextContent('Owner: an unnamed person');
    expectNoUuid();
  });

  it('offers no new objective to an auditor (read only)', async () => {
    const { api } = base();
    render(api, '/teams/growth', { ...TEST_SESSION, roles: ['auditor'] });
    await screen.findByRole('link', { name: 'New customers succeed in their first week' });
    expect(screen.queryByRole('button', { name: 'New objective' })).not.toBeInTheDocument();
  });
});
