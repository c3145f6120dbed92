import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, settled, signedIn } from './support/browser';
import { ARTIFACTS } from './support/platform-process';

describe('audit', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("an auditor exports an objective's audit trail as CSV: who, when, what and why, one row per change", async () => {
    const { page, context } = await signedIn(browser, { user: 'ada', roles: ['auditor'] }, '/learnings');
    await settled(page);
    await page.getByRole('link', { name: 'New customers succeed in their first week' }).first().click();
    await page.waitForURL(/\/objectives\/[^/]+$/);
    const objectiveId = new URL(page.url()).pathname.split('/').pop() as string;
    await page.goto(`/audit/objective/${objectiveId}`);
    await settled(page);
    // The timeline on screen: the mid-quarter target revision with its reason.
    const reason = 'Pricing page redesign moved to Q4; 12% is out of reach without it';
    await page.getByRole('cell', { name: reason }).waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-new-customers-succeed-in-their-first-week-.*\.csv$/);
    const saved = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(saved);
    const csv = (await readFile(saved, 'utf8')).replace(/^\uFEFF/, '');
    const [header = '', ...rows] = csv.trim().split('\r\n');
    const columns = header.split(',');
    expect(columns).toEqual(expect.arrayContaining(['Who', 'What', 'Reason']));
    // Created, three key results added, activated, the target revised, the cycle closed, carried over: one row each.
    expect(rows.length).toBeGreaterThanOrEqual(6);
    const revision = rows.find((row) => row.includes(reason));
    expect(revision).toBeDefined();
    // The person who revised it, by name (the import keeps the original actor).
    expect(revision).toContain('gina');
    await context.close();
  });
});
