import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DESKTOP, launchChromium, settled, signedIn } from './support/browser';
import { ARTIFACTS } from './support/platform-process';

describe('replay', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("a leader replays the demo quarter by keyboard to its mid-quarter revision, said in words", async () => {
    const { page, context } = await signedIn(browser, { user: 'ceo', teams: ['leadership'], roles: ['leader'] }, '/replay');
    await settled(page);
    const picker = page.getByLabel('Cycle');
    const q3 = await picker.locator('option', { hasText: '2026-Q3' }).getAttribute('value');
    await picker.selectOption(q3 as string);
    await page.waitForURL(/[?&]cycle=/);
    await settled(page);

    // Home: 1 July; Page Up: a week on (seven times: 19 August); two days on: the stop of 21 August,
    // the first after growth revised its conversion target on 20 August.
    const slider = page.getByRole('slider', { name: 'Replay' });
    await slider.focus();
    // Each key moves from where the slider shows it is, and what changed is said against the stop shown
    // before: wait for the move and for its stop before the next key.
    const press = async (key: string, stop: number) => {
      await page.keyboard.press(key);
      await slider.and(page.locator(`[aria-valuenow="${stop}"]`)).waitFor();
      await settled(page);
    };
    await press('Home', 0);
    for (let week = 1; week <= 7; week++) await press('PageUp', 7 * week);
    await press('ArrowRight', 50);
    await press('ArrowRight', 51);
    await page.waitForURL(/[?&]at=2026-08-21T00%3A00%3A00/);
    await settled(page);
    const changes = page.getByRole('region', { name: 'What changed' });
    await changes.getByText('Trial-to-paid conversion target revised from 12 % to 11 %').waitFor();

    // The picture of the README (npm run screenshots copies it to docs/replay.png).
    await page.screenshot({ path: join(ARTIFACTS, 'readme-replay.png'), clip: { x: 0, y: 0, ...DESKTOP } });
    await context.close();
  });
});
