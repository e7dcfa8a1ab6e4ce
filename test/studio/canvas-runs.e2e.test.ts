import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { slowUpstream } from '../helpers/server-process.ts';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { node } from './canvas-helpers.ts';

let studio: Studio;
let upstream: Awaited<ReturnType<typeof slowUpstream>>;
beforeAll(async () => {
  studio = await startStudio({ examples: false });
  upstream = await slowUpstream();
}, 60_000);
afterAll(async () => {
  await studio?.close();
  await upstream?.close();
}, 30_000);

const drawer = (page: Page) => page.getByRole('region', { name: 'Run and problems' });
const inspector = (page: Page) => page.getByRole('complementary', { name: 'Inspector' });
const statuses = (page: Page, names: string[]) => Promise.all(names.map((n) => node(page, n).getAttribute('data-status')));
/** The text of a run value (an output, a node's inputs or output), without its copy button. */
const value = (page: Page, label: string) => page.getByLabel(label, { exact: true }).locator('pre').textContent();
const runHead = (page: Page) => drawer(page).locator('.run-result-head .tag').first();

async function openFlow(doc: { name: string; [key: string]: unknown }, shot: string): Promise<Page> {
  await studio.admin('PUT', `/api/flows/${doc.name}`, doc);
  const page = await studio.open(`flows/${doc.name}`);
  watch(page, shot);
  await node(page, 'inputs').waitFor();
  return page;
}

const failing = {
  weir: 1, name: 'failing',
  inputs: { name: { type: 'string', default: 'Ada' }, loud: { type: 'boolean', default: false } },
  outputs: { greeting: '${greet.output}', broken: '${boom.output}', shouted: '${shout.output}' },
  nodes: [
    { name: 'greet', type: 'prompt', inputs: { name: '${inputs.name}' }, config: { template: 'Hello {{ name }}' } },
    { name: 'boom', type: 'transform', inputs: { text: '${greet.output}' }, config: { expression: '$error("boom: " & text)' } },
    { name: 'shout', type: 'transform', inputs: { text: '${inputs.name}' }, config: { expression: '$uppercase(text)' }, activate: { when: '${inputs.loud}', is: true } },
  ],
  layout: { greet: [0, 0], boom: [280, -80], shout: [280, 120] },
};

it('shows a failed node with its error, a node skipped by activate, and re-opens past runs from the history', async () => {
  const page = await openFlow(failing, 'canvas-runs-failing');
  await drawer(page).getByRole('button', { name: 'Run', exact: true }).click();
  await expect.poll(() => statuses(page, ['greet', 'boom', 'shout'])).toEqual(['succeeded', 'failed', 'skipped']);
  await expect.poll(() => runHead(page).textContent()).toBe('failed');
  // The run's error names the failing node and the error code.
  const runError = drawer(page).locator('.run-error');
  expect(await runError.textContent()).toContain('transform_failed');
  expect(await runError.textContent()).toContain('boom');
  expect(await runError.textContent()).toContain('boom: Hello Ada');

  // Node details: the failed node's inputs and error; the skipped node's reason; the good node's output.
  await node(page, 'boom').click();
  const detail = inspector(page).locator('.node-run-detail');
  await expect.poll(() => detail.locator('.run-error').textContent()).toContain('transform_failed');
  expect(await detail.locator('.tag').first().textContent()).toBe('failed');
  expect(await detail.locator('.run-error').textContent()).toContain('boom: Hello Ada');
  expect(await page.getByLabel('boom inputs').textContent()).toContain('"text": "Hello Ada"');
  await node(page, 'shout').click();
  await expect.poll(() => inspector(page).locator('.run-skip').textContent()).toBe('Skipped: activate: ${inputs.loud} is false, not true');
  await node(page, 'greet').click();
  await expect.poll(() => value(page, 'greet output')).toBe('Hello Ada');

  // A second run, loud: shout runs this time.
  await drawer(page).getByRole('checkbox').check();
  await drawer(page).getByRole('button', { name: 'Run', exact: true }).click();
  await expect.poll(() => statuses(page, ['greet', 'boom', 'shout'])).toEqual(['succeeded', 'failed', 'succeeded']);
  await expect.poll(() => runHead(page).textContent()).toBe('failed');
  const runs = (await studio.admin('GET', '/api/runs?flow=failing')).data;
  expect(runs.map((r: { status: string }) => r.status)).toEqual(['failed', 'failed']);

  // History lists both, newest first; the older one re-opens with its own node states.
  await drawer(page).getByRole('tab', { name: 'History' }).click();
  const rows = drawer(page).locator('.run-table tbody tr');
  await expect.poll(() => rows.count()).toBe(2);
  expect(await rows.locator('code').evaluateAll((cs) => cs.map((c) => c.getAttribute('title')))).toEqual(runs.map((r: { id: string }) => r.id));
  expect((await studio.admin('GET', `/api/runs/${runs[1].id}`)).inputs).toEqual({ name: 'Ada', loud: false });
  await rows.nth(1).click();
  await expect.poll(() => statuses(page, ['greet', 'boom', 'shout'])).toEqual(['succeeded', 'failed', 'skipped']);
  await expect.poll(() => rows.nth(1).getAttribute('aria-selected')).toBe('true');
  expect(await drawer(page).locator('.run-open-bar code').getAttribute('title')).toBe(runs[1].id);
  await node(page, 'shout').click();
  await expect.poll(() => inspector(page).locator('.run-skip').count()).toBe(1);
  await rows.nth(0).click();
  await expect.poll(() => statuses(page, ['greet', 'boom', 'shout'])).toEqual(['succeeded', 'failed', 'succeeded']);
  await expect.poll(() => value(page, 'shout output')).toBe('ADA');
  expect(studio.consoleErrors).toEqual([]);
}, 90_000);

