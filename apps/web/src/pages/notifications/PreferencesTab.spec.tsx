import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi, problem, type MockHandler } from '../../test/mock-api';
import { renderPage } from '../../test/render';
import { NotificationsPage } from './NotificationsPage';

const prefs = {
  userId: 'alice',
  timeZone: 'Europe/Paris',
  mutedRules: ['question-asked'],
  quietHours: null,
  digest: false,
  digestAt: '09:00',
  email: 'alice@example.com',
  chat: { format: 'slack', url: 'https://hooks.slack.com/…' },
  updatedAt: '2026-08-01T10:00:00.000Z',
};

const open = (put: MockHandler, get: MockHandler = () => ({ body: prefs })) => {
  const mock = mockApi({ 'GET /api/v1/preferences': get, 'PUT /api/v1/preferences': put });
  renderPage(<NotificationsPage />, { api: mock.api, path: '/notifications', url: '/notifications?tab=preferences' });
  return mock;
};

describe('the notifications page: preferences', () => {
  it('shows the current preferences in a labelled form', async () => {
    open(() => ({ body: prefs }));
    expect(screen.getByRole('tab', { name: 'Preferences' })).toHaveAttribute('aria-selected', 'true');
    expect(await screen.findByLabelText('Time zone')).toHaveValue('Europe/Paris');
    expect(screen.getByLabelText(/Hold email and chat messages/)).not.toBeChecked();
    expect(screen.getByLabelText(/One daily digest/)).not.toBeChecked();
    expect(screen.getByLabelText('Mute questions asked')).toBeChecked();
    expect(screen.getByLabelText('Mute key results at risk')).not.toBeChecked();
  });

  it('sends the whole preferences, keeping the email and leaving the chat channel as it is', async () => {
    const { calls } = open((req) => ({ body: { ...prefs, ...(req.body as object), updatedAt: '2026-08-02T10:00:00.000Z' } }));
    await userEvent.click(await screen.findByLabelText(/Hold email and chat messages/));
    await userEvent.clear(screen.getByLabelText('From'));
    await userEvent.type(screen.getByLabelText('From'), '21:30');
    await userEvent.click(screen.getByLabelText(/One daily digest/));
    await userEvent.click(screen.getByLabelText('Mute key results at risk'));
    await userEvent.click(screen.getByLabelText('Mute questions asked'));
    await userEvent.click(screen.getByRole('button', { name: 'Save preferences' }));
    expect(await screen.findByText('Preferences saved.')).toBeInTheDocument();
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.body).toEqual({
      timeZone: 'Europe/Paris',
      mutedRules: ['at-risk'],
      quietHours: { start: '21:30', end: '07:00' },
      digest: true,
      digestAt: '09:00',
      email: 'alice@example.com',
    });
  });

  it("shows a 400's field errors beside their fields", async () => {
    open(() =>
      problem(400, 'Invalid input', 'Some fields are not valid', [
        { field: 'timeZone', message: 'timeZone must be an IANA time zone such as Europe/Paris' },
        { field: 'quietHours.end', message: 'end must be HH:MM' },
      ]),
    );
    const zone = await screen.findByLabelText('Time zone');
    await userEvent.clear(zone);
    await userEvent.type(zone, 'Mars/Olympus');
    await userEvent.click(screen.getByLabelText(/Hold email and chat messages/));
    await userEvent.click(screen.getByRole('button', { name: 'Save preferences' }));
    expect(await screen.findByText('timeZone must be an IANA time zone such as Europe/Paris')).toBeInTheDocument();
    expect(screen.getByLabelText('Time zone')).toHaveAccessibleDescription('timeZone must be an IANA time zone such as Europe/Paris');
    expect(screen.getByLabelText('Until')).toHaveAccessibleDescription('end must be HH:MM');
    expect(screen.getByRole('alert')).toHaveTextContent('Some preferences need another look');
    expect(screen.queryByText('Preferences saved.')).not.toBeInTheDocument();
  });

  it("shows a problem without field errors as sentences", async () => {
    open(() => problem(403, 'Forbidden', 'Your role cannot change preferences'));
    await userEvent.click(await screen.findByRole('button', { name: 'Save preferences' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Forbidden. Your role cannot change preferences.');
  });

  it("shows the problem's sentences when the preferences cannot be read", async () => {
    open(() => ({ body: prefs }), () => problem(500, 'Internal error', 'Something broke'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Internal error. Something broke.');
  });
});
