/**
 * The Usage page against the real server: calls made through the real gateway (/v1 on a deployment
 * of the offline default chat model, priced so cost is not zero) show on the page with the numbers
 * the API reports; filters, grouping, the CSV export and the recent calls list.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN, startStudio, watch, type Studio } from '../helpers/studio.ts';
import { chat as call, until } from './gateway-calls.ts';

let studio: Studio;
const keys: Record<string, { id: string; key: string }> = {};
const chat = (deployment: string, key: string, question: string) => call(studio.server.url, deployment, key, question);

/** The API's own report (as admin) over the last day, for comparing with what the page shows. */
const report = (params: string) => studio.admin('GET', `/api/usage?from=${new Date(Date.now() - 86_400_000).toISOString()}&${params}`);

beforeAll(async () => {
  studio = await startStudio({ examples: false });
  // A price from now on, so each call has a cost (the offline model is free in the catalog).
  await studio.admin('POST', '/api/prices/weir-extractive', { input_per_1k: 0.5, output_per_1k: 1.5 });
  await studio.admin('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' });
  await studio.admin('POST', '/api/deployments', { name: 'other', model: 'weir-extractive' });
  for (const d of ['chat', 'other']) await until(`${d} to be ready`, async () => (await studio.admin('GET', `/api/deployments/${d}`)).state === 'ready');
  for (const [name, deployment] of [['app-a', 'chat'], ['app-b', 'chat'], ['app-c', 'other']]) {
    keys[name] = await studio.admin('POST', `/api/deployments/${deployment}/keys`, { name });
  }
  expect(await chat('chat', keys['app-a'].key, 'Which city lies on the Danube?')).toBe(200);
  expect(await chat('chat', keys['app-a'].key, 'Where does the Rhine end?')).toBe(200);
  expect(await chat('chat', keys['app-b'].key, 'Which river flows through Vienna?')).toBe(200);
  expect(await chat('other', keys['app-c'].key, 'Which city lies on the Danube?')).toBe(200);
  // The meter writes once a second: wait until all four are counted.
  await until('the four calls to be metered', async () => (await report('')).total.requests === 4, 10_000);
}, 120_000);
afterAll(async () => {
  await studio?.close();
}, 30_000);

async function openUsage(route: string, shot: string): Promise<Page> {
  const page = await studio.open(route);
  watch(page, shot);
  await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
  return page;
}

