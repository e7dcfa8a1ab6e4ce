import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';

let studio: Studio;

beforeAll(async () => {
  studio = await startStudio();
  // Two published versions of the example flow `hello`, the second with a different greeting.
  await studio.admin('POST', '/api/flows/hello/publish', { message: 'first' });
  const draft = await studio.admin('GET', '/api/flows/hello');
  const def = structuredClone(draft.definition);
  def.nodes.find((n: any) => n.name === 'greet').config.template = 'Hello, {{ name }}! This is version two.';
  await studio.admin('PUT', '/api/flows/hello', def);
  const v2 = await studio.admin('POST', '/api/flows/hello/publish', { message: 'second' });
  expect(v2.version).toBe(2);
}, 60_000);
afterAll(async () => {
  await studio?.close();
}, 30_000);

/** Calls the published endpoint of deployment `name` as an app would, from Node. */
async function score(name: string, key: string, body: unknown) {
  const res = await fetch(`${studio.server.url}/deployments/${name}/score`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: res.status, version: res.headers.get('weir-version'), body: (await res.json()) as any };
}

/**
 * A deployment of `hello` serving version 1 made through the API (with a key made through the API
 * too when asked: the page lists it but does not know its secret), opened on its page.
 */
async function openDeployment(name: string, withKey = false): Promise<{ page: Page; key: string }> {
  await studio.admin('POST', '/api/deployments', { name, flow: 'hello', traffic: [{ version: 1, weight: 100 }] });
  const key = withKey ? (await studio.admin('POST', `/api/deployments/${name}/keys`, {})).key : '';
  const page = await studio.open(`deployments/${name}`);
  watch(page, `deployments-${name}`);
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  return { page, key };
}

/** Makes a key from the page: it is shown once, in a dialog. */
async function createKey(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Create key' }).click();
  const keyDialog = page.getByRole('dialog', { name: 'Your new key' });
  const key = await keyDialog.getByTestId('new-key').inputValue();
  expect(key).toMatch(/^weir_/);
  expect(await keyDialog.textContent()).toContain('only once');
  await keyDialog.getByRole('button', { name: 'I have stored it' }).click();
  return key;
}

