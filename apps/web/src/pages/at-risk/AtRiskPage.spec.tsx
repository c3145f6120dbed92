import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi, page, problem } from '../../test/mock-api';
import { renderPage } from '../../test/render';
import { AtRiskPage } from './AtRiskPage';
import { expectNoUuid } from '../../test/no-uuid';

const OBJECTIVE = '0193a000-0000-7000-8000-000000000001';

const item = (n: number, over: Record<string, unknown> = {}) => ({
  objectiveId: OBJECTIVE,
  objectiveTitle: 'Make onboarding delightful',
  ownerId: 'gina',
  keyResultId: `0193a000-0000-7000-8000-00000000010${n}`,
  keyResultTitle: `Activation rate ${n}`,
  keyResultOwnerId: 'omar',
  reasons: [
    { code: 'behind-pace', message: 'Progress is 20 % where the pace expects 45 % by now.' },
    { code: 'low-confidence', message: 'Confidence is 3 out of 10.' },
  ],
  teamId: 'growth',
  teamName: 'Growth',
  ...over,
});

const teams = () => page([{ id: 'growth', name: 'Growth', parentTeamId: null, leads: ['gina'] }]);

describe('the at-risk page', () => {
  it('says it is loading, then shows each key result with its objective, team, owner and every reason in words', async () => {
    const { api } = mockApi({ 'GET /api/v1/at-risk': () => page([item(1)]), 'GET /api/v1/teams': teams });
    const { container } = renderPage(<AtRiskPage />, { api, path: '/at-risk' });
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    const card = (await screen.findByRole('heading', { name: 'Activation rate 1' })).closest('li') as HTMLElement;
    expect(within(card).getByRole('link', { name: 'Make onboarding delightful' })).toHaveAttribute('href', `/objectives/${OBJECTIVE}`);
    expect(card).toHaveTextContent('Growth');
    expect(card).toHaveTextContent('Owner: omar');
    expect(card).toHaveTextContent('Progress is 20 % where the pace expects 45 % by now.');
    expect(card).toHaveTextContent('Confidence is 3 out of 10.');
    expectNoUuid(container);
  });

  it("falls back to the objective's owner and the team directory's name, never an id", async () => {
    const { api } = mockApi({
      'GET /api/v1/at-risk': () => page([item(1, { keyResultOwnerId: null, teamName: null })]),
      'GET /api/v1/teams': teams,
    });
    renderPage(<AtRiskPage />, { api, path: '/at-risk' });
    const card = (await screen.findByRole('heading', { name: 'Activation rate 1' })).closest('li') as HTMLElement;
    expect(card).toHaveTextContent('Owner: gina');
    expect(await within(card).findByText(/Growth/)).toBeInTheDocument();
  });

  it('never shows an owner known only by an id (an identity provider\'s subject)', async () => {
    const { api } = mockApi({
      'GET /api/v1/at-risk': () => page([item(1, { keyResultOwnerId: '5f0c2a9e-1b7d-4c3e-9a8f-2d6b1e0c7a41' })]),
      'GET /api/v1/teams': teams,
    });
    const { container } = renderPage(<AtRiskPage />, { api, path: '/at-risk' });
    const card = (await screen.findByRole('heading', { name: 'Activation rate 1' })).closest('li') as HTMLElement;
    expect(card).toHaveTextContent('Owner: an unnamed person');
    expectNoUuid(container);
  });

  it('says that nothing is at risk when the list is empty', async () => {
    const { api } = mockApi({ 'GET /api/v1/at-risk': () => page([]), 'GET /api/v1/teams': teams });
    renderPage(<AtRiskPage />, { api, path: '/at-risk' });
    expect(await screen.findByText(/Nothing is at risk/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it("shows the problem's title and detail as sentences when the service refuses", async () => {
    const { api } = mockApi({
      'GET /api/v1/at-risk': () => problem(503, 'Insights are catching up', 'The at-risk view is being rebuilt'),
      'GET /api/v1/teams': teams,
    });
    renderPage(<AtRiskPage />, { api, path: '/at-risk' });
    expect(await screen.findByRole('alert')).toHaveTextContent('Insights are catching up. The at-risk view is being rebuilt.');
  });

  it('asks for one page at a time and loads the next only on "Load more"', async () => {
    const { api, calls } = mockApi({
      'GET /api/v1/at-risk': (req) => (req.query.get('cursor') === 'next-1' ? page([item(2)]) : page([item(1)], 'next-1')),
      'GET /api/v1/teams': teams,
    });
    renderPage(<AtRiskPage />, { api, path: '/at-risk' });
    await screen.findByRole('heading', { name: 'Activation rate 1' });
    const atRiskCalls = () => calls.filter((c) => c.path === '/api/v1/at-risk');
    expect(atRiskCalls()).toHaveLength(1);
    expect(atRiskCalls()[0]?.query.get('limit')).toBe('25');
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('heading', { name: 'Activation rate 2' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Activation rate 1' })).toBeInTheDocument();
    expect(atRiskCalls()[1]?.query.get('cursor')).toBe('next-1');
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });
});
