/**
 * The model catalog as a new user meets it, against the real server: what runs on this machine and
 * what needs a download; a deploy of absent weights refused with how to get them; Download with its
 * progress from a loopback Hugging Face mirror (HF_ENDPOINT, the documented way to use a mirror),
 * then the model deploys; offline, the download's failure says what to do. A deployment that failed
 * to load does not strand the Playground, and the chat-flow generator neither offers it nor deploys
 * the default chat model a second time.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closedPort } from '../helpers/fake-llm-service.ts';
import { startModelMirror, type ModelMirror } from '../helpers/model-mirror.ts';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { expectNoSeriousA11yViolations } from './axe.ts';

const MODEL = 'smollm2-135m-instruct';
let studio: Studio;
let mirror: ModelMirror;
const savedEndpoint = process.env.HF_ENDPOINT;

beforeAll(async () => {
  mirror = await startModelMirror();
  process.env.HF_ENDPOINT = mirror.url;
  studio = await startStudio({ examples: false });
}, 60_000);
afterAll(async () => {
  await studio?.close();
  await mirror?.close();
  if (savedEndpoint === undefined) delete process.env.HF_ENDPOINT;
  else process.env.HF_ENDPOINT = savedEndpoint;
}, 30_000);

const state = async (name: string) => (await studio.admin('GET', `/api/deployments/${name}`)).state as string;

async function openModel(id: string, shot: string): Promise<Page> {
  const page = await studio.open(`models/${id}`);
  watch(page, shot);
  await page.getByLabel('Model details').waitFor();
  return page;
}

it('marks each catalog model as on this machine, remote, or a download of its size', async () => {
  const page = await studio.open('models');
  watch(page, 'catalog-availability');
  await page.getByRole('table', { name: 'Model catalog' }).waitFor();
  const tag = (id: string) => page.getByTestId(`model-row-${id}`).getByTestId('availability').textContent();
  expect(await tag('weir-extractive')).toBe('ships with Weir');
  expect(await tag('use-lite')).toBe('ships with Weir');
  expect(await tag(MODEL)).toBe('download 105 MB');
  expect(await tag('gpt-4o-mini')).toBe('via connection');
  await expectNoSeriousA11yViolations(page, 'models page');
});

it('refuses to deploy a model whose weights are absent, saying in the deploy form how to get them', async () => {
  const page = await openModel(MODEL, 'catalog-deploy-absent');
  await page.getByRole('region', { name: 'Download' }).waitFor();
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  const alert = page.getByRole('form', { name: 'Deploy model' }).getByRole('alert');
  await alert.waitFor();
  const text = await alert.textContent();
  expect(text).toContain(`model "${MODEL}" is not on this machine`);
  expect(text).toContain('Download button');
  expect(text).toContain(`weir models pull ${MODEL}`);
  expect((await studio.admin('GET', '/api/deployments')).data).toEqual([]);
});

it('downloads with progress from the mirror; the model is then on this machine and deploys', async () => {
  const page = await openModel(MODEL, 'catalog-download');
  mirror.hold();
  await page.getByRole('button', { name: /^Download \(105 MB\)$/ }).click();
  // Half the file came and the rest is held back: the page shows the download under way.
  const progress = page.getByTestId('download-progress');
  await expect.poll(() => progress.textContent(), { timeout: 15_000 }).toMatch(/^50% · /);
  expect(await page.getByRole('progressbar', { name: `Downloading ${MODEL}` }).getAttribute('value')).toBe('50');
  expect(await page.getByRole('button', { name: 'Downloading…' }).isDisabled()).toBe(true);
  mirror.release();

  await page.getByRole('region', { name: 'Download' }).waitFor({ state: 'detached', timeout: 15_000 });
  expect(await page.getByLabel('Model details').getByTestId('availability').textContent()).toBe('downloaded');
  expect(mirror.asked.at(-1)).toBe('/bartowski/SmolLM2-135M-Instruct-GGUF/resolve/main/SmolLM2-135M-Instruct-Q4_K_M.gguf');

  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect.poll(() => page.getByTestId('deploy-status').textContent(), { timeout: 60_000 }).toContain('ready');
}, 90_000);

it('offline, the download fails with a message that says the host cannot be reached and what to do instead', async () => {
  const port = await closedPort();
  process.env.HF_ENDPOINT = `http://127.0.0.1:${port}`;
  try {
    const page = await openModel('qwen2.5-0.5b-instruct', 'catalog-offline');
    await page.getByRole('button', { name: /^Download/ }).click();
    const error = page.getByTestId('download-error');
    await error.waitFor({ timeout: 20_000 });
    const text = await error.textContent();
    expect(text).toContain(`cannot reach 127.0.0.1:${port} (connection refused) — this machine looks offline`);
    expect(text).toContain(`copy it to ${path.join(studio.server.store.dir, 'models', 'Qwen2.5-0.5B-Instruct-Q4_K_M.gguf')}`);
    expect(text).toContain('weir models add <path>');
    await page.getByRole('button', { name: 'Try the download again' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'model page with a failed download');
  } finally {
    process.env.HF_ENDPOINT = mirror.url;
  }
}, 60_000);

/**
 * "aaa-broken" (failed to load) and "chat" (the extractive model, ready), made once: a registered
 * file that is not a model, so deploying is allowed and loading fails for real.
 */
