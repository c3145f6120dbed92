import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi } from '../test/mock-api';
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

  it('says in a sentence why signing in failed', async () => {
    renderPage(<SignInPage />, { api: mockApi({}).api, path: '/sign-in', session: null });
    await userEvent.type(screen.getByLabelText('User'), 'alice');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/\.$/);
  });
});
