/**
 * The Quotas page and the limits on a deployment's page and its keys, against the real server.
 * Remote models are served by this same server: a connection points at its own /v1 with a key of
 * a `weir-extractive` deployment, so nothing is faked. Each test uses its own model's pool (or a
 * flow deployment), so one failing does not hide the others.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN, startStudio, watch, type Studio } from '../helpers/studio.ts';

let studio: Studio;

beforeAll(async () => {
  studio = await startStudio();
  await studio.admin('POST', '/api/deployments', { name: 'upstream', model: 'weir-extractive' });
  const { key } = await studio.admin('POST', '/api/deployments/upstream/keys', {});
  await studio.admin('PUT', '/api/connections/self', { type: 'openai', settings: { base_url: `${studio.server.url}/v1` }, secrets: { api_key: key } });
  // A published version of the example flow `hello`, for the flow deployments.
  await studio.admin('POST', '/api/flows/hello/publish', { message: 'first' });
}, 60_000);
afterAll(async () => {
  await studio?.close();
}, 30_000);

const remote = (name: string, model: string, tpm: number) => studio.admin('POST', '/api/deployments', { name, model, connection: 'self', remote_model: 'upstream', tpm });

/** Console errors but Chromium's log of the 409s some tests provoke on purpose (a refused pool or allocation). */
const unexpectedErrors = () => studio.consoleErrors.filter((e) => !e.includes('status of 409 (Conflict)'));

async function openPage(route: string, shot: string): Promise<Page> {
  const page = await studio.open(route);
  watch(page, shot);
  return page;
}

it('lists a model pool with what is allocated and left; a pool below the allocations is refused with the reason, one above updates what is left', async () => {
  await remote('pooled-a', 'gpt-4o', 300_000);
  await remote('pooled-b', 'gpt-4o', 100_000);
  const page = await openPage('quotas', 'quotas-pool');
  await page.getByRole('heading', { name: 'Quotas', level: 1 }).waitFor();
  const card = page.getByRole('region', { name: 'Pool of gpt-4o' });
  await card.waitFor();
  // The configured default pool (1 000 000), marked as such; short figures, exact ones in titles.
  expect(await card.getByTestId('pool-tpm').textContent()).toBe('1M tokens/min');
  expect(await card.getByTestId('pool-tpm').getAttribute('title')).toBe('1,000,000 tokens a minute');
  expect(await card.getByText('default', { exact: true }).count()).toBe(1);
  expect(await card.getByTestId('pool-allocated').textContent()).toBe('400k tokens/min');
  expect(await card.getByTestId('pool-left').textContent()).toBe('600k tokens/min');
  expect(await card.getByRole('meter').getAttribute('aria-valuetext')).toBe('400,000 of 1,000,000 tokens a minute allocated, 600,000 left');
  // Each deployment with its allocation and the requests a minute it gives, linked to its page.
  const row = card.getByTestId('pool-deployment-pooled-a');
  expect(await row.textContent()).toContain('300k tokens/min');
  expect(await row.textContent()).toContain('1,800 calls/min');
  expect(await row.getByRole('link', { name: 'pooled-a' }).getAttribute('href')).toBe('#/deployments/pooled-a');

  // Below what the deployments hold: refused, and the server's reason stays next to the field.
  await card.getByRole('button', { name: 'Edit pool of gpt-4o' }).click();
  const field = card.getByLabel('Pool of gpt-4o (tokens a minute)');
  await field.fill('350000');
  await card.getByRole('button', { name: 'Save' }).click();
  const refusal = card.getByRole('alert');
  await refusal.waitFor();
  expect(await refusal.textContent()).toContain('less than the 400000 its deployments hold (pooled-a 300000, pooled-b 100000)');
  expect(await field.getAttribute('aria-invalid')).toBe('true');
  expect((await studio.admin('GET', '/api/quotas/gpt-4o')).tpm).toBe(1_000_000);

  // Above them: saved, no longer the default, and what is left follows.
  await field.fill('2500000');
  await field.press('Enter');
  await expect.poll(() => card.getByTestId('pool-left').textContent()).toBe('2.1M tokens/min');
  expect(await card.getByTestId('pool-tpm').textContent()).toBe('2.5M tokens/min');
  expect(await card.getByText('default', { exact: true }).count()).toBe(0);
  expect(await card.getByRole('alert').count()).toBe(0);
  expect(await studio.admin('GET', '/api/quotas/gpt-4o')).toMatchObject({ tpm: 2_500_000, default: false, allocated: 400_000, left: 2_100_000 });
  expect(unexpectedErrors()).toEqual([]);
}, 60_000);