async function failedAndReady(): Promise<void> {
  const have = (await studio.admin('GET', '/api/deployments')).data.map((d: { name: string }) => d.name);
  if (have.includes('aaa-broken') && have.includes('chat')) return;
  const file = path.join(studio.server.store.dir, 'broken.gguf');
  writeFileSync(file, 'not a gguf file');
  await studio.server.store.models.put({
    id: 'broken-chat', name: 'Broken chat', publisher: 'tests', task: 'chat-completion', provider: 'llama-cpp', format: 'gguf', license: 'MIT',
    parameters: null, contextLength: 512, fileSizeBytes: 15, source: { kind: 'local', path: file }, price: null, description: 'not a model', labels: ['user'],
  });
  await studio.admin('POST', '/api/deployments', { name: 'aaa-broken', model: 'broken-chat' });
  await studio.admin('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' });
  await expect.poll(() => state('aaa-broken'), { timeout: 60_000 }).toBe('failed');
  await expect.poll(() => state('chat'), { timeout: 60_000 }).toBe('ready');
}

it('a failed deployment does not strand the Playground: a ready one is chosen, and the failure says what to do', async () => {
  await failedAndReady();
  const page = await studio.open('playground');
  watch(page, 'catalog-playground-failed');
  const picker = page.getByLabel('Deployment', { exact: true });
  await page.getByTestId('extractive-hint').waitFor();
  expect(await picker.inputValue()).toBe('chat');
  expect(await picker.locator('option').allTextContents()).toContain('aaa-broken (broken-chat) — failed to load');

  await picker.selectOption('aaa-broken');
  const failed = page.getByTestId('deployment-failed');
  await failed.waitFor();
  expect(await failed.textContent()).toContain('aaa-broken failed to load');
  expect(await failed.textContent()).toContain('delete it, then deploy the model again');
  await failed.getByRole('link', { name: 'chat' }).click();
  await page.waitForURL(/#\/playground\/chat$/);
  await page.getByTestId('extractive-hint').waitFor();
  expect(await page.getByLabel('Message', { exact: true }).isDisabled()).toBe(false);
}, 120_000);

it('the chat-flow generator neither offers a failed deployment nor deploys the default chat model again', async () => {
  await failedAndReady();
  await studio.admin('POST', '/api/indexes', { name: 'notes' });
  await studio.admin('POST', '/api/indexes/notes/documents?wait=true', { documents: [{ name: 'tea.md', content: '# Tea\n\nGreen tea steeps for two minutes at 80 degrees.' }] });
  const page = await studio.open('data/notes');
  watch(page, 'catalog-chat-flow');
  await page.getByRole('button', { name: 'Generate chat flow' }).click();
  const dialog = page.getByRole('dialog', { name: 'Generate chat flow' });
  const select = dialog.getByLabel('Chat deployment');
  await expect.poll(() => select.locator('option').allTextContents()).toContain('chat — the built-in extractive model (works offline; already deployed, reused)');
  const options = await select.locator('option').allTextContents();
  expect(options.join('\n')).not.toContain('aaa-broken');
  expect(await dialog.getByTestId('failed-deployments').textContent()).toContain('aaa-broken');
  await dialog.getByRole('button', { name: 'Generate and open' }).click();
  await page.waitForURL(/#\/flows\/chat-notes$/);
  const flow = await studio.admin('GET', '/api/flows/chat-notes');
  expect(flow.definition.nodes.find((n: { name: string }) => n.name === 'answer').config.deployment).toBe('chat');
  const names = (await studio.admin('GET', '/api/deployments')).data.map((d: { name: string }) => d.name);
  expect(names).not.toContain('default-chat');
}, 60_000);
