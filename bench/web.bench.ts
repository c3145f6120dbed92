/**
 * The web app in Chromium on the demo quarter (a benchmark, not a test), in one run:
 *
 *   1. First-load JavaScript: every script of the first navigation (the sign-in page, cold cache),
 *      gzipped here (level 6, as a server would), against the aim of 250 KB.
 *   2. Time to a usable team page (`/teams/growth`, signed in, warm HTTP cache): from navigation start
 *      to its title shown with nothing loading any more; baseline: the same navigation's first
 *      contentful paint (the shell alone). Median of 5.
 *   3. Replay slider moves: 50 × Arrow Right on the Replay slider of the demo's 2026-Q3, each from the
 *      app's `replay-input` mark to its `replay-painted` mark (the moved-to stop on screen, next frame
 *      painted), p50 / p95, against the aim of 100 ms p95; baseline: an empty requestAnimationFrame +
 *      task round-trip in the same page (the floor any painted change pays).
 *
 * Run: `npm run bench:web` (bench/run.mjs compiles the services; this builds the web app, then starts
 * them as `npm start` does on a fresh data folder with the demo imported; gateway on BENCH_WEB_PORT,
 * default 3700, services after it).
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { benchSize } from './bench-size';
import { startWebPlatform } from './web-platform';

// The functions given to page.evaluate run in the page: the few browser globals they use (this project's
// type-check has no DOM library, and the module scope keeps these declarations to this file).
declare const document: { querySelector(selector: string): unknown };
declare function requestAnimationFrame(callback: () => void): number;

const PORT = Number(process.env['BENCH_WEB_PORT'] ?? 3700);
const MOVES = benchSize(50, { min: 5 });
const NAVIGATIONS = benchSize(5, { min: 1 });
const AIM_FIRST_LOAD_KB = 250;
const AIM_MOVE_P95_MS = 100;

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? Number.NaN;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function firstLoad(page: Page, url: string): Promise<{ files: number; raw: number; gzipped: number }> {
  const scripts = new Set<string>();
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.add(request.url());
  });
  await page.goto(`${url}/sign-in`, { waitUntil: 'networkidle' });
  // The bytes the server sends for each script of that navigation, compressed here the same way for every file.
  const bodies = await Promise.all([...scripts].map(async (script) => Buffer.from(await (await fetch(script)).arrayBuffer())));
  return { files: bodies.length, raw: bodies.reduce((s, b) => s + b.length, 0), gzipped: bodies.reduce((s, b) => s + gzipSync(b).length, 0) };
}

async function signIn(page: Page): Promise<void> {
  await page.getByLabel('Tenant').fill('acme');
  await page.getByLabel('User').fill('gina');
  await page.getByLabel('Teams').fill('growth');
  await page.getByLabel('Roles').fill('member');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Navigation start to a usable team page (its title, an objective, nothing loading), and the same navigation's FCP. */
async function teamPage(page: Page, url: string): Promise<{ usable: number; fcp: number }> {
  await page.goto(`${url}/teams/growth`, { waitUntil: 'commit' });
  const usable = await page.waitForFunction(
    () => (document.querySelector('main h1') && document.querySelector('main .objective-card') && !document.querySelector('.state-loading') ? performance.now() : false),
    undefined,
    { polling: 'raf', timeout: 120_000 },
  );
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN);
  return { usable: (await usable.jsonValue()) as number, fcp };
}

/** 50 slider moves, each measured by the app's own marks (the `replay-move` measure). */
async function sliderMoves(page: Page, url: string): Promise<number[]> {
  await page.goto(`${url}/replay`);
  const picker = page.getByLabel('Cycle');
  await picker.locator('option', { hasText: '2026-Q3' }).waitFor({ state: 'attached' });
  const q3 = await picker.locator('option', { hasText: '2026-Q3' }).getAttribute('value');
  await picker.selectOption(q3 as string);
  const slider = page.getByRole('slider', { name: 'Replay' });
  await page.getByRole('heading', { name: 'Alignment map' }).waitFor({ timeout: 120_000 });
  const moves = () => page.evaluate(() => performance.getEntriesByName('replay-move').length);
  const move = async (key: string) => {
    const before = await moves();
    await slider.press(key);
    await page.waitForFunction((n) => performance.getEntriesByName('replay-move').length > n, before, { polling: 'raf', timeout: 120_000 });
  };
  await slider.focus();
  await move('Home');
  await page.evaluate(() => performance.clearMeasures('replay-move'));
  for (let i = 0; i < MOVES; i++) await move('ArrowRight');
  return page.evaluate(() => performance.getEntriesByName('replay-move').map((e) => e.duration));
}

