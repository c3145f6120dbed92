import type { Browser, Page } from 'playwright-core';
import { launchChromium, seriousViolations, settled, signedIn, type Visitor } from './support/browser';

/**
 * A team member's quarter in the browser, in order: set an objective with a key result, check in with
 * low confidence and see it at risk with the reason in words, revise a target, and replay the quarter to
 * before the revision. Each step builds on the previous one (one person, one tab).
 */
describe("a team member's goals", () => {
  const objective = 'Trials convert without a sales call';
  const keyResult = 'Self-serve upgrades per week';
  let browser: Browser;
  let gina: Visitor;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium();
    gina = await signedIn(browser, { user: 'gina', teams: ['growth'], roles: ['member'] }, '/teams/growth');
    page = gina.page;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('creates an objective with a key result for their team, activated', async () => {
    await settled(page);
    await page.getByRole('button', { name: 'New objective' }).click();
    const dialog = page.getByRole('dialog', { name: 'New objective for Growth' });
    await dialog.getByLabel('Title', { exact: true }).waitFor();
    // The page's own check sees no dialog: each form is checked open.
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByLabel('Title', { exact: true }).fill(objective);
    await dialog.getByLabel('Title (key result 1)').fill(keyResult);
    await dialog.getByLabel('Start (key result 1)').fill('10');
    await dialog.getByLabel('Target (key result 1)').fill('30');
    await dialog.getByLabel('Unit (key result 1)').fill('upgrades');
    expect(await dialog.getByLabel(/^Activate it now/).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Create objective' }).click();
    // Saved and activated, the objective's own page opens.
    await page.waitForURL(/\/objectives\/[^/]+$/);
    await settled(page);
    await page.getByRole('heading', { name: objective, level: 1 }).waitFor();
    await page.getByRole('region', { name: keyResult }).waitFor();
  });

  it('checks in with confidence 3 and sees the at-risk badge with its reason', async () => {
    await page.getByRole('button', { name: `Check in on ${keyResult}` }).click();
    const dialog = page.getByRole('dialog', { name: `Check in on ${keyResult}` });
    await dialog.getByLabel('Value (upgrades)').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByLabel('Value (upgrades)').fill('12');
    await dialog.getByLabel('Confidence (0-10)').fill('3');
    await dialog.getByLabel('Note').fill('Upgrades stall at the payment step');
    await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    // The risk is computed by insights from the check-in event: the page shows it once known.
    const reason = 'Confidence is 3/10, below the threshold of 5/10.';
    const section = page.getByRole('region', { name: keyResult });
    await section.getByText('At risk', { exact: true }).waitFor();
    await section.getByRole('list', { name: 'Why it is at risk' }).getByText(reason).waitFor();
    // The team page carries the same badge and reason.
    await page.goto('/teams/growth');
    await settled(page);
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: objective }) });
    await card.getByRole('heading', { name: keyResult }).waitFor();
    await card.getByText('At risk', { exact: true }).first().waitFor();
    await card.getByRole('list', { name: 'Why it is at risk' }).getByText(reason).waitFor();
  });

  it('revises a target, then the Replay slider moved before the revision shows the old target', async () => {
    // A key result known before today (the demo's, carried into this quarter): the replay has a day before the revision.
    const carried = 'Week-1 activation';
    const row = () =>
      page
        .getByRole('region', { name: 'Growth as it stood' })
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: carried, exact: true }) });
    // Value, Target, Confidence, Progress: the target is the second cell after the row's header.
    const targetCell = () => row().getByRole('cell').nth(1);
    await page.goto('/replay');
    await settled(page);
    const before = (await targetCell().innerText()).trim();
    expect(before).toMatch(/^\d+ %$/);

    await page.goto('/teams/growth');
    await settled(page);
    await page.getByRole('link', { name: 'New customers succeed in their first week' }).first().click();
    await page.waitForURL(/\/objectives\/[^/]+$/);
    await settled(page);
    await page.getByRole('button', { name: `Revise the target of ${carried}` }).click();
    const dialog = page.getByRole('dialog', { name: `Revise the target of ${carried}` });
    await dialog.getByLabel('New target (%)').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByLabel('New target (%)').fill('47');
    await dialog.getByLabel('Reason for the revision').fill('Guided import doubles activation: we aim higher');
    await dialog.getByRole('button', { name: 'Revise target' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('region', { name: carried }).getByText('target 47 %').first().waitFor();

    await page.goto('/replay');
    await settled(page);
    const slider = page.getByRole('slider', { name: 'Replay' });
    // A cell that changed between two stops is also said to be "(changed)".
    await row().getByRole('cell', { name: /^47 %/ }).waitFor();
    expect(await targetCell().innerText()).toMatch(/^47 %/);
    const now = Number(await slider.getAttribute('aria-valuenow'));
    await slider.focus();
    // One stop back from now: the start of today, before today's revision.
    await page.keyboard.press('ArrowLeft');
    await page.waitForURL(/[?&]at=/);
    expect(Number(await slider.getAttribute('aria-valuenow'))).toBe(now - 1);
    await row().getByRole('cell', { name: new RegExp(`^${before}`) }).waitFor();
    expect(await targetCell().innerText()).toMatch(new RegExp(`^${before}`));
  });
});
