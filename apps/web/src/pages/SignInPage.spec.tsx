import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi, problem } from '../test/mock-api';
import { renderPage } from '../test/render';
import { SignInPage } from './SignInPage';

describe('the sign-in page', () => {
  it('has the labelled fields a person fills in', () => {
    renderPage(<SignInPage />, { api: mockApi({}).api, path: '/sign-in', session: null });
    for (const label of ['Tenant', 'User', 'Teams', 'Roles']) expect(screen.getByLabelText(label)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  it('goes straight on when already signed in', async () => {
    const { router } = renderPage(<SignInPage />, { api: mockApi({}).api, path: '/sign-in', url: '/sign-in?next=%2Flearnings' });
    await screen.findByText('elsewhere');
    expect(router.state.location.pathname).toBe('/learnings');
  });

  it('never follows a next= that leaves the site', async () => {
    const { router } = renderPage(<SignInPage />, { api: mockApi({}).api, path: '/sign-in', url: '/sign-in?next=%2F%2Fevil.example' });
    await screen.findByText('elsewhere');
    expect(router.state.location.pathname).toBe('/');
  });

  it('says in a sentence why signing in failed, and the field at fault beside it', async () => {
    const { api } = mockApi({
      'POST /api/v1/auth/embedded-tokens': () =>
        problem(400, 'Validation failed', 'roles[0] must be one of admin, leader, member, auditor', [{ field: 'roles[0]', message: 'roles[0] must be one of admin, leader, member, auditor' }]),
    });
    renderPage(<SignInPage />, { api, path: '/sign-in', session: null });
    await userEvent.type(screen.getByLabelText('User'), 'alice');
    await userEvent.clear(screen.getByLabelText('Roles'));
    await userEvent.type(screen.getByLabelText('Roles'), 'boss');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Validation failed. roles[0] must be one of admin, leader, member, auditor.');
  });

  it('signs in with what the person typed and goes where they were going', async () => {
    const { api, calls } = mockApi({
      'POST /api/v1/auth/embedded-tokens': () => ({ status: 201, body: { token: 'a.b.c', expiresAt: '2999-01-01T00:00:00.000Z' } }),
    });
    const { router } = renderPage(<SignInPage />, { api, path: '/sign-in', url: '/sign-in?next=%2Fat-risk', session: null });
    await userEvent.type(screen.getByLabelText('User'), 'bea');
    await userEvent.type(screen.getByLabelText('Teams'), 'growth, platform');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByText('elsewhere');
    expect(router.state.location.pathname).toBe('/at-risk');
    expect(calls[0]?.body).toEqual({ tenant: 'acme', user: 'bea', teams: ['growth', 'platform'], roles: ['member'] });
    expect(JSON.parse(sessionStorage.getItem('okr.session') ?? '{}')).toMatchObject({ token: 'a.b.c', user: 'bea', teams: ['growth', 'platform'] });
  });
});