/** The floor: a requestAnimationFrame then a task, as the app's paint mark waits, with no work. */
const frameRoundTrips = (page: Page) =>
  page.evaluate(async (n) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
      times.push(performance.now() - start);
    }
    return times;
  }, MOVES);

/** The bundle measured is the one of this checkout: Vite builds it into dist/apps/web (as `npm start` does). */
function buildWebApp(): void {
  const root = resolve(__dirname, '../..');
  const nx = spawnSync(join(root, 'node_modules/.bin/nx'), ['run', 'web:build', '--output-style=static'], { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
  if (nx.status !== 0) throw new Error(`nx run web:build failed (${nx.signal ?? `exit ${nx.status}`})`);
}

async function main(): Promise<void> {
  buildWebApp();
  process.stdout.write(`web bench: node ${process.version}, ${availableParallelism()} cpus, Chromium (${process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'}), starting the platform on :${PORT} with the demo quarter…\n\n`);
  const platform = await startWebPlatform(PORT);
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    context.setDefaultTimeout(120_000);
    const page = await context.newPage();
    const load = await firstLoad(page, platform.url);
    await signIn(page);
    const navigations = [];
    for (let i = 0; i < NAVIGATIONS; i++) navigations.push(await teamPage(page, platform.url));
    const moves = await sliderMoves(page, platform.url);
    // BENCH_WEB_SCREENSHOT=<file.png>: how the replay looked after the moves, to look at (not measured).
    const screenshot = process.env['BENCH_WEB_SCREENSHOT'];
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    const floor = await frameRoundTrips(page);

    const usable = percentile(navigations.map((n) => n.usable), 50);
    const fcp = percentile(navigations.map((n) => n.fcp), 50);
    const rows = [
      ['first-load JavaScript (sign-in page, gzipped)', `${kb(load.gzipped)} (${kb(load.raw)} raw, ${load.files} script${load.files === 1 ? '' : 's'})`, `aim ${AIM_FIRST_LOAD_KB} KB`, (load.gzipped / 1024 / AIM_FIRST_LOAD_KB).toFixed(2)],
      [`time to a usable team page (median of ${navigations.length})`, ms(usable), `first contentful paint ${ms(fcp)}`, (usable / fcp).toFixed(2)],
      [`replay slider move, p50 (${moves.length} moves)`, ms(percentile(moves, 50)), `empty frame round-trip ${ms(percentile(floor, 50))}`, (percentile(moves, 50) / percentile(floor, 50)).toFixed(2)],
      [`replay slider move, p95 (${moves.length} moves)`, ms(percentile(moves, 95)), `empty frame round-trip ${ms(percentile(floor, 95))}; aim ${AIM_MOVE_P95_MS} ms`, (percentile(moves, 95) / percentile(floor, 95)).toFixed(2)],
    ];
    process.stdout.write('| case | measured | baseline | ratio |\n|---|---|---|---|\n');
    for (const row of rows) process.stdout.write(`| ${row.join(' | ')} |\n`);
    process.stdout.write(
      `\naims: first load ${load.gzipped / 1024 <= AIM_FIRST_LOAD_KB ? 'met' : 'MISSED'} (≤ ${AIM_FIRST_LOAD_KB} KB gz); slider move ${percentile(moves, 95) <= AIM_MOVE_P95_MS ? 'met' : 'MISSED'} (≤ ${AIM_MOVE_P95_MS} ms p95)\n`,
    );
  } finally {
    await browser.close();
    await platform.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
