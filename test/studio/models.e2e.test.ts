import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';

let studio: Studio;

beforeAll(async () => {
  studio = await startStudio({ examples: false });
}, 60_000);
afterAll(async () => {
  await studio?.close();
});

/** Model ids of the catalog rows the page shows now, in order. */
const shownIds = (page: Page) =>
  page.locator('[data-testid^="model-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.slice('model-row-'.length)));

/** The ids the server answers for a query, to compare the page's filtering with. */
const serverIds = async (query: string) => (await studio.admin<{ data: { id: string }[] }>('GET', `/api/models${query}`)).data.map((m) => m.id);

/**
 * The "chat" deployment of weir-extractive, ready. A test that needs it makes it through the API
 * when an earlier test (which deploys it from the page) did not, so each test stands on its own.
 */
async function chatDeployed(): Promise<void> {
  const list = await studio.admin<{ data: { name: string }[] }>('GET', '/api/deployments');
  if (!list.data.some((d) => d.name === 'chat')) await studio.admin('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' });
  await expect.poll(async () => (await studio.admin('GET', '/api/deployments/chat')).state, { timeout: 60_000 }).toBe('ready');
}

// The steps run in this order on one server (no deployment at first, then "chat"), but each is its
// own test, so a failure in one still lets the others run and report.

it('with no model deployment, the playground explains and offers the offline default', async () => {
  const page = await studio.open('playground');
  watch(page, 'models-e2e-empty-playground');
  await page.getByTestId('playground-empty').waitFor();
  expect(await page.getByTestId('playground-empty').textContent()).toContain('weir-extractive');
});

it('searches and filters the catalog with its controls; each view matches the server\'s answer', async () => {
  const page = await studio.open('models');
  watch(page, 'models-e2e-catalog');
  await page.getByRole('table', { name: 'Model catalog' }).waitFor();
  await expect.poll(() => shownIds(page)).toEqual(await serverIds(''));
  expect((await shownIds(page)).length).toBeGreaterThan(10);

  await page.getByLabel('Search models').fill('extractive');
  await expect.poll(() => shownIds(page)).toEqual(['weir-extractive']);
  const row = page.getByTestId('model-row-weir-extractive');
  await row.getByTestId('extractive-badge').waitFor();
  expect(await row.textContent()).toContain('Apache-2.0');
  expect(await row.getByTestId('tools-badge').count()).toBe(0);

  await page.getByLabel('Search models').fill('');
  await page.getByLabel('Task').selectOption('embeddings');
  await page.getByLabel('Local only').check();
  const localEmbedders = await serverIds('?task=embeddings&local=true');
  await expect.poll(() => shownIds(page)).toEqual(localEmbedders);
  expect(localEmbedders).toContain('use-lite');
  expect(localEmbedders).not.toContain('text-embedding-3-small');

  await page.getByLabel('License').selectOption('MIT');
  await expect.poll(() => shownIds(page)).toEqual(await serverIds('?task=embeddings&local=true&license=MIT'));
  expect(await shownIds(page)).not.toContain('use-lite');

  await page.getByRole('button', { name: 'Clear filters' }).first().click();
  await page.getByLabel('Provider').selectOption('openai-compatible');
  await expect.poll(() => shownIds(page)).toEqual(await serverIds('?provider=openai-compatible'));
  expect(await page.getByTestId('model-row-gpt-4o-mini').textContent()).toMatch(/remote[\s\S]*\$/);
  // What the catalog says it supports: tools and JSON schemas.
  await page.getByTestId('model-row-gpt-4o-mini').getByTestId('tools-badge').waitFor();
  await page.getByTestId('model-row-gpt-4o-mini').getByTestId('json-badge').waitFor();
});

