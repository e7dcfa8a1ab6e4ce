import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { node, setCode } from './canvas-helpers.ts';

let studio: Studio;
beforeAll(async () => {
  studio = await startStudio({ examples: false });
}, 60_000);
afterAll(() => studio?.close(), 30_000);

const draft = async (name: string) => (await studio.admin('GET', `/api/flows/${name}`)).definition;
const nodeDoc = async (flow: string, name: string) => (await draft(flow)).nodes.find((n: { name: string }) => n.name === name);

const look = { name: 'look', type: 'vector_lookup', inputs: { query: '${greet.output}' }, config: { index: 'x' } };
const doc = {
  weir: 1, name: 'insp', inputs: { name: { type: 'string' } }, outputs: { answer: '${greet.output}' },
  nodes: [
    { name: 'greet', type: 'prompt', inputs: { who: '${inputs.name}' }, config: { template: 'Hello {{ who }}' } },
    { name: 'shape', type: 'transform', inputs: { text: '${greet.output}' }, config: { expression: 'text' } },
    look,
  ],
  layout: { greet: [0, 0], shape: [300, 0], look: [300, 200] },
};

/** The flow as the node edits below leave it (greet renamed hello), with its one input named `input`. */
const edited = (input: string) => ({
  ...doc, inputs: { [input]: { type: 'string' } }, outputs: { answer: '${hello.output}' },
  nodes: [
    { name: 'hello', type: 'prompt', inputs: { who: `\${inputs.${input}}!`, extra: 42 }, config: { template: `Hi {{ who }} \${inputs.${input}}` } },
    { ...doc.nodes[1], inputs: { text: '${hello.output}' } },
    { ...look, inputs: { query: '${hello.output}' } },
  ],
  layout: { hello: [0, 0], shape: [300, 0], look: [300, 200] },
});

/** Saves `def` as the draft of flow `name` and opens it; the inspector shows the flow at first. */
async function open(name: string, def: object): Promise<{ page: Page; insp: Locator }> {
  await studio.admin('PUT', `/api/flows/${name}`, { ...def, name });
  const page = await studio.open(`flows/${name}`);
  watch(page, `inspector-${name}`);
  const insp = page.getByRole('complementary', { name: 'Inspector' });
  await insp.waitFor();
  expect(await insp.textContent()).toContain('Inputs');
  return { page, insp };
}

