import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi, page, problem, type MockHandler } from '../../test/mock-api';
import { renderPage } from '../../test/render';
import { NotificationsPage } from './NotificationsPage';
import { expectNoUuid } from '../../test/no-uuid';

const OBJ = '0193a000-0000-7000-8000-000000000001';
const GONE = '0193a000-0000-7000-8000-0000000000ff';

const services = (follows: MockHandler, extra: Record<string, MockHandler> = {}) =>
  mockApi({
    'GET /api/v1/follows': follows,
    'GET /api/v1/teams': () => page([{ id: 'growth', name: 'Growth', parentTeamId: null, leads: [] }, { id: 'platform', name: 'Platform', parentTeamId: null, leads: [] }]),
    'GET /api/v1/objectives/{id}': (req) => (req.params['id'] === OBJ ? { body: { id: OBJ, title: 'Make onboarding delightful', keyResults: [] } } : problem(404, 'Not found', 'No such objective')),
    ...extra,
  });
const open = (mock: ReturnType<typeof services>) => renderPage(<NotificationsPage />, { api: mock.api, path: '/notifications', url: '/notifications?tab=follows' });

describe('the notifications page: follows', () => {
  it('lists what the person follows by title and name, never an id', async () => {
    const mock = services(() =>
      page([
        { kind: 'objective', targetId: OBJ, since: '2026-08-01T10:00:00.000Z' },
        { kind: 'team', targetId: 'growth', since: '2026-08-02T10:00:00.000Z' },
        { kind: 'objective', targetId: GONE, since: '2026-08-03T10:00:00.000Z' },
      ]),
    );
    const { container } = open(mock);
    expect(await screen.findByRole('link', { name: 'Make onboarding delightful' })).toHaveAttribute('href', `/objectives/${OBJ}`);
    expect(await screen.findByRole('link', { name: 'Growth' })).toHaveAttribute('href', '/teams/growth');
    expect(await screen.findByRole('link', { name: 'An objective' })).toBeInTheDocument();
    expectNoUuid(container);
  });

  it('unfollows, then shows the list as the service now has it', async () => {
    let follows = [{ kind: 'team', targetId: 'growth', since: '2026-08-02T10:00:00.000Z' }];
    const mock = services(() => page(follows), {
      'DELETE /api/v1/follows/{kind}/{targetId}': () => ((follows = []), { status: 204 }),
    });
    open(mock);
    await userEvent.click(await screen.findByRole('button', { name: 'Unfollow Growth' }));
    expect(await screen.findByText('You follow nothing yet.')).toBeInTheDocument();
    expect(mock.calls.find((c) => c.method === 'DELETE')?.params).toEqual({ kind: 'team', targetId: 'growth' });
  });

  it('follows a team chosen by name', async () => {
    const mock = services(() => page([]), { 'POST /api/v1/follows': (req) => ({ status: 201, body: { ...(req.body as object), since: '2026-08-04T10:00:00.000Z' } }) });
    open(mock);
    await screen.findByText('You follow nothing yet.');
    await screen.findByRole('option', { name: 'Platform' });
    await userEvent.selectOptions(screen.getByLabelText('Team to follow'), 'Platform');
    await userEvent.click(within(screen.getByRole('form', { name: 'Follow a team' })).getByRole('button', { name: 'Follow' }));
    await waitFor(() => expect(mock.calls.filter((c) => c.path === '/api/v1/follows' && c.method === 'GET')).toHaveLength(2));
    expect(mock.calls.find((c) => c.method === 'POST')?.body).toEqual({ kind: 'team', targetId: 'platform' });
    expect(screen.getByLabelText('Team to follow')).toHaveValue('');
  });

  it('follows an objective found by words of its title, leaving out what is already followed', async () => {
    const other = '0193a000-0000-7000-8000-000000000002';
    const item = (id: string, title: string) => ({ id, title, cycleId: 'c', teamId: 'growth', ownerId: 'gina', status: 'active', keyResultCount: 1, createdAt: '2026-07-01T00:00:00Z', updatedAt: '2026-07-01T00:00:00Z', revision: 1 });
    const mock = services(() => page([{ kind: 'objective', targetId: OBJ, since: '2026-08-01T10:00:00.000Z' }]), {
      'GET /api/v1/objectives': () => page([item(OBJ, 'Make onboarding delightful'), item(other, 'Make onboarding faster')]),
      'POST /api/v1/follows': (req) => ({ status: 201, body: { ...(req.body as object), since: '2026-08-04T10:00:00.000Z' } }),
    });
    const { container } = open(mock);
    await screen.findByRole('link', { name: 'Make onboarding delightful' });
    await userEvent.type(screen.getByLabelText('Objective to follow'), 'onboarding{Enter}');
    const matches = await screen.findByRole('list', { name: 'Matching objectives' });
    expect(within(matches).queryByText(/delightful/)).not.toBeInTheDocument();
    expect(within(matches).getByText(/Growth/)).toBeInTheDocument();
    await userEvent.click(within(matches).getByRole('button', { name: 'Follow Make onboarding faster' }));
    await waitFor(() => expect(mock.calls.find((c) => c.method === 'POST')?.body).toEqual({ kind: 'objective', targetId: other }));
    expect(Object.fromEntries(mock.calls.find((c) => c.path === '/api/v1/objectives')?.query ?? [])).toEqual({ q: 'onboarding', limit: '10' });
    expectNoUuid(container);
  });

  it("shows the problem's sentences when the list cannot be read", async () => {
    open(services(() => problem(503, 'Unavailable', 'Try again later')));
    expect(await screen.findByRole('alert')).toHaveTextContent('Unavailable. Try again later.');
  });

  it("shows the problem's sentences when following fails", async () => {
    const mock = services(() => page([]), { 'POST /api/v1/follows': () => problem(404, 'Not found', 'No such team in this tenant') });
    open(mock);
    await screen.findByRole('option', { name: 'Growth' });
    await userEvent.selectOptions(screen.getByLabelText('Team to follow'), 'Growth');
    await userEvent.click(within(screen.getByRole('form', { name: 'Follow a team' })).getByRole('button', { name: 'Follow' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Not found. No such team in this tenant.');
  });
});