it('shows a model deployment\'s allocation on its page and edits it; an allocation beyond the pool is refused with its message', async () => {
  await studio.admin('PUT', '/api/quotas/gpt-4o-mini', { tpm: 200_000 });
  await remote('mini-held', 'gpt-4o-mini', 50_000);
  await remote('mini', 'gpt-4o-mini', 100_000);
  const page = await openPage('deployments/mini', 'quotas-allocation');
  const quota = page.getByRole('region', { name: 'Quota' });
  await quota.waitFor();
  expect(await quota.getByTestId('allocation-tpm').textContent()).toBe('100k tokens/min');
  expect(await quota.getByTestId('allocation-rpm').textContent()).toContain('600 calls/min');
  const poolLink = quota.getByRole('link', { name: "gpt-4o-mini's pool" });
  expect(await poolLink.getAttribute('href')).toBe('#/quotas/gpt-4o-mini');
  await expect.poll(() => quota.textContent()).toContain('50k tokens/min left of 200k tokens/min');

  // Beyond the pool: its own 100 000 back plus the 50 000 left make 150 000 at most.
  await quota.getByRole('button', { name: 'Edit allocation' }).click();
  const field = quota.getByLabel('Allocation (tokens a minute)');
  await field.fill('150001');
  await quota.getByRole('button', { name: 'Save' }).click();
  const refusal = quota.getByRole('alert');
  await refusal.waitFor();
  expect(await refusal.textContent()).toContain('150001 tokens a minute are not left in its pool of 200000 (50000 allocated, 150000 left)');
  expect((await studio.admin('GET', '/api/deployments/mini')).tpm).toBe(100_000);

  await field.fill('150000');
  await quota.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => quota.getByTestId('allocation-tpm').textContent()).toBe('150k tokens/min');
  expect(await quota.getByTestId('allocation-rpm').textContent()).toContain('900 calls/min');
  expect(await studio.admin('GET', '/api/deployments/mini')).toMatchObject({ tpm: 150_000, rpm: 900 });

  // The link opens the pool on the Quotas page, now with nothing left.
  await poolLink.click();
  const card = page.getByRole('region', { name: 'Pool of gpt-4o-mini' });
  await expect.poll(() => card.getByTestId('pool-left').textContent()).toBe('0 tokens/min');
  expect(await card.getAttribute('class')).toContain('focused');
  expect(unexpectedErrors()).toEqual([]);
}, 60_000);

it('sets and lifts a flow deployment\'s own calls a minute from its page', async () => {
  await studio.admin('POST', '/api/deployments', { name: 'rated', flow: 'hello' });
  const page = await openPage('deployments/rated', 'quotas-flow-rpm');
  const card = page.getByRole('region', { name: 'Rate limit' });
  await card.waitFor();
  expect(await card.getByTestId('flow-rpm').textContent()).toContain('No limit of its own');
  expect(await card.getByRole('button', { name: 'Lift limit' }).count()).toBe(0);

  // Keyboard: Escape closes the form and gives focus back to the button that opened it.
  await card.getByRole('button', { name: 'Set limit' }).click();
  await card.getByLabel('Calls a minute').press('Escape');
  await expect.poll(() => card.getByLabel('Calls a minute').count()).toBe(0);
  expect(await card.getByRole('button', { name: 'Set limit' }).evaluate((b) => b === b.ownerDocument.activeElement)).toBe(true);
  await page.keyboard.press('Enter');
  await card.getByLabel('Calls a minute').fill('120');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => card.getByTestId('flow-rpm').textContent()).toContain('At most 120 calls/min across every caller');
  expect((await studio.admin('GET', '/api/deployments/rated')).rpm).toBe(120);

  await card.getByRole('button', { name: 'Lift limit' }).click();
  await expect.poll(() => card.getByTestId('flow-rpm').textContent()).toContain('No limit of its own');
  expect((await studio.admin('GET', '/api/deployments/rated')).rpm).toBeNull();
  // Each PATCH sends only the limit: the traffic is as it was.
  expect((await studio.admin('GET', '/api/deployments/rated')).traffic).toEqual([{ version: 1, weight: 100 }]);
  expect(unexpectedErrors()).toEqual([]);
}, 60_000);

