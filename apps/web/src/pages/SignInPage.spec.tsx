import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { mockApi, problem, type MockHandler } from '../test/mock-api';

const signinRedirect = vi.fn(async (_args?: unknown) => undefined);
vi.mock('../auth/user-managers', () => ({ userManagerFor: () => ({ signinRedirect }) }));

const embedded: Record<string, MockHandler> = { 'GET /api/v1/auth/config': () => ({ body: { mode: 'embedded' } }) };
import { renderPage } from '../test/render';
import { SignInPage } from './SignInPage';

describe('the sign-in page', () => {
  it('has the labelled fields a person fills in', async () => {
    renderPage(<SignInPage />, { api: mockApi(embedded).api, path: '/sign-in', session: null });
    for (const label of ['Tenant', 'User', 'Teams', 'Roles']) expect(await screen.findByLabelText(label)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  it('goes straight on when already signed in', async () => {
    const { router } = renderPage(<SignInPage />, { api: mockApi(embedded).api, path: '/sign-in', url: '/sign-in?next=%2Flearnings' });
    await screen.findByText('elsewhere');
    expect(router.state.location.pathname).toBe('/learnings');
  });

  it('never follows a next= that leaves the site', async () => {
    const { router } = renderPage(<SignInPage />, { api: mockApi(embedded).api, path: '/sign-in', url: '/sign-in?next=%2F%2Fevil.example' });
    await screen.findByText('elsewhere');
    expect(router.state.location.pathname).toBe('/');
  });

  it('says in a sentence why signing in failed, and the field at fault beside it', async () => {
    const { api } = mockApi({
      ...embedded,
      'POST /api/v1/auth/embedded-tokens': () =>
        problem(400, 'Validation failed', 'roles[0] must be one of admin, leader, member, auditor', [{ field: 'roles[0]', message: 'roles[0] must be one of admin, leader, member, auditor' }]),
    });
    renderPage(<SignInPage />, { api, path: '/sign-in', session: null });
    await userEvent.type(await screen.findByLabelText('User'), 'alice');
    await userEvent.clear(screen.getByLabelText('Roles'));
    await userEvent.type(screen.getByLabelText('Roles'), 'boss');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Validation failed. roles[0] must be one of admin, leader, member, auditor.');
  });

  it('signs in with what the person typed and goes where they were going', async () => {
    const { api, calls } = mockApi({
      ...embedded,
      'POST /api/v1/auth/embedded-tokens': () => ({ status: 201, body: { token: 'a.b.c', expiresAt: '2999-01-01T00:00:00.000Z' } }),
    });
    const { router } = renderPage(<SignInPage />, { api, path: '/sign-in', url: '/sign-in?next=%2Fat-risk', session: null });
    await userEvent.type(await screen.findByLabelText('User'), 'bea');
    await userEvent.type(screen.getByLabelText('Teams'), 'growth, platform');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByText('elsewhere');
    expect(router.state.location.pathname).toBe('/at-risk');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ tenant: 'acme', user: 'bea', teams: ['growth', 'platform'], roles: ['member'] });
    expect(JSON.parse(sessionStorage.getItem('okr.session') ?? '{}')).toMatchObject({ token: 'a.b.c', user: 'bea', teams: ['growth', 'platform'] });
  });

  it('sends the person to the organisation’s identity provider in OpenID Connect mode, with where they were going', async () => {
    const { api } = mockApi({
      'GET /api/v1/auth/config': () => ({ body: { mode: 'oidc', oidc: { issuer: 'https://id.example.com', clientId: 'okr-web', claims: { tenant: 'tenant', roles: 'roles', teams: 'teams' } } } }),
    });
    renderPage(<SignInPage />, { api, path: '/sign-in', url: '/sign-in?next=%2Freplay', session: null });
    expect(await screen.findByText(/id\.example\.com/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Tenant')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(signinRedirect).toHaveBeenCalledWith({ state: { next: '/replay' } });
  });

  it('says so when the server cannot tell how to sign in', async () => {
    const { api } = mockApi({ 'GET /api/v1/auth/config': () => problem(503, 'Service unavailable', 'goals is not answering') });
    renderPage(<SignInPage />, { api, path: '/sign-in', session: null });
    expect(await screen.findByRole('alert')).toHaveTextContent('Service unavailable. goals is not answering.');
  });
});
