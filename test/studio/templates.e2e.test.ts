/**
 * New flow from a template on the Flows page (the names a template needs picked from the server's),
 * and deleting a flow through the studio's own dialog, never the browser's confirm().
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { node } from './canvas-helpers.ts';

let studio: Studio;
beforeAll(async () => {
  studio = await startStudio({ examples: false });
  await studio.admin('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' });
  await studio.admin('POST', '/api/indexes', { name: 'handbook' });
}, 60_000);
afterAll(() => studio?.close(), 30_000);

it('makes a classification flow from its template with a deployment picked, and runs it offline', async () => {
  const page = await studio.open('flows');
  watch(page, 'templates-classification');
  await page.getByRole('button', { name: 'New flow' }).click();
  const dialog = page.getByRole('dialog', { name: 'New flow' });
  // Every template is offered; blank is the default.
  for (const title of ['Blank', 'Chat with your data', 'RAG with an HTTP tool', 'Classification']) await dialog.getByRole('radio', { name: new RegExp(`^${title}`) }).waitFor();
  expect(await dialog.getByRole('radio', { name: /^Blank/ }).isChecked()).toBe(true);

  await dialog.getByLabel('Flow name').fill('sorter');
  await dialog.getByRole('radio', { name: /^Classification/ }).check();
  const create = dialog.getByRole('button', { name: 'Create' });
  // The template needs a deployment: Create waits for one.
  expect(await create.isDisabled()).toBe(true);
  await dialog.getByLabel('Chat model deployment', { exact: true }).selectOption('chat');
  await create.click();

  await page.waitForURL(/#\/flows\/sorter$/);
  await node(page, 'classify').waitFor();
  expect(await node(page, 'classify').locator('.wnode-summary').innerText()).toMatch(/^chat · /);
  expect((await studio.admin('GET', '/api/flows/sorter')).problems).toEqual([]);

  await page.getByRole('region', { name: 'Run and problems' }).getByLabel('text').fill('Why was I charged twice? This is a complaint.');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  // The first call loads the model (its embedder): a while on a busy machine.
  await expect.poll(() => node(page, 'pick').getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');
  expect(studio.consoleErrors.join('\n')).toBe('');
}, 90_000);

it('makes a chat-with-your-data flow once an index and a deployment are picked', async () => {
  const page = await studio.open('flows');
  watch(page, 'templates-chat');
  await page.getByRole('button', { name: 'New flow' }).click();
  const dialog = page.getByRole('dialog', { name: 'New flow' });
  await dialog.getByLabel('Flow name').fill('ask-handbook');
  await dialog.getByRole('radio', { name: /^Chat with your data/ }).check();
  const create = dialog.getByRole('button', { name: 'Create' });
  await dialog.getByLabel('Data index', { exact: true }).selectOption('handbook');
  expect(await create.isDisabled()).toBe(true);
  await dialog.getByLabel('Chat model deployment', { exact: true }).selectOption('chat');
  await create.click();
  await node(page, 'retrieve').waitFor();
  const flow = await studio.admin('GET', '/api/flows/ask-handbook');
  expect(flow.definition.nodes.map((n: { name: string }) => n.name)).toEqual(['retrieve', 'answer', 'reply', 'cite']);
  expect(flow.definition.nodes[0].config.index).toBe('handbook');
  expect(flow.problems).toEqual([]);
  expect(studio.consoleErrors.join('\n')).toBe('');
}, 60_000);

it('asks in its own dialog before deleting a flow; Cancel keeps it', async () => {
  await studio.admin('PUT', '/api/flows/doomed', { weir: 1, name: 'doomed', nodes: [] });
  const page = await studio.open('flows');
  watch(page, 'templates-delete');
  const native: string[] = [];
  page.on('dialog', (d) => (native.push(d.message()), void d.dismiss()));
  await page.getByRole('button', { name: 'Delete doomed' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete flow “doomed”?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(await dialog.count()).toBe(0);
  expect((await studio.admin('GET', '/api/flows')).data.map((f: { name: string }) => f.name)).toContain('doomed');
  await page.getByRole('button', { name: 'Delete doomed' }).click();
  await dialog.getByRole('button', { name: 'Delete flow' }).click();
  await expect.poll(() => page.getByRole('link', { name: 'doomed' }).count()).toBe(0);
  expect((await studio.admin('GET', '/api/flows')).data.map((f: { name: string }) => f.name)).not.toContain('doomed');
  expect(native).toEqual([]);
  expect(studio.consoleErrors.join('\n')).toBe('');
}, 60_000);