it('creates a deployment of a chosen version from the list page, with its endpoint URL', async () => {
  const page = await studio.open('deployments');
  watch(page, 'deployments-create');
  await page.getByRole('button', { name: 'New deployment' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New deployment' });
  await dialog.getByLabel('Flow', { exact: true }).selectOption('hello');
  await expect.poll(() => dialog.getByLabel('Version', { exact: true }).locator('option').count()).toBe(2);
  await dialog.getByLabel('Version', { exact: true }).selectOption('1');
  await dialog.getByLabel('Deployment name').fill('greeter');
  await dialog.getByRole('button', { name: 'Deploy' }).click();

  await page.waitForURL(/#\/deployments\/greeter$/);
  await page.getByRole('heading', { name: 'greeter', level: 1 }).waitFor();
  expect(await page.getByTestId('endpoint-url').textContent()).toBe(`${studio.server.url}/deployments/greeter/score`);
  const created = await studio.admin('GET', '/api/deployments/greeter');
  expect(created.traffic).toEqual([{ version: 1, weight: 100 }]);
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('shows a new key once, puts it in the snippets, and the key calls the endpoint', async () => {
  const { page } = await openDeployment('keyed');
  const key = await createKey(page);
  await expect.poll(() => page.getByRole('table', { name: 'Deployment keys' }).textContent()).toContain(key.slice(0, 12));
  // The snippets now carry the new key; flows get the version's inputs as the example body.
  const curl = await page.getByLabel('curl snippet').textContent();
  expect(curl).toContain(key);
  expect(curl).toContain('"name":"world"');

  const first = await score('keyed', key, { name: 'Ada' });
  expect(first).toMatchObject({ status: 200, version: '1' });
  expect(first.body.greeting).toBe('Hello, Ada! Welcome to Weir.');
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('tries the deployment from its page with the new key prefilled, and lists the run', async () => {
  const { page } = await openDeployment('tried');
  const key = await createKey(page);
  // Try it from the page, with the key prefilled.
  const tryIt = page.getByRole('region', { name: 'Try it' });
  expect(await tryIt.getByLabel('Try it key').inputValue()).toBe(key);
  await tryIt.getByLabel('Try it body').fill(JSON.stringify({ name: 'Browser', excited: true }));
  await tryIt.getByRole('button', { name: 'Send' }).click();
  await expect.poll(() => tryIt.getByTestId('try-status').textContent()).toBe('200');
  expect(await tryIt.getByTestId('try-version').textContent()).toBe('1');
  expect(await tryIt.getByLabel('Try it response').textContent()).toContain('HELLO, BROWSER!');
  const runId = await tryIt.getByTestId('try-request-id').textContent();
  await page.getByTestId(`run-${runId}`).waitFor();
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('shifts all traffic to version 2, then rolls back to version 1 in one click', async () => {
  const { page, key } = await openDeployment('shifted', true);
  // Called once before the shift, so the change must reach a deployment already in use.
  expect(await score('shifted', key, { name: 'Ada' })).toMatchObject({ status: 200, version: '1' });
  // All traffic to version 2.
  const traffic = page.getByRole('region', { name: 'Traffic' });
  await traffic.getByLabel('Version of row 1').selectOption('2');
  await traffic.getByRole('button', { name: 'Save traffic' }).click();
  await traffic.getByRole('button', { name: 'Roll back to v1' }).waitFor();
  expect((await studio.admin('GET', '/api/deployments/shifted')).traffic).toEqual([{ version: 2, weight: 100 }]);
  const second = await score('shifted', key, { name: 'Ada' });
  expect(second).toMatchObject({ status: 200, version: '2' });
  expect(second.body.greeting).toBe('Hello, Ada! This is version two.');

  // One click back to version 1.
  await traffic.getByRole('button', { name: 'Roll back to v1' }).click();
  await traffic.getByRole('button', { name: 'Canary v2 at 10%' }).waitFor();
  expect((await studio.admin('GET', '/api/deployments/shifted')).traffic).toEqual([{ version: 1, weight: 100 }]);
  expect(await score('shifted', key, { name: 'Ada' })).toMatchObject({ status: 200, version: '1' });
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('revokes a key: the next call with it is refused', async () => {
  const { page, key } = await openDeployment('revoked', true);
  // Used once first, so the revocation must reach a key already in use.
  expect(await score('revoked', key, { name: 'Ada' })).toMatchObject({ status: 200, version: '1' });
  await expect.poll(() => page.getByRole('table', { name: 'Deployment keys' }).textContent()).toContain(key.slice(0, 12));
  // Its use is recorded, and the table says when (a fresh key says "never").
  await expect.poll(async () => (await studio.admin('GET', '/api/deployments/revoked/keys')).data[0].last_used_at).toBeTruthy();
  await page.reload();
  const row = page.getByRole('table', { name: 'Deployment keys' }).getByRole('row').nth(1);
  await expect.poll(() => row.textContent()).toContain(key.slice(0, 12));
  expect(await row.textContent()).not.toContain('never');
  // Revoke the key: the next call is refused.
  await page.getByRole('button', { name: /^Revoke key weir_/ }).click();
  await page.getByRole('dialog', { name: 'Revoke key' }).getByRole('button', { name: 'Revoke', exact: true }).click();
  await page.getByRole('table', { name: 'Deployment keys' }).getByText('revoked').waitFor();
  expect((await score('revoked', key, { name: 'Ada' })).status).toBe(401);
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('lists the deployment with the versions it serves', async () => {
  const { page } = await openDeployment('listed');
  // Back to the list (the token is kept): it shows the deployment with what it serves.
  await page.goto(`${studio.server.url}/#/deployments`);
  const row = page.getByTestId('deployment-row-listed');
  await row.waitFor();
  expect(await row.textContent()).toContain('v1 100%');
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('shows its governance: the allocation, a safety policy to choose, and the last day\'s usage linked to the Usage page', async () => {
  // A flow deployment with its own calls a minute, called twice through its published endpoint.
  const { page, key } = await openDeployment('governed', true);
  await studio.admin('PATCH', '/api/deployments/governed', { rpm: 120 });
  for (const name of ['Ada', 'Grace']) expect((await score('governed', key, { name })).status).toBe(200);
  await expect.poll(async () => (await studio.admin('GET', '/api/usage?deployment=governed')).total.requests).toBe(2);
  await studio.admin('PUT', '/api/safety-policies/lenient', { prompt: { violence: 'high' } });
  await page.reload();
  const governance = page.getByRole('region', { name: 'Governance' });
  await expect.poll(() => governance.getByTestId('governance-allocation').textContent()).toBe('120 calls/min');
  const api = (await studio.admin('GET', '/api/usage?deployment=governed')).total;
  await expect.poll(() => governance.getByTestId('day-requests').textContent()).toBe('2');
  expect(await governance.getByTestId('day-tokens').textContent()).toBe(api.total_tokens.toLocaleString('en-US'));
  expect(await governance.getByTestId('day-cost').getAttribute('title')).toBe(`${api.cost} USD`);

  // The safety policy, chosen from the keyboard: saved on the deployment.
  const select = governance.getByRole('combobox', { name: 'Safety policy' });
  await expect.poll(() => select.locator('option').allTextContents()).toEqual(['default', 'lenient']);
  await select.focus();
  await page.keyboard.press('ArrowDown');
  await expect.poll(async () => (await studio.admin('GET', '/api/deployments/governed')).safety_policy).toBe('lenient');
  expect(await governance.getByRole('link', { name: 'Policies' }).getAttribute('href')).toBe('#/safety');

  // The link opens the Usage page filtered to this deployment, with the same numbers.
  await governance.getByRole('link', { name: 'See usage' }).click();
  await page.waitForURL(/#\/usage\/governed$/);
  expect(await page.getByRole('combobox', { name: 'Deployment' }).inputValue()).toBe('governed');
  await expect.poll(() => page.getByTestId('sum-requests').textContent()).toBe('2');

  // Without a limit of its own, a flow deployment has none; a remote model's allocation gives 6 requests a minute per 1 000 tokens.
  await studio.admin('PATCH', '/api/deployments/governed', { rpm: null });
  await studio.admin('PUT', '/api/connections/self', { type: 'openai', settings: { base_url: `${studio.server.url}/v1` }, secrets: { api_key: 'unused' } });
  await studio.admin('POST', '/api/deployments', { name: 'remote', model: 'gpt-4o', connection: 'self', remote_model: 'upstream', tpm: 50_000 });
  for (const [name, allocation] of [['governed', 'no limit'], ['remote', '50k tokens/min · 300 calls/min']]) {
    await page.goto(`${studio.server.url}/#/deployments/${name}`);
    await expect.poll(() => page.getByRole('region', { name: 'Governance' }).getByTestId('governance-allocation').textContent()).toBe(allocation);
  }
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);
