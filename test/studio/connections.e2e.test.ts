/**
 * The Connections page against the real server: a connection made from the page to a loopback fake
 * OpenAI (the edge where the real service cannot exist offline), tested for real (ok, a rejected
 * key, an unreachable port), edited with its secret kept, replaced and cleared, and deleted through
 * the in-app confirmation — and no secret value ever in the page or an API answer.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closedPort, startFakeService, type FakeService } from '../helpers/fake-llm-service.ts';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { expectNoSeriousA11yViolations } from './axe.ts';

const KEY = 'sk-right-0a1b2c3d4e5f6a7b';
const WRONG = 'sk-wrong-9z8y7x6w5v';
let studio: Studio;
let svc: FakeService;

beforeAll(async () => {
  svc = await startFakeService(KEY);
  studio = await startStudio({ examples: false });
}, 60_000);
afterAll(async () => {
  await studio?.close();
  await svc?.close();
}, 30_000);

async function openConnections(shot: string): Promise<Page> {
  const page = await studio.open('flows');
  watch(page, shot);
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Connections' }).click();
  await page.getByRole('heading', { name: 'Connections', level: 1 }).waitFor();
  return page;
}

/** The whole page's text and every input's value: where a leaked secret would show. */
const pageText = async (page: Page) =>
  (await page.content()) + (await page.locator('input, textarea').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value).join('\n')));

const testRow = async (page: Page, name: string) => {
  const row = page.getByTestId(`connection-${name}`);
  await row.getByRole('button', { name: `Test connection ${name}` }).click();
  const status = row.getByRole('status');
  await expect.poll(() => status.textContent(), { timeout: 15_000 }).not.toContain('Testing');
  return (await status.textContent()) ?? '';
};

it('creates an OpenAI connection from the page, tests it ok against the service, and never shows the key', async () => {
  const page = await openConnections('connections-create');
  await page.getByRole('button', { name: 'New connection' }).click();
  const dialog = page.getByRole('dialog', { name: 'New connection' });
  await dialog.getByLabel('Name').fill('fake-openai');
  await dialog.getByLabel('Type').selectOption('openai');
  await dialog.getByLabel('Base URL').fill(`${svc.url}/v1`);
  await dialog.getByLabel('API key', { exact: true }).fill(KEY);
  expect(await dialog.getByTestId('secret-api_key-state').textContent()).toContain('will be set');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });

  const row = page.getByTestId('connection-fake-openai');
  await row.waitFor();
  expect(await row.textContent()).toContain('api_key set');
  expect(await testRow(page, 'fake-openai')).toMatch(/^ok connected to 127\.0\.0\.1:\d+: it answered 200/);
  expect(svc.seen.at(-1)).toMatchObject({ path: '/v1/models', authorization: `Bearer ${KEY}` });

  // What the runtime reads: base_url, the OpenAI flavour, the key under api_key.
  const stored = await studio.admin('GET', '/api/connections/fake-openai');
  expect(stored).toMatchObject({ type: 'openai', settings: { base_url: `${svc.url}/v1`, flavor: 'openai' }, secrets: ['api_key'] });
  const resolved = await studio.server.store.connections.resolve('fake-openai');
  expect(resolved?.secrets).toEqual({ api_key: KEY });

  expect(await pageText(page)).not.toContain(KEY);
  expect(JSON.stringify(await studio.admin('GET', '/api/connections'))).not.toContain(KEY);
  await expectNoSeriousA11yViolations(page, 'connections page');
}, 60_000);

it('editing keeps a secret left blank, replaces it when typed (the wrong key is then rejected), and clears it', async () => {
  const page = await openConnections('connections-edit');
  await page.getByRole('button', { name: 'Edit connection fake-openai' }).click();
  let dialog = page.getByRole('dialog', { name: 'Edit connection fake-openai' });
  // The form says the key is set, and has no value of it.
  expect(await dialog.getByTestId('secret-api_key-state').textContent()).toContain('set');
  expect(await dialog.getByLabel('API key', { exact: true }).inputValue()).toBe('');
  expect(await pageText(page)).not.toContain(KEY);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  expect((await studio.server.store.connections.resolve('fake-openai'))?.secrets).toEqual({ api_key: KEY });
  expect(await testRow(page, 'fake-openai')).toContain('ok');

  await page.getByRole('button', { name: 'Edit connection fake-openai' }).click();
  dialog = page.getByRole('dialog', { name: 'Edit connection fake-openai' });
  await dialog.getByLabel('API key', { exact: true }).fill(WRONG);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  const rejected = await testRow(page, 'fake-openai');
  expect(rejected).toContain('failed');
  expect(rejected).toContain('rejected the API key (401)');
  expect(await pageText(page)).not.toContain(WRONG);

  await page.getByRole('button', { name: 'Edit connection fake-openai' }).click();
  dialog = page.getByRole('dialog', { name: 'Edit connection fake-openai' });
  await dialog.getByRole('button', { name: 'Clear API key' }).click();
  expect(await dialog.getByTestId('secret-api_key-state').textContent()).toContain('will be removed');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  await expect.poll(async () => (await studio.admin('GET', '/api/connections/fake-openai')).secrets).toEqual([]);
  expect(await page.getByTestId('connection-fake-openai').textContent()).toContain('none');
  expect(await testRow(page, 'fake-openai')).toContain('needs credentials (401): set the api_key secret');
}, 60_000);