it('creates a key with its own calls and tokens a minute from the keys panel, and lists them', async () => {
  await studio.admin('POST', '/api/deployments', { name: 'limited-keys', flow: 'hello' });
  const page = await openPage('deployments/limited-keys', 'quotas-key-limits');
  const keys = page.getByRole('region', { name: 'Keys' });
  await keys.waitFor();
  await keys.getByLabel('Key name').fill('capped');
  await keys.getByLabel('Key calls a minute').fill('30');
  await keys.getByLabel('Key tokens a minute').fill('20000');
  await keys.getByRole('button', { name: 'Create key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Your new key' });
  const secret = await dialog.getByTestId('new-key').inputValue();
  await dialog.getByRole('button', { name: 'I have stored it' }).click();

  const row = keys.getByRole('table', { name: 'Deployment keys' }).getByRole('row', { name: /capped/ });
  await expect.poll(() => row.textContent()).toContain(secret.slice(0, 12));
  const limits = row.getByTestId('key-limits');
  expect(await limits.getByText('30 calls/min').getAttribute('title')).toBe('30 calls a minute');
  expect(await limits.getByText('20k tokens/min').getAttribute('title')).toBe('20,000 tokens a minute');
  const listed = (await studio.admin('GET', '/api/deployments/limited-keys/keys')).data;
  expect(listed).toMatchObject([{ name: 'capped', rpm: 30, tpm: 20_000 }]);
  // The fields are emptied for the next key, which has no limits.
  expect(await keys.getByLabel('Key calls a minute').inputValue()).toBe('');
  expect(unexpectedErrors()).toEqual([]);
}, 60_000);

it('explains pools when there are none: remote models have them, local ones draw on compute', async () => {
  const empty = await startStudio({ examples: false });
  try {
    const page = await empty.open('quotas');
    watch(page, 'quotas-empty');
    await page.getByRole('heading', { name: 'No pools yet' }).waitFor();
    const text = await page.locator('.empty-card').textContent();
    expect(text).toContain('remote API models');
    expect(text).toContain('draw on this machine\'s compute');
    expect(await page.getByRole('link', { name: 'Browse models' }).getAttribute('href')).toBe('#/models');
    expect(empty.consoleErrors).toEqual([]);
  } finally {
    await empty.close();
  }
}, 60_000);

it('shows the compute local models draw on: what this instance offers, what each loaded model uses and for which deployments', async () => {
  // The upstream deployment's extractive model is loaded by a call.
  const r = await fetch(`${studio.server.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` }, body: JSON.stringify({ model: 'upstream', messages: [{ role: 'user', content: 'Hello?' }] }) });
  expect(r.status).toBe(200);
  const api = await studio.admin('GET', '/api/compute');
  expect(api.models.map((m: { model: string }) => m.model)).toContain('weir-extractive');
  const page = await openPage('quotas', 'quotas-compute');
  const card = page.getByRole('region', { name: 'Compute for local models' });
  await card.getByRole('meter').waitFor();
  expect(await card.getByTestId('compute-offered').textContent()).toBe(`${api.memory_mb.offered.toLocaleString('en-US')} MiB`);
  expect(await card.getByTestId('compute-left').textContent()).toBe(`${api.memory_mb.left.toLocaleString('en-US')} MiB`);
  expect(await card.getByRole('meter').getAttribute('aria-valuetext')).toBe(`${api.memory_mb.used.toLocaleString('en-US')} of ${api.memory_mb.offered.toLocaleString('en-US')} MiB in use, ${api.memory_mb.left.toLocaleString('en-US')} MiB left`);
  const row = card.getByRole('row').filter({ hasText: 'weir-extractive' });
  expect(await row.getByRole('link', { name: 'upstream' }).getAttribute('href')).toBe('#/deployments/upstream');
  expect(unexpectedErrors()).toEqual([]);
});