it('edits a node\'s config and input bindings, adds an input and renames the node with its references', async () => {
  const { page, insp } = await open('insp', doc);
  // A prompt: its template, a binding (refused while it does not parse), an extra input, a rename.
  await node(page, 'greet').click();
  await insp.getByLabel('Node name').waitFor();
  await setCode(page, 'template', 'Hi {{ who }} ${inputs.name}');
  await insp.getByLabel('Input who').fill('${inputs.nam');
  expect(await insp.getByRole('alert').count()).toBeGreaterThan(0);
  await insp.getByLabel('Input who').fill('${inputs.name}!');
  await insp.getByLabel('New input name').fill('extra');
  await insp.getByRole('button', { name: 'Add input' }).click();
  await insp.getByLabel('Input extra').fill('42');
  await insp.getByLabel('Node name').fill('hello');
  await insp.getByLabel('Node name').press('Enter');
  await expect.poll(() => nodeDoc('insp', 'hello')).toMatchObject({
    config: { template: 'Hi {{ who }} ${inputs.name}' }, inputs: { who: '${inputs.name}!', extra: 42 },
  });
  // The rename rewrote the references to the node, and the panel stays on it.
  const renamed = await draft('insp');
  expect(renamed.outputs.answer).toBe('${hello.output}');
  expect(renamed.nodes.find((n: { name: string }) => n.name === 'shape').inputs.text).toBe('${hello.output}');
  expect(await insp.getByLabel('Node name').inputValue()).toBe('hello');
  await node(page, 'hello').waitFor();
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('edits a node through the form from its config schema, checking bounds as typed, and its behaviour fields', async () => {
  const { page, insp } = await open('insp_schema', doc);
  // A form from the node's config schema: bounds are checked as typed; select, list and behaviour fields save.
  await node(page, 'look').click();
  await insp.getByLabel('top_k').fill('500');
  expect(await insp.getByRole('alert').first().textContent()).toContain('at most 100');
  await insp.getByLabel('top_k').fill('7');
  await insp.getByLabel('mode').selectOption('keyword');
  await insp.getByLabel('New sources').fill('a.md');
  await insp.getByLabel('New sources').press('Enter');
  // The index is a picker of the server's indexes: back to none.
  await insp.getByLabel('index').selectOption('');
  await insp.locator('summary', { hasText: 'Behaviour' }).click();
  await insp.getByLabel('Max attempts').fill('3');
  await insp.getByLabel('Backoff').fill('500ms');
  await insp.getByLabel('Timeout').fill('nope');
  await insp.getByLabel('Timeout').fill('30s');
  await insp.getByLabel('Run once per item of').fill('items');
  expect(await insp.getByRole('alert').first().textContent()).toContain('one reference to a list');
  await insp.getByLabel('Run once per item of').fill('${inputs.topics}');
  await insp.getByLabel('Concurrency').fill('4');
  await expect.poll(() => nodeDoc('insp_schema', 'look')).toMatchObject({
    config: { top_k: 7, mode: 'keyword', sources: ['a.md'] }, retry: { max_attempts: 3, backoff: '500ms' }, timeout: '30s',
    map: { over: '${inputs.topics}', concurrency: 4 },
  });
  expect((await nodeDoc('insp_schema', 'look')).config).toEqual({ top_k: 7, mode: 'keyword', sources: ['a.md'] });
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('with nothing selected edits the flow\'s settings; renaming a flow input rewrites the bindings that use it', async () => {
  const { page, insp } = await open('insp_flow', edited('name'));
  await node(page, 'hello').click();
  await insp.getByLabel('Node name').waitFor();
  // Nothing selected: the flow's own settings; renaming a flow input rewrites the bindings that use it.
  await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
  await insp.getByLabel('Flow description').fill('A test');
  await insp.getByRole('button', { name: '+ Add input' }).click();
  await insp.getByLabel('Input name name').fill('who');
  await insp.getByLabel('Input name name').press('Enter');
  await insp.getByLabel('Type of input').selectOption('integer');
  await insp.getByLabel('Default of input').fill('5');
  await expect.poll(() => draft('insp_flow')).toMatchObject({
    description: 'A test', inputs: { who: { type: 'string' }, input: { type: 'integer', default: 5 } },
  });
  expect((await draft('insp_flow')).inputs).toEqual({ who: { type: 'string' }, input: { type: 'integer', default: 5 } });
  expect((await nodeDoc('insp_flow', 'hello')).inputs.who).toBe('${inputs.who}!');
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('undo and redo reach the code editor without remounting it, typing merged into one step', async () => {
  const { page, insp } = await open('insp_undo', edited('who'));
  // Undo reaches the code editor without remounting it; typing merges into one undo step.
  await node(page, 'hello').click();
  const cm = insp.locator('[aria-label="template"] .cm-content');
  await cm.click();
  await page.keyboard.press('End');
  await page.keyboard.type(' abc');
  await expect.poll(() => cm.textContent()).toBe('Hi {{ who }} ${inputs.who} abc');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => cm.textContent()).toBe('Hi {{ who }} ${inputs.who}');
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect.poll(() => cm.textContent()).toBe('Hi {{ who }} ${inputs.who} abc');
  expect(await insp.locator('.cm-weir-ref').first().textContent()).toBe('${inputs.who}');
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('says when several nodes are selected and deletes them together', async () => {
  const { page, insp } = await open('insp_multi', edited('who'));
  await node(page, 'hello').click();
  await insp.getByLabel('Node name').waitFor();
  // Several nodes: the panel says so and deletes them together.
  await node(page, 'shape').click({ modifiers: ['Shift'] });
  await insp.getByText('2 nodes selected').waitFor();
  await insp.getByRole('button', { name: 'Delete 2 nodes' }).click();
  await expect.poll(() => node(page, 'hello').count()).toBe(0);
  expect(await node(page, 'shape').count()).toBe(0);
  await insp.getByLabel('Flow description').waitFor();
  await expect.poll(async () => (await draft('insp_multi')).nodes.map((n: { name: string }) => n.name)).toEqual(['look']);
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);