it('an unreachable port is reported as a host it cannot reach; Ollama and HTTP connections test from the page', async () => {
  const port = await closedPort();
  await studio.admin('PUT', '/api/connections/nowhere', { type: 'openai', settings: { base_url: `http://127.0.0.1:${port}/v1` }, secrets: { api_key: KEY } });
  const page = await openConnections('connections-unreachable');
  expect(await testRow(page, 'nowhere')).toContain(`cannot reach host 127.0.0.1:${port}: nothing is listening there (connection refused)`);

  await page.getByRole('button', { name: 'New connection' }).click();
  let dialog = page.getByRole('dialog', { name: 'New connection' });
  await dialog.getByLabel('Name').fill('local-ollama');
  await dialog.getByLabel('Type').selectOption('ollama');
  await dialog.getByLabel('Base URL').fill(`${svc.url}/v1`);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  expect(await testRow(page, 'local-ollama')).toContain('ok');
  expect(svc.seen.at(-1)?.path).toBe('/api/tags');

  await page.getByRole('button', { name: 'New connection' }).click();
  dialog = page.getByRole('dialog', { name: 'New connection' });
  await dialog.getByLabel('Name').fill('status-api');
  await dialog.getByLabel('Type').selectOption('http');
  await dialog.getByLabel('Base URL').fill(`${svc.url}/status`);
  await dialog.getByLabel('Allow private and loopback addresses').check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  expect(await testRow(page, 'status-api')).toContain('ok');
  expect((await studio.admin('GET', '/api/connections/status-api')).settings).toEqual({ base_url: `${svc.url}/status`, allow_private_network: true });
}, 60_000);

it('edits a connection of a type it has no form for as JSON settings, keeping its secret', async () => {
  await studio.admin('PUT', '/api/connections/guard', { type: 'azure_content_safety', settings: { endpoint: 'https://cs.example' }, secrets: { api_key: KEY } });
  const page = await openConnections('connections-other-type');
  await page.getByRole('button', { name: 'Edit connection guard' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit connection guard' });
  expect(await dialog.getByLabel('Type').isDisabled()).toBe(true);
  await dialog.getByLabel('Settings (JSON)').fill('{"endpoint": "https://cs2.example"}');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  expect(await studio.admin('GET', '/api/connections/guard')).toMatchObject({ type: 'azure_content_safety', settings: { endpoint: 'https://cs2.example' }, secrets: ['api_key'] });
  expect((await studio.server.store.connections.resolve('guard'))?.secrets).toEqual({ api_key: KEY });
  // Test says plainly what it can test.
  expect(await testRow(page, 'guard')).toContain('Test works for openai, azure_openai, ollama, http');
}, 60_000);

it('deletes a connection after the in-app confirmation, not a native dialog', async () => {
  const page = await openConnections('connections-delete');
  let native = false;
  page.on('dialog', (d) => {
    native = true;
    void d.dismiss();
  });
  await page.getByRole('button', { name: 'Delete connection nowhere' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete connection nowhere' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  expect(await page.getByTestId('connection-nowhere').count()).toBe(1);
  await page.getByRole('button', { name: 'Delete connection nowhere' }).click();
  await page.getByRole('dialog', { name: 'Delete connection nowhere' }).getByRole('button', { name: 'Delete' }).click();
  await page.getByTestId('connection-nowhere').waitFor({ state: 'detached' });
  expect(native).toBe(false);
  expect((await studio.admin('GET', '/api/connections')).data.map((c: { name: string }) => c.name)).not.toContain('nowhere');
  // But Chromium's log of the 422 the untestable type provokes on purpose.
  expect(studio.consoleErrors.filter((e) => !e.includes('status of 422'))).toEqual([]);
}, 60_000);
