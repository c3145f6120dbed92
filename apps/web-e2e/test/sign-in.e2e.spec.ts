import type { Browser } from 'playwright-core';
import { launchChromium, settled, signIn, visit } from './support/browser';

describe('signing in (embedded mode)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("a team member signs in with the labelled fields and lands on their team's page", async () => {
    const { page, context } = await visit(browser, '/');
    await page.waitForURL(/\/sign-in/);
    await signIn(page, { user: 'gina', teams: ['growth'], roles: ['member'] });
    await page.waitForURL(/\/teams\/growth$/);
    await settled(page);
    await page.getByRole('link', { name: 'My team' }).waitFor();
    // Who is signed in, by name and team name (the registry's "Growth"), never an id.
    await page.getByText('gina · Growth').waitFor();
    await context.close();
  });

  it('a deep link asked before signing in is where the person lands afterwards', async () => {
    const { page, context } = await visit(browser, '/learnings?result=invalidated');
    await page.waitForURL(/\/sign-in\?next=/);
    await signIn(page, { user: 'paul', teams: ['platform'] });
    await page.waitForURL(/\/learnings\?result=invalidated$/);
    await context.close();
  });

  it('signing out ends the session: the pages ask to sign in again', async () => {
    const { page, context } = await visit(browser, '/sign-in');
    await signIn(page, { user: 'gina', teams: ['growth'] });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.goto('/alignment');
    await page.waitForURL(/\/sign-in\?next=%2Falignment$/);
    await context.close();
  });
});
