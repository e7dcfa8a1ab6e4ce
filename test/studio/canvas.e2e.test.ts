import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { dropNode, handle, node, setCode, wire } from './canvas-helpers.ts';

let studio: Studio;
beforeAll(async () => {
  studio = await startStudio({ examples: false });
}, 60_000);
afterAll(() => studio?.close(), 30_000);

const draft = async (name: string) => (await studio.admin('GET', `/api/flows/${name}`)).definition;

async function newFlow(page: Page, name: string) {
  await page.getByRole('button', { name: 'New flow' }).click();
  await page.getByLabel('Flow name').fill(name);
  await page.getByRole('button', { name: 'Create' }).click();
  await node(page, 'inputs').waitFor();
}

/** The flow as the first test builds it on the canvas: a prompt on the question, a boolean `strict` input beside. */
const built = {
  weir: 1, name: 'greeter',
  inputs: { strict: { type: 'boolean' }, question: { type: 'string' } },
  outputs: { prompt: '${prompt.output}' },
  nodes: [{ name: 'prompt', type: 'prompt', inputs: { question: '${inputs.question}' }, config: { template: 'Hello {{ question }}!' } }],
  layout: { prompt: [203, -135] },
};

/** Saves the built flow under `name` through the API and opens it on the canvas with its two edges drawn. */
async function openBuilt(name: string): Promise<Page> {
  await studio.admin('PUT', `/api/flows/${name}`, { ...built, name });
  const page = await studio.open(`flows/${name}`);
  watch(page, `canvas-${name}`);
  await node(page, 'prompt').waitFor();
  await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
  return page;
}

it('builds a flow by dragging and wiring nodes, and edits it in the YAML view', async () => {
  const page = await studio.open('flows');
  watch(page, 'canvas-build');
  await newFlow(page, 'greeter');

  // An empty flow says how to start; the hint goes with the first node.
  await page.getByTestId('canvas-hint').waitFor();
  // Drag a prompt onto the canvas; its inspector opens; write its template.
  await dropNode(page, 'prompt', 420, 160);
  await node(page, 'prompt').waitFor();
  expect(await page.getByTestId('canvas-hint').count()).toBe(0);
  await setCode(page, 'template', 'Hello {{ question }}!');
  // Wire the flow input into the prompt's "+ input", and the prompt into the flow's "+ output".
  await wire(page, handle(page, 'inputs', 'out:question'), handle(page, 'prompt', 'in:+'));
  await wire(page, handle(page, 'prompt', 'out'), handle(page, 'outputs', 'in:+'));
  await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
  await expect.poll(async () => (await draft('greeter')).nodes[0]).toMatchObject({ inputs: { question: '${inputs.question}' }, config: { template: 'Hello {{ question }}!' } });
  await expect.poll(async () => (await draft('greeter')).outputs).toEqual({ prompt: '${prompt.output}' });

  // The YAML view shows the same flow; an input added there appears on the canvas.
  await page.getByRole('tab', { name: 'YAML' }).click();
  const yamlText = () => page.locator('[aria-label="Flow YAML"] .cm-content').innerText();
  await expect.poll(yamlText).toContain('question: ${inputs.question}');
  const yaml = await (await fetch(`${studio.server.url}/api/flows/greeter`, { headers: { authorization: 'Bearer studio-admin-token', accept: 'application/yaml' } })).text();
  await setCode(page, 'Flow YAML', yaml.replace(/inputs:\n/, 'inputs:\n  strict:\n    type: boolean\n'));
  await expect.poll(async () => (await draft('greeter')).inputs).toHaveProperty('strict');
  await page.getByRole('tab', { name: 'Canvas' }).click();
  await handle(page, 'inputs', 'out:strict').waitFor();
  expect(studio.consoleErrors.join('\n')).toBe('');
}, 60_000);

it('refuses a wire between ports of different types on the spot, with the reason', async () => {
  const page = await openBuilt('refused');
  // A boolean cannot feed a vector lookup's query: the wire is refused on the spot, with the reason.
  await dropNode(page, 'vector_lookup', 420, 420);
  await node(page, 'vector_lookup').waitFor();
  await wire(page, handle(page, 'inputs', 'out:strict'), handle(page, 'vector_lookup', 'in:query'));
  // A bounded read: a refusal that never shows fails here, not at the test's timeout.
  await expect.poll(() => page.getByRole('alert').innerText({ timeout: 1000 }).catch(() => '')).toContain('flow input "strict" gives a boolean, but vector_lookup.query takes a string or array');
  expect(await page.locator('.react-flow__edge').count()).toBe(2);
  expect(studio.consoleErrors.join('\n')).toBe('');
}, 60_000);

it('undoes and redoes a dropped node with the keyboard and the buttons, then deletes it', async () => {
  const page = await openBuilt('undo');
  await dropNode(page, 'vector_lookup', 420, 420);
  await node(page, 'vector_lookup').waitFor();
  await expect.poll(async () => (await draft('undo')).nodes.map((n: { name: string }) => n.name)).toEqual(['prompt', 'vector_lookup']);
  // Undo takes the lookup away, redo brings it back (keyboard and buttons); then delete it.
  await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
  await page.keyboard.press('Control+z');
  await expect.poll(() => node(page, 'vector_lookup').count()).toBe(0);
  await page.keyboard.press('Control+Shift+z');
  await node(page, 'vector_lookup').waitFor();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => node(page, 'vector_lookup').count()).toBe(0);
  await page.getByRole('button', { name: 'Redo' }).click();
  await node(page, 'vector_lookup').click();
  await page.keyboard.press('Delete');
  await expect.poll(() => node(page, 'vector_lookup').count()).toBe(0);
  await expect.poll(async () => (await draft('undo')).nodes.map((n: { name: string }) => n.name)).toEqual(['prompt']);
  expect(studio.consoleErrors.join('\n')).toBe('');
}, 60_000);

it('runs the flow: the node lights up as done and its output is readable in the inspector', async () => {
  const page = await openBuilt('run');
  await page.getByRole('region', { name: 'Run and problems' }).getByLabel('question').fill('Ada');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect.poll(() => node(page, 'prompt').getAttribute('data-status')).toBe('succeeded');
  await node(page, 'prompt').click();
  await expect.poll(() => page.getByLabel('prompt output').innerText()).toContain('Hello Ada!');
  expect(studio.consoleErrors.join('\n')).toBe('');
}, 60_000);

it('publishes the flow with a message, deploys the version, and the endpoint answers with a key', async () => {
  const page = await openBuilt('ship');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByLabel('Version message').fill('first greeter');
  await page.locator('.modal').getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('button', { name: 'Deploy version 1' }).click();
  await page.getByLabel('Deployment name').fill('greeter');
  await page.locator('.modal').getByRole('button', { name: 'Deploy', exact: true }).click();
  await page.waitForURL(/#\/deployments\/greeter$/);
  const { key } = await studio.admin('POST', '/api/deployments/greeter/keys', {});
  const res = await fetch(`${studio.server.url}/deployments/greeter/score`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ question: 'Grace', strict: false }) });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ prompt: 'Hello Grace!' });
  expect(studio.consoleErrors.join('\n')).toBe('');
}, 60_000);
