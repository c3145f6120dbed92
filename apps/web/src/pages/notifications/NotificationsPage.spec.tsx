import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi, page, problem, type MockHandler } from '../../test/mock-api';
import { renderPage } from '../../test/render';
import { NotificationsPage } from './NotificationsPage';
import { withoutIds } from './notification-words';
import { expectNoUuid } from '../../test/no-uuid';

const OBJ = '0193a000-0000-7000-8000-000000000001';
const KR = '0193a000-0000-7000-8000-000000000101';

const notification = (n: number, over: Record<string, unknown> = {}) => ({
  id: `0193a000-0000-7000-8000-0000000b000${n}`,
  rule: 'at-risk',
  subject: `"Activation rate" is at risk (${n})`,
  body: '"Activation rate" is at risk: progress is behind the expected pace.',
  objectiveId: OBJ,
  keyResultId: KR,
  createdAt: '2026-08-20T14:30:00.000Z',
  ...over,
});

const services = (inbox: MockHandler) =>
  mockApi({
    'GET /api/v1/notifications': inbox,
    'GET /api/v1/objectives/{id}': () => ({ body: { id: OBJ, title: 'Make onboarding delightful', keyResults: [{ id: KR, title: 'Activation rate' }] } }),
  });

describe('the notifications page: inbox', () => {
  it('shows each notification in words, its time in the reader’s zone and a link to its objective by title', async () => {
    const { api } = services(() => page([notification(1)]));
    const { container } = renderPage(<NotificationsPage />, { api, path: '/notifications' });
    expect(screen.getByRole('tab', { name: 'Inbox' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    const card = (await screen.findByRole('heading', { name: '"Activation rate" is at risk (1)' })).closest('li') as HTMLElement;
    expect(card).toHaveTextContent('Key results at risk');
    expect(card).toHaveTextContent('progress is behind the expected pace');
    expect(card).toHaveTextContent(new Intl.DateTimeFormat(navigator.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date('2026-08-20T14:30:00Z')));
    expect(await within(card).findByRole('link', { name: 'Make onboarding delightful' })).toHaveAttribute('href', `/objectives/${OBJ}`);
    expectNoUuid(container);
  });

  it('never shows the ids a notification text fell back to', async () => {
    const { api } = services(() => page([notification(1, { subject: `Time to check in on key result ${KR}`, body: `No check-in on key result ${KR} for 14 days.` })]));
    const { container } = renderPage(<NotificationsPage />, { api, path: '/notifications' });
    expect(await screen.findByRole('heading', { name: 'Time to check in on an unnamed key result' })).toBeInTheDocument();
    expectNoUuid(container);
    expect(withoutIds(`Objective ${OBJ} graded; see ${KR}`)).toBe('An unnamed objective graded; see (unnamed)');
  });

  it('says when the inbox is empty', async () => {
    const { api } = services(() => page([]));
    renderPage(<NotificationsPage />, { api, path: '/notifications' });
    expect(await screen.findByText(/No notifications yet/)).toBeInTheDocument();
  });

  it("shows the problem's sentences when the inbox cannot be read", async () => {
    const { api } = services(() => problem(503, 'Notifications are unavailable', 'The store is not reachable'));
    renderPage(<NotificationsPage />, { api, path: '/notifications' });
    expect(await screen.findByRole('alert')).toHaveTextContent('Notifications are unavailable. The store is not reachable.');
  });

  it('loads older notifications only on "Load more"', async () => {
    const { api, calls } = services((req) => (req.query.get('cursor') === 'older' ? page([notification(2)]) : page([notification(1)], 'older')));
    renderPage(<NotificationsPage />, { api, path: '/notifications' });
    await screen.findByRole('heading', { name: /at risk \(1\)/ });
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('heading', { name: /at risk \(2\)/ })).toBeInTheDocument();
    expect(calls.filter((c) => c.path === '/api/v1/notifications').map((c) => c.query.get('cursor'))).toEqual([null, 'older']);
  });

  it('keeps the open tab in the URL', async () => {
    const { api } = mockApi({
      'GET /api/v1/notifications': () => page([]),
      'GET /api/v1/follows': () => page([]),
      'GET /api/v1/teams': () => page([]),
    });
    const { router } = renderPage(<NotificationsPage />, { api, path: '/notifications' });
    await userEvent.click(screen.getByRole('tab', { name: 'Follows' }));
    expect(router.state.location.search).toBe('?tab=follows');
    expect(await screen.findByText('You follow nothing yet.')).toBeInTheDocument();
  });
});
