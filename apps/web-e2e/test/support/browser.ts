import AxeBuilder from '@axe-core/playwright';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ARTIFACTS } from './platform-process';

/** The platform under test (global setup). */
export function platformUrl(): string {
  const url = process.env['OKR_WEB_E2E_URL'];
  if (!url) throw new Error('OKR_WEB_E2E_URL is unset: run this suite through its Jest config (apps/web-e2e/jest.config.cjs)');
  return url;
}

/**
 * Debian's Chromium (`apt-get install chromium`): Playwright's own browser downloads cannot work here.
 * Without the background-networking flags Chromium floods a closed network with refused connections.
 */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** A person at the app: each gets a context of their own (sessions live in the tab's sessionStorage). */
export interface Visitor {
  context: BrowserContext;
  page: Page;
}

export async function visit(browser: Browser, path = '/'): Promise<Visitor> {
  const context = await browser.newContext({ baseURL: platformUrl(), viewport: DESKTOP, acceptDownloads: true, locale: 'en-GB', timezoneId: 'Europe/Paris' });
  // What a page shows arrives when the machine gets to it: waits are for the page, never for a duration.
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  await page.goto(path);
  return { context, page };
}

export interface Person {
  tenant?: string;
  user: string;
  teams?: string[];
  roles?: string[];
}

/** Signs in through the embedded sign-in form, by its labels, and waits until the app has left it. */
export async function signIn(page: Page, person: Person): Promise<void> {
  if (!page.url().includes('/sign-in')) await page.goto('/sign-in');
  await page.getByLabel('Tenant').fill(person.tenant ?? 'acme');
  await page.getByLabel('User').fill(person.user);
  await page.getByLabel('Teams').fill((person.teams ?? []).join(', '));
  await page.getByLabel('Roles').fill((person.roles ?? ['member']).join(', '));
  await page.getByRole('button', { name: 'Sign in' }).click();
  const signOut = page.getByRole('button', { name: 'Sign out' });
  const refusal = page.getByRole('alert');
  await signOut.or(refusal).first().waitFor();
  if (!(await signOut.isVisible())) throw new Error(`Signing in as ${person.user} was refused: ${await refusal.first().innerText()}`);
}

export async function signedIn(browser: Browser, person: Person, path = '/sign-in'): Promise<Visitor> {
  const visitor = await visit(browser, '/sign-in');
  await signIn(visitor.page, person);
  if (path !== '/sign-in') await visitor.page.goto(path);
  return visitor;
}

/** Waits until the page has its title and nothing is loading any more. */
export async function settled(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.locator('.state-loading').first().waitFor({ state: 'detached' });
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The UUIDs a person can read on the page (its visible text), if any. */
export async function visibleUuids(page: Page): Promise<string[]> {
  const text = await page.locator('body').innerText();
  return text.split('\n').filter((line) => UUID.test(line));
}

/** Axe-core's serious and critical violations, each as one readable line (rule, help, where). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Full-page screenshots at desktop and phone width into artifacts/web/<name>.<width>.png. */
export async function screenshots(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(ARTIFACTS, `${name}.${viewport.width}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

/** How wide the page is laid out at phone width (390 px): more means a person scrolls sideways. */
export async function widthAtPhoneSize(page: Page): Promise<number> {
  await page.setViewportSize(PHONE);
  try {
    // Charts follow their container through a ResizeObserver: measure once two frames have been laid out.
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
    return Number(await page.evaluate('document.documentElement.scrollWidth'));
  } finally {
    await page.setViewportSize(DESKTOP);
  }
}