it('reached from the navigation, shows the last day\'s totals, chart and table with the API\'s numbers', async () => {
  const page = await studio.open('flows');
  watch(page, 'usage-totals');
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Usage' }).click();
  await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
  expect(await page.getByLabel('Range').inputValue()).toBe('24h');

  const api = await report('group_by=deployment');
  expect(api.total.cost).toBeGreaterThan(0);
  await expect.poll(() => page.getByTestId('sum-requests').textContent()).toBe('4');
  expect(await page.getByTestId('sum-tokens').textContent()).toBe(api.total.total_tokens.toLocaleString('en-US'));
  expect(await page.getByTestId('sum-cost').getAttribute('title')).toBe(`${api.total.cost} USD`);

  // The table: a line per deployment, as the API sums them, and the total under them.
  const table = page.getByRole('table', { name: 'Usage by deployment' });
  for (const line of api.data) {
    const row = table.getByRole('row', { name: new RegExp(`^${line.deployment} `) });
    expect(await row.getByRole('cell').allTextContents()).toEqual([line.deployment, String(line.requests), ...[line.prompt_tokens, line.completion_tokens, line.total_tokens].map((n: number) => n.toLocaleString('en-US')), expect.stringMatching(/^\$/)]);
  }
  expect(await table.getByTestId('total-tokens').textContent()).toBe(api.total.total_tokens.toLocaleString('en-US'));

  // The chart: a bar an hour over the day, their tokens summing to the total, the summary in words.
  const bars = page.getByRole('region', { name: 'Usage over time' }).getByTestId('usage-bar');
  expect(await bars.count()).toBeGreaterThanOrEqual(24);
  const perBar = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-tokens'))));
  expect(perBar.reduce((a, b) => a + b, 0)).toBe(api.total.total_tokens);
  const byHour = await report('group_by=hour');
  for (const l of byHour.data) expect(await bars.and(page.locator(`[data-bucket="${l.hour}"]`)).getAttribute('data-tokens')).toBe(String(l.total_tokens));
  expect(await page.getByRole('img', { name: /^Tokens and cost by hour/ }).getAttribute('aria-label')).toContain(`${api.total.total_tokens.toLocaleString('en-US')} tokens`);
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('groups by key and filters by deployment and key, each time as the API answers', async () => {
  const page = await openUsage('usage', 'usage-filters');
  await page.getByRole('checkbox', { name: 'Key' }).check();
  const byKey = page.getByRole('table', { name: 'Usage by deployment and key' });
  await expect.poll(() => byKey.getByTestId('usage-line').count()).toBe(3);
  // Keys by their names; app-a made two calls.
  const rowA = byKey.getByRole('row', { name: /app-a/ });
  expect(await rowA.getByRole('cell').nth(2).textContent()).toBe('2');

  await page.getByRole('combobox', { name: 'Deployment' }).selectOption('chat');
  await expect.poll(() => page.getByTestId('sum-requests').textContent()).toBe('3');
  await page.getByRole('combobox', { name: 'Key' }).selectOption({ label: 'app-a' });
  await expect.poll(() => page.getByTestId('sum-requests').textContent()).toBe('2');
  const api = await report(`deployment=chat&key=${keys['app-a'].id}`);
  expect(api.total.requests).toBe(2);
  expect(await page.getByTestId('sum-tokens').textContent()).toBe(api.total.total_tokens.toLocaleString('en-US'));
  expect(await page.getByTestId('sum-cost').getAttribute('title')).toBe(`${api.total.cost} USD`);
  expect(await byKey.getByTestId('usage-line').count()).toBe(1);

  // By day over the last 7 days: a bar a day, holding app-a's tokens between them.
  await page.getByLabel('Range').selectOption('7d');
  expect(await page.getByLabel('Over time by').inputValue()).toBe('day');
  const bars = page.getByRole('region', { name: 'Usage over time' }).getByTestId('usage-bar');
  await expect.poll(() => bars.first().getAttribute('data-bucket')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(await bars.count()).toBeGreaterThanOrEqual(7);
  const perDay = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-tokens'))));
  expect(perDay.reduce((a, b) => a + b, 0)).toBe(api.total.total_tokens);
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('a custom range of days before the calls shows none; a bad range is refused in words', async () => {
  const page = await openUsage('usage', 'usage-custom');
  await page.getByLabel('Range').selectOption('custom');
  await page.getByLabel('From (UTC)').fill('2026-01-01');
  await page.getByLabel('To (UTC)').fill('2026-01-03');
  await expect.poll(() => page.getByTestId('sum-requests').textContent()).toBe('0');
  const bars = page.getByRole('region', { name: 'Usage over time' }).getByTestId('usage-bar');
  await expect.poll(() => bars.count()).toBe(3);
  await page.getByLabel('To (UTC)').fill('2025-12-01');
  expect(await page.getByRole('alert').textContent()).toBe('the start must not be after the end');
  expect(await page.getByRole('button', { name: 'Export CSV' }).isDisabled()).toBe(true);
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('exports the report as shown to a CSV file, the API\'s CSV to the byte', async () => {
  const page = await openUsage('usage/chat', 'usage-export');
  // Opened from a deployment's link: filtered to it.
  expect(await page.getByRole('combobox', { name: 'Deployment' }).inputValue()).toBe('chat');
  await page.getByRole('checkbox', { name: 'Key' }).check();
  await expect.poll(() => page.getByRole('table', { name: 'Usage by deployment and key' }).getByTestId('usage-line').count()).toBe(2);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^weir-usage-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = readFileSync((await download.path())!, 'utf8');
  const res = await fetch(`${studio.server.url}/api/usage?from=${new Date(Date.now() - 86_400_000).toISOString()}&deployment=chat&group_by=deployment,key&format=csv`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(text).toBe(await res.text());
  const rows = text.trim().split('\r\n');
  expect(rows[0]).toBe('deployment,key,requests,prompt_tokens,completion_tokens,total_tokens,cost');
  expect(rows.slice(1).map((r) => r.split(',').slice(0, 3).join(',')).sort()).toEqual([`chat,${keys['app-a'].id},2`, `chat,${keys['app-b'].id},1`].sort());
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('lists the recent calls as recorded (status, latency, tokens, cost, filtered), older ones a page at a time', async () => {
  await studio.admin('POST', '/api/deployments', { name: 'busy', model: 'weir-extractive' });
  await until('busy to be ready', async () => (await studio.admin('GET', '/api/deployments/busy')).state === 'ready');
  const { key } = await studio.admin('POST', '/api/deployments/busy/keys', { name: 'batch' });
  for (let i = 0; i < 22; i++) expect(await chat('busy', key, `Which city lies on the Danube? (${i})`)).toBe(200);
  // A prompt the default policy filters (violence, high): refused with 400, recorded with its category only.
  expect(await chat('busy', key, "I'm going to kill you when you get home tonight.")).toBe(400);
  const api = async () => (await studio.admin('GET', '/api/usage/calls?deployment=busy&limit=100')).data as any[];
  await until('the 23 calls to be recorded', async () => (await api()).length === 23, 10_000);
  const recorded = await api();

  const page = await openUsage('usage/busy', 'usage-calls');
  const table = page.getByRole('region', { name: 'Recent calls' }).getByRole('table', { name: 'Recent calls' });
  const rows = table.locator('tbody tr');
  await expect.poll(() => rows.count()).toBe(20);
  // Newest first: the filtered call, its status and category; nothing of its text.
  const filtered = table.getByTestId(`call-${recorded[0].id}`);
  expect(recorded[0]).toMatchObject({ status: 400, filtered: ['prompt:violence'] });
  expect(await filtered.getByTestId('call-status').textContent()).toBe('400');
  expect(await filtered.getByTestId('call-filtered').textContent()).toBe('prompt · violence');
  expect(await page.locator('body').textContent()).not.toContain('kill you');
  // An answered call: its tokens and cost as recorded, its key by name.
  const ok = recorded[1];
  const row = table.getByTestId(`call-${ok.id}`);
  expect(await row.getByTestId('call-status').textContent()).toBe('200');
  expect(await row.getByTestId('call-tokens').textContent()).toBe(ok.total_tokens.toLocaleString('en-US'));
  expect(await row.getByTestId('call-cost').getAttribute('title')).toBe(`${ok.cost} USD`);
  expect(await row.getByTestId('call-latency').textContent()).toMatch(/^\d+(\.\d+)? (ms|s)$/);
  expect(await row.getByRole('cell', { name: 'batch' }).count()).toBe(1);

  // Older calls: the next page under the first, in the API's order, until there are no more.
  await table.page().getByRole('button', { name: 'Older calls' }).click();
  await expect.poll(() => rows.count()).toBe(23);
  expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid')))).toEqual(recorded.map((c) => `call-${c.id}`));
  expect(await page.getByRole('button', { name: 'Older calls' }).count()).toBe(0);
  expect(studio.consoleErrors).toEqual([]);
}, 120_000);