const PASSAGES = `[1] Weir runs flows built on a canvas. Each flow is stored as a YAML file.
[2] The server listens on port 8080 by default. You can change the port with the --port option.
[3] Employees receive 25 days of paid leave per year. The office is closed on public holidays.`;

it('streams an llm node\'s answer from a model deployment into the run panel and the node', async () => {
  await studio.admin('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' });
  await expect.poll(async () => (await studio.admin('GET', '/api/deployments/chat')).state, { timeout: 60_000, interval: 250 }).not.toBe('loading');
  const chat = await studio.admin('GET', '/api/deployments/chat');
  expect({ state: chat.state, reason: chat.reason }).toEqual({ state: 'ready', reason: null });
  const page = await openFlow({
    weir: 1, name: 'ask', inputs: { question: { type: 'string' } }, outputs: { answer: '${answer.output}' },
    nodes: [{
      name: 'answer', type: 'llm', inputs: { question: '${inputs.question}' },
      config: { deployment: 'chat', max_tokens: 200, template: `system:\nAnswer only from the sources below.\n\n${PASSAGES}\nuser:\n{{ question }}` },
    }],
    layout: { answer: [0, 0] },
  }, 'canvas-runs-llm');
  // The node type says it streams.
  expect(await node(page, 'answer').locator('.wnode-badge').getAttribute('title')).toBe('streams its output');
  await drawer(page).getByLabel('question').fill('Which port does the server listen on by default?');
  await drawer(page).getByRole('button', { name: 'Run', exact: true }).click();
  await expect.poll(() => node(page, 'answer').getAttribute('data-status'), { timeout: 30_000 }).toBe('succeeded');
  await expect.poll(() => runHead(page).textContent()).toBe('succeeded');
  const answer = 'The server listens on port 8080 by default. [2]';
  expect(await drawer(page).getByLabel('output answer').textContent()).toContain(answer);
  // The box shows the text it streamed (only node.chunk events write it), and the node detail the output.
  expect(await node(page, 'answer').locator('.wnode-stream').textContent()).toContain(answer);
  await node(page, 'answer').click();
  await expect.poll(() => page.getByLabel('answer output').textContent()).toContain(answer);
  expect(await page.getByLabel('answer inputs').textContent()).toContain('Which port');
  expect(await drawer(page).locator('.run-result-head').textContent()).toMatch(/tokens/);
  const [run] = (await studio.admin('GET', '/api/runs?flow=ask')).data;
  expect(run.status).toBe('succeeded');
  expect((await studio.admin('GET', `/api/runs/${run.id}`)).outputs.answer).toContain(answer);
  expect(studio.consoleErrors).toEqual([]);
}, 120_000);

it('cancels a slow run from the run panel', async () => {
  await studio.admin('PUT', '/api/connections/upstream', { type: 'http', settings: { base_url: upstream.url, allow_private_network: true } });
  const page = await openFlow({
    weir: 1, name: 'slow', inputs: { ms: { type: 'integer', default: 30000 } }, outputs: { slept: '${fetch.output}' },
    nodes: [{ name: 'fetch', type: 'http', inputs: { ms: '${inputs.ms}' }, config: { url: '/slow?ms={{ ms }}', connection: 'upstream' } }],
    layout: { fetch: [0, 0] },
  }, 'canvas-runs-cancel');
  await drawer(page).getByRole('button', { name: 'Run', exact: true }).click();
  await expect.poll(() => node(page, 'fetch').getAttribute('data-status')).toBe('running');
  await drawer(page).getByRole('button', { name: 'Running…' }).waitFor();
  await drawer(page).getByRole('button', { name: 'Cancel' }).click();
  await expect.poll(() => runHead(page).textContent(), { timeout: 10_000 }).toBe('cancelled');
  expect(await node(page, 'fetch').getAttribute('data-status')).toBe('cancelled');
  // The server ended the run (its run_cancelled), not the studio dropping the stream after waiting.
  expect(await drawer(page).locator('.run-error code').first().textContent()).toBe('run_cancelled');
  await drawer(page).getByRole('button', { name: 'Run', exact: true }).waitFor();
  const [run] = (await studio.admin('GET', '/api/runs?flow=slow')).data;
  await expect.poll(async () => (await studio.admin('GET', `/api/runs/${run.id}`)).status).toBe('cancelled');
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);
