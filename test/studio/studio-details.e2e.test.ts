/**
 * The small things users notice, in the built studio against the real server: dates and figures
 * written the browser's way (a de-DE browser sees German dates), counts with the right word form
 * ("1 chunk"), and search scores said as what they are (a hybrid RRF score is not a percentage).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';

let studio: Studio;

beforeAll(async () => {
  studio = await startStudio();
  await studio.admin('POST', '/api/flows/hello/publish', { message: 'first' });
  await studio.admin('POST', '/api/deployments', { name: 'greeter', flow: 'hello' });
  const { key } = await studio.admin('POST', '/api/deployments/greeter/keys', {});
  const res = await fetch(`${studio.server.url}/deployments/greeter/score`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada' }),
  });
  expect(res.status, await res.text()).toBe(200);
  // One short note: a single chunk.
  await studio.admin('POST', '/api/indexes', { name: 'notes' });
  await studio.admin('POST', '/api/indexes/notes/documents?wait=true', { documents: [{ name: 'bees.md', content: 'A honeybee queen lays up to 2000 eggs per day.' }] });
}, 120_000);
afterAll(async () => {
  await studio?.close();
}, 30_000);

it('writes dates the way a German browser reads them (de-DE): the deployments list and the usage chart', async () => {
  const created = (await studio.admin('GET', '/api/deployments/greeter')).created_at as string;
  const page = await studio.open('deployments', { locale: 'de-DE' });
  watch(page, 'details-dates-de');
  const row = page.getByTestId('deployment-row-greeter');
  await row.waitFor();
  const shown = await row.getByRole('cell').filter({ hasText: /\d{4}/ }).first().textContent();
  const d = new Date(created);
  // "06.12.2026, 19:48": day first, dots, 24-hour clock; never the ISO string or a US month/day order.
  expect(shown).toBe(new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeStyle: 'short' }).format(d));
  expect(shown).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
  expect(shown).not.toContain(created.slice(0, 10));

  // The usage chart by day labels its bars "6. Dez.", not the hard-coded US "Dec 6".
  await page.goto(`${studio.server.url}/#/usage`);
  await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
  await page.getByLabel('Range').selectOption('7d');
  const bars = page.getByRole('region', { name: 'Usage over time' }).getByTestId('usage-bar');
  await expect.poll(() => bars.last().getAttribute('data-bucket')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  const bucket = (await bars.last().getAttribute('data-bucket'))!;
  const german = new Date(`${bucket}T00:00:00Z`).toLocaleDateString('de-DE', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  await expect.poll(() => bars.last().locator('text').textContent()).toBe(german);
  expect(german).not.toBe(new Date(`${bucket}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }));
}, 60_000);

it('says "1 chunk" of a one-chunk document, not "1 chunks"', async () => {
  const page = await studio.open('data/notes');
  watch(page, 'details-plural');
  await page.locator('[data-testid="document-row"][data-document="bees.md"]').click();
  const meta = page.getByTestId('document-view').getByTestId('document-meta');
  await meta.waitFor();
  expect(await meta.textContent()).toContain(' · 1 chunk · ');
  expect(await meta.textContent()).not.toContain('1 chunks');
}, 60_000);

it('shows a search hit\'s score with its kind: a hybrid (RRF) score, a cosine similarity, a BM25 score; never a percentage', async () => {
  const page = await studio.open('data/notes');
  watch(page, 'details-scores');
  await page.getByRole('tab', { name: 'Test search' }).click();
  await page.getByLabel('Search query').fill('How many eggs does a queen lay?');
  const score = page.getByTestId('search-hit').first().getByTestId('hit-score');
  const search = async (mode: string) => {
    await page.getByLabel('Search mode').selectOption(mode);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
  };
  await search('hybrid');
  await expect.poll(() => score.textContent()).toMatch(/^score 0\.0\d+ \(hybrid\)$/);
  expect(await score.getAttribute('title')).toContain('reciprocal-rank fusion');
  await search('vector');
  await expect.poll(() => score.textContent()).toMatch(/^similarity -?[01]\.\d{3} \(cosine\)$/);
  await search('keyword');
  await expect.poll(() => score.textContent()).toMatch(/^BM25 \d+\.\d{2}$/);
  expect(await score.textContent()).not.toContain('%');
}, 60_000);

it('names each page in the tab title, and lets a keyboard user skip the navigation', async () => {
  const page = await studio.open('deployments/greeter');
  watch(page, 'details-skip-link');
  await page.getByRole('heading', { name: 'greeter', level: 1 }).waitFor();
  await expect.poll(() => page.title()).toBe('greeter · Deployments · Weir studio');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('button', { name: 'Skip to content' });
  expect(await skip.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => (globalThis as any).document.activeElement.id)).toBe('main');
  // The next Tab lands inside the page, past the navigation's links.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => !!(globalThis as any).document.activeElement.closest('main'))).toBe(true);
  await page.goto(`${studio.server.url}/#/usage`);
  await expect.poll(() => page.title()).toBe('Usage · Weir studio');
}, 60_000);

it('a dialog takes the focus when it opens, keeps Tab inside, and gives the focus back when it closes', async () => {
  const page = await studio.open('data');
  watch(page, 'details-dialog-focus');
  await page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
  const opener = page.getByRole('button', { name: 'New index' }).first();
  await opener.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'New index' });
  await dialog.waitFor();
  expect(await dialog.getAttribute('aria-modal')).toBe('true');
  const focusedIn = () => dialog.evaluate((d) => d.contains(d.ownerDocument.activeElement));
  await expect.poll(focusedIn).toBe(true);
  expect(await dialog.getByLabel('Index name').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  // However often Tab is pressed, the focus stays in the dialog rather than wandering to the page behind.
  const stops = await dialog.evaluate((d) => d.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled])').length);
  for (let i = 0; i <= stops; i++) {
    await page.keyboard.press('Tab');
    expect(await focusedIn()).toBe(true);
  }
  await page.keyboard.press('Shift+Tab');
  expect(await focusedIn()).toBe(true);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  expect(await opener.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
}, 60_000);