it('shows a model\'s catalog facts on its page, deploys it and links the ready deployment to the playground', async () => {
  const page = await studio.open('models');
  watch(page, 'models-e2e-deploy');
  await page.getByRole('table', { name: 'Model catalog' }).waitFor();
  await page.getByLabel('Search models').fill('weir');
  await page.getByRole('link', { name: 'Weir extractive answerer' }).click();
  await page.waitForURL(/#\/models\/weir-extractive$/);
  await page.getByTestId('extractive-note').waitFor();
  const facts = page.getByLabel('Model details');
  expect(await facts.textContent()).toContain('Apache-2.0');
  expect(await facts.textContent()).toContain('extractive');
  expect(await page.getByText('Not deployed yet.').count()).toBe(1);

  expect(await page.getByLabel('Deployment name').inputValue()).toBe('chat');
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  const status = page.getByTestId('deploy-status');
  await expect.poll(() => status.textContent(), { timeout: 60_000 }).toContain('ready');
  await page.getByTestId('deployment-chat').waitFor();
  expect((await studio.admin('GET', '/api/deployments/chat')).state).toBe('ready');

  // The playground, from the deploy panel's link.
  await status.getByRole('link', { name: 'Open in playground' }).click();
  await page.waitForURL(/#\/playground\/chat$/);
  await page.getByTestId('extractive-hint').waitFor();
  expect(await page.getByLabel('Deployment', { exact: true }).inputValue()).toBe('chat');
}, 90_000);

it('streams a cited answer in the playground, keeps the conversation for a follow-up and clears it', async () => {
  await chatDeployed();
  const page = await studio.open('playground/chat');
  watch(page, 'models-e2e-playground');
  await page.getByTestId('extractive-hint').waitFor();
  expect(await page.getByLabel('Deployment', { exact: true }).inputValue()).toBe('chat');

  await page.getByLabel('System message').fill(
    'Answer from the passages below.\n[1] The Eiffel Tower is in Paris. It was finished in 1889.\n[2] Mount Fuji is the highest mountain in Japan.',
  );
  const box = page.getByLabel('Message', { exact: true });
  // Shift+Enter is a new line, not a send.
  await box.fill('draft');
  await box.press('Shift+Enter');
  expect(await box.inputValue()).toBe('draft\n');
  expect(await page.getByTestId('turn-user').count()).toBe(0);

  await box.fill('What is the highest mountain in Japan?');
  const response = page.waitForResponse((r) => r.url().endsWith('/api/playground/chat'));
  await box.press('Enter');
  // The answer comes as a stream (SSE), not one JSON body.
  const res = await response;
  expect(res.headers()['content-type']).toContain('text/event-stream');
  expect(res.request().postDataJSON()).toMatchObject({ deployment: 'chat', stream: true, messages: [{ role: 'system' }, { role: 'user', content: 'What is the highest mountain in Japan?' }] });
  const answer = page.getByTestId('turn-assistant').last();
  await expect.poll(() => answer.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
  const text = await answer.locator('.turn-body').textContent();
  expect(text).toContain('Mount Fuji is the highest mountain in Japan.');
  expect(text).toContain('[2]');
  expect(text).not.toContain('Eiffel');
  // Usage and latency follow the streamed answer.
  const meta = await answer.getByTestId('turn-meta').textContent();
  expect(meta).toMatch(/\d+ prompt \+ \d+ completion = \d+ tokens/);
  expect(meta).toMatch(/\d+ ms total/);
  expect(await box.inputValue()).toBe('');

  // A follow-up keeps the conversation; clearing empties it.
  await box.fill('When was the Eiffel Tower finished?');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect.poll(() => page.getByTestId('turn-assistant').count()).toBe(2);
  await expect.poll(() => page.getByTestId('turn-assistant').last().getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
  expect(await page.getByTestId('turn-assistant').last().textContent()).toContain('The Eiffel Tower is in Paris. [1]');

  await page.getByRole('button', { name: 'Clear chat' }).click();
  expect(await page.getByTestId('turn-assistant').count()).toBe(0);
  expect(studio.consoleErrors).toEqual([]);
}, 90_000);

it('shows a refused call\'s own message in the transcript, then offers the offline default again and deploys it in one click', async () => {
  await chatDeployed();
  const page = await studio.open('playground/chat');
  watch(page, 'models-e2e-refused');
  await page.getByTestId('extractive-hint').waitFor();
  const box = page.getByLabel('Message', { exact: true });

  // A refused call shows the server's own message in the transcript, and the page goes on.
  await studio.admin('DELETE', '/api/deployments/chat');
  await box.fill('Is anyone there?');
  await box.press('Enter');
  const failed = page.getByTestId('turn-assistant').last();
  await expect.poll(() => failed.getAttribute('data-status')).toBe('error');
  expect(await failed.getByRole('alert').textContent()).toContain('deployment "chat" not found');
  await page.getByLabel('System message').waitFor();

  // With the deployment gone the playground offers the offline default again, and deploys it in one click.
  await page.goto(`${studio.server.url}/#/playground`);
  await page.getByRole('button', { name: 'Deploy weir-extractive as "chat"' }).click();
  await page.waitForURL(/#\/playground\/chat$/);
  await expect.poll(() => page.locator('.deployment-state').textContent(), { timeout: 60_000 }).toContain('ready');
  // Chromium logs every non-2xx response; that 404 is the only message allowed.
  expect(studio.consoleErrors.filter((e) => !/Failed to load resource.*404/.test(e))).toEqual([]);
}, 90_000);
