import { startFakeOidcIssuer, type FakeOidcIssuer } from '@okr/platform/testing';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, launchChromium, settled } from './support/browser';
import { startPlatformProcess, type PlatformProcess } from './support/platform-process';

/** The tab's session as the web app keeps it. */
async function sessionToken(page: Page): Promise<string | null> {
  const stored = await page.evaluate<string | null>("sessionStorage.getItem('okr.session')");
  return stored ? ((JSON.parse(stored) as { token?: string }).token ?? null) : null;
}

/** Polls what a test waits for (an event of the identity provider), never a duration. */
async function until(what: string, probe: () => boolean | Promise<boolean>, stallMs = 120_000): Promise<void> {
  const deadline = Date.now() + stallMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('signing in with OpenID Connect (production mode): authorization code with PKCE, renewal, sign-out', () => {
  let issuer: FakeOidcIssuer;
  let platform: PlatformProcess;
  let browser: Browser;

  beforeAll(async () => {
    // Access tokens of 70 s: oidc-client-ts renews one a minute before it expires, so a renewal comes soon.
    issuer = await startFakeOidcIssuer({ user: { sub: 'nina', tenant: 'acme', roles: ['leader'], teams: ['growth'] }, accessTokenSeconds: 70 });
    platform = await startPlatformProcess({
      demo: false,
      logName: 'platform-oidc.log',
      env: { OKR_AUTH_MODE: 'oidc', OKR_OIDC_ISSUER: issuer.url, OKR_OIDC_AUDIENCE: issuer.audience, OKR_OIDC_CLIENT_ID: issuer.clientId },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await issuer?.close();
  });

  it('the embedded sign-in endpoint does not exist', async () => {
    const res = await fetch(`${platform.url}/api/v1/auth/embedded-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'acme', user: 'mallory', roles: ['admin'], teams: [] }),
    });
    expect(res.status).toBe(404);
  });

  it('a person signs in at the provider, uses the app with its token, keeps working across a renewal, and signs out everywhere', async () => {
    const context = await browser.newContext({ baseURL: platform.url, viewport: DESKTOP, locale: 'en-GB' });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    await page.goto('/at-risk');
    await page.waitForURL(/\/sign-in\?next=%2Fat-risk$/);
    // No embedded form in this mode: the provider is named and one button leads there.
    await page.getByText(new URL(issuer.url).host).waitFor();
    expect(await page.getByLabel('Tenant').count()).toBe(0);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // The provider approves at once and sends the browser back with a code, exchanged with the PKCE verifier.
    await page.waitForURL(/\/at-risk$/);
    await settled(page);
    expect(issuer.counts).toMatchObject({ authorizations: 1, codeExchanges: 1 });
    await page.getByText('nina').first().waitFor();
    // The services accepted the provider's token: the page shows its answer, not a refusal.
    expect(await page.getByRole('alert').count()).toBe(0);

    const first = await sessionToken(page);
    await until('a renewal with the refresh token', () => issuer.counts.refreshes >= 1);
    await until('the renewed token becoming the session', async () => (await sessionToken(page)) !== first);
    await page.getByRole('link', { name: 'Learnings' }).click();
    await settled(page);
    expect(await page.getByRole('alert').count()).toBe(0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    expect(issuer.counts.signOuts).toBe(1);
    expect(await sessionToken(page)).toBeNull();
    await context.close();
  });
});
