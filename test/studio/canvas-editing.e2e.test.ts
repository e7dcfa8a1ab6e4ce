import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { dragNode, drawnAt, edgesBetween, node, setCode } from './canvas-helpers.ts';

type NodeDoc = { name: string; type: string; inputs?: Record<string, unknown>; config?: Record<string, unknown> };

let studio: Studio;
let hello: any;
beforeAll(async () => {
  studio = await startStudio();
  hello = (await studio.admin('GET', '/api/flows/hello')).definition;
}, 60_000);
afterAll(() => studio?.close(), 30_000);

const draft = async (name: string) => (await studio.admin('GET', `/api/flows/${name}`)).definition;
const nodeDoc = async (flow: string, name: string): Promise<NodeDoc | undefined> => (await draft(flow)).nodes.find((n: NodeDoc) => n.name === name);
const names = async (flow: string) => (await draft(flow)).nodes.map((n: NodeDoc) => n.name);

/** A copy of the example `hello` flow under another name, opened on the canvas. */
async function openCopy(name: string): Promise<Page> {
  await studio.admin('PUT', `/api/flows/${name}`, { ...hello, name });
  const page = await studio.open(`flows/${name}`);
  watch(page, `canvas-editing-${name}`);
  await node(page, 'greet').waitFor();
  return page;
}

it('copies and pastes a selection with fresh names and references between the copies, duplicates, and deletes with the edges', async () => {
  const page = await openCopy('clip');
  await node(page, 'greet').click();
  await node(page, 'shout').click({ modifiers: ['Shift'] });
  await page.getByText('2 nodes selected').waitFor();
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await node(page, 'shout_2').waitFor();
  // The copy of shout reads the copy of greet; references to anything else (the flow inputs) stay.
  await expect.poll(() => nodeDoc('clip', 'shout_2')).toMatchObject({ type: 'transform', inputs: { text: '${greet_2.output}', excited: '${inputs.excited}' }, config: hello.nodes[1].config });
  expect(await nodeDoc('clip', 'greet_2')).toMatchObject({ type: 'prompt', inputs: { name: '${inputs.name}' }, config: hello.nodes[0].config });
  const moved = (n: string) => [hello.layout[n][0] + 40, hello.layout[n][1] + 40];
  expect((await draft('clip')).layout).toMatchObject({ greet_2: moved('greet'), shout_2: moved('shout') });
  expect(await edgesBetween(page, 'greet_2', 'shout_2').count()).toBe(1);
  // The copies are selected now, and the originals keep their own references.
  await page.getByText('2 nodes selected').waitFor();
  expect(await page.getByRole('complementary', { name: 'Inspector' }).textContent()).toContain('greet_2, shout_2');
  expect((await nodeDoc('clip', 'shout'))!.inputs!.text).toBe('${greet.output}');

  // Ctrl+D duplicates the selected node.
  await node(page, 'count').click();
  await page.keyboard.press('Control+d');
  await node(page, 'count_2').waitFor();
  await expect.poll(() => nodeDoc('clip', 'count_2')).toMatchObject({ inputs: { text: '${greet.output}' }, config: hello.nodes[2].config });

  // Delete (the key) removes the node and every edge it had; what read it loses that binding.
  // The duplicate's box can go a render before its edge does: count edges once it is drawn.
  await expect.poll(() => edgesBetween(page, 'greet', 'count_2').count()).toBe(1);
  const edges = await page.locator('.react-flow__edge').count();
  await node(page, 'greet_2').click();
  await page.keyboard.press('Delete');
  await expect.poll(() => node(page, 'greet_2').count()).toBe(0);
  // The node's box can go a render before its edges do: wait for both.
  await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(edges - 2);
  expect(await edgesBetween(page, 'greet_2', 'shout_2').count()).toBe(0);
  await expect.poll(() => names('clip')).toEqual(['greet', 'shout', 'count', 'shout_2', 'count_2']);
  expect((await nodeDoc('clip', 'shout_2'))!.inputs).toEqual({ excited: '${inputs.excited}' });
  expect((await draft('clip')).layout.greet_2).toBeUndefined();
  // The toolbar's Delete does the same for a selection of several.
  await node(page, 'shout_2').click();
  await node(page, 'count_2').click({ modifiers: ['Shift'] });
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect.poll(() => names('clip')).toEqual(['greet', 'shout', 'count']);
  await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(6);
  expect(studio.consoleErrors).toEqual([]);
}, 90_000);

it('saves a dragged position as one undo step, and an auto-layout into the draft layout', async () => {
  const page = await openCopy('arrange');
  const before = hello.layout.count;
  await dragNode(page, 'count', 160, 140);
  await expect.poll(async () => (await draft('arrange')).layout.count).not.toEqual(before);
  const moved = (await draft('arrange')).layout.count;
  expect(moved[0]).toBeGreaterThan(before[0] + 60);
  expect(moved[1]).toBeGreaterThan(before[1] + 60);
  expect(await drawnAt(page, 'count')).toEqual(moved);
  // The frames of the drag were not history: one undo puts it back, and there is nothing left to undo.
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (await draft('arrange')).layout.count).toEqual(before);
  expect(await drawnAt(page, 'count')).toEqual(before);
  expect(await page.getByRole('button', { name: 'Undo' }).isDisabled()).toBe(true);

  // Auto-layout: every box (the flow's inputs and outputs too) gets a left-to-right position, saved and drawn.
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await expect.poll(async () => Object.keys((await draft('arrange')).layout).sort()).toEqual(['__inputs', '__outputs', 'count', 'greet', 'shout']);
  const l = (await draft('arrange')).layout;
  expect(l).not.toMatchObject(hello.layout);
  expect(l.__inputs[0]).toBeLessThan(l.greet[0]);
  expect(l.greet[0]).toBeLessThan(l.shout[0]);
  expect(l.shout[0]).toBeLessThan(l.__outputs[0]);
  expect(l.shout[0]).toBe(l.count[0]);
  for (const id of ['greet', 'shout', 'count', '__inputs']) expect(await drawnAt(page, id)).toEqual(l[id]);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(async () => (await draft('arrange')).layout).toEqual(hello.layout);
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('redraws an edge when a reference is edited by hand in the inspector', async () => {
  const page = await openCopy('rewire');
  const textEdge = page.getByTestId('rf__edge-shout|in:text|0');
  expect(await textEdge.getAttribute('aria-label')).toBe('Edge from greet to shout');
  await node(page, 'shout').click();
  await page.getByLabel('Input text').fill('${inputs.name}');
  await expect.poll(() => nodeDoc('rewire', 'shout')).toMatchObject({ inputs: { text: '${inputs.name}', excited: '${inputs.excited}' } });
  await expect.poll(() => textEdge.getAttribute('aria-label')).toBe('Edge from __inputs to shout');
  expect(await edgesBetween(page, 'greet', 'shout').count()).toBe(0);
  expect(await edgesBetween(page, '__inputs', 'shout').count()).toBe(2);
  // The line itself now starts at the flow input's "name" handle.
  const h = (await node(page, 'inputs').locator('[data-port="out:name"] .react-flow__handle').boundingBox())!;
  const p = (await textEdge.locator('path.react-flow__edge-path').boundingBox())!;
  expect(Math.abs(p.x - (h.x + h.width))).toBeLessThan(6);
  expect(p.y).toBeLessThanOrEqual(h.y + h.height);
  expect(p.y + p.height).toBeGreaterThanOrEqual(h.y);
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('lists a dangling reference in Problems with a badge on its node; clicking the problem selects that node', async () => {
  const page = await openCopy('dangling');
  const insp = page.getByRole('complementary', { name: 'Inspector' });
  await node(page, 'count').click();
  await insp.getByLabel('Input text').fill('${ghost.output}');
  await insp.getByText('no node named "ghost"').waitFor();
  await page.getByRole('tab', { name: 'Problems (1)' }).click();
  const problem = page.getByRole('list', { name: 'Problems' }).getByRole('button');
  await expect.poll(() => problem.textContent()).toContain('unknown_node_reference');
  expect(await problem.textContent()).toContain('"ghost"');
  expect(await node(page, 'count').locator('.wnode-problems').textContent()).toBe('1');
  expect(await edgesBetween(page, 'greet', 'count').count()).toBe(0);
  // With nothing selected the inspector shows the flow; the problem's button takes it to the node.
  await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
  await insp.getByLabel('Flow description').waitFor();
  await problem.click();
  await expect.poll(() => insp.getByLabel('Node name').inputValue()).toBe('count');
  expect(await page.locator('.react-flow__node[data-id="count"]').getAttribute('class')).toContain('selected');
  // Fixed, the problem and the badge go.
  await insp.getByLabel('Input text').fill('${greet.output}');
  await page.getByText('No problems: the flow is valid.').waitFor();
  expect(await node(page, 'count').locator('.wnode-problems').count()).toBe(0);
  expect((await studio.admin('GET', '/api/flows/dangling')).problems).toEqual([]);
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('exports the flow as a .flow.yaml file that imports again under another name', async () => {
  const page = await openCopy('trip');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
  expect(download.suggestedFilename()).toBe('trip.flow.yaml');
  const text = readFileSync((await download.path())!, 'utf8');
  expect(text).toMatch(/^name: trip$/m);
  expect(parse(text)).toEqual(await draft('trip'));

  await page.getByRole('link', { name: 'Flows' }).first().click();
  await page.getByRole('button', { name: 'Import file' }).waitFor();
  await page.getByLabel('Import flow file').setInputFiles({ name: 'trip-copy.flow.yaml', mimeType: 'application/yaml', buffer: Buffer.from(text.replace(/^name: trip$/m, 'name: trip_copy')) });
  await page.waitForURL(/#\/flows\/trip_copy$/);
  await node(page, 'shout').waitFor();
  await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(6);
  const copy = await draft('trip_copy');
  expect(copy).toEqual({ ...(await draft('trip')), name: 'trip_copy' });
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);

it('publishes two versions and marks changed and added nodes when comparing them and the draft', async () => {
  const page = await openCopy('ver');
  const publish = async (message: string, version: number) => {
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByLabel('Version message').fill(message);
    await page.locator('.modal').getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('dialog', { name: `Version ${version} published` }).waitFor();
    await page.locator('.modal').getByRole('button', { name: 'Close', exact: true }).click();
  };
  await publish('first', 1);
  await node(page, 'greet').click();
  await setCode(page, 'template', 'Hi {{ name }}!');
  await expect.poll(async () => (await nodeDoc('ver', 'greet'))!.config).toEqual({ template: 'Hi {{ name }}!' });
  await publish('second', 2);
  expect((await studio.admin('GET', '/api/flows/ver/versions')).data.map((v: { message: string }) => v.message).sort()).toEqual(['first', 'second']);

  // The panel opens on v1 → v2: greet changed, nothing else.
  await page.getByRole('button', { name: 'Versions' }).click();
  const panel = page.getByRole('complementary', { name: 'Versions' });
  await expect.poll(() => node(page, 'greet').getAttribute('data-mark')).toBe('changed');
  expect(await panel.getByLabel('From version').inputValue()).toBe('1');
  expect(await panel.getByLabel('To version').inputValue()).toBe('2');
  expect(await panel.locator('.vp-counts').textContent()).toContain('1 changed');
  expect(await node(page, 'shout').getAttribute('data-mark')).toBeNull();
  expect(await node(page, 'count').getAttribute('data-mark')).toBeNull();
  await panel.getByRole('button', { name: 'Back to draft' }).click();
  await expect.poll(() => node(page, 'greet').getAttribute('data-mark')).toBeNull();

  // A node added to the draft shows as added against v2.
  await page.getByRole('button', { name: 'Add Transform' }).click();
  await node(page, 'transform').waitFor();
  await panel.getByLabel('To version').selectOption('draft');
  await panel.getByLabel('From version').selectOption('2');
  const marks = () => Promise.all(['transform', 'greet', 'shout'].map((n) => node(page, n).getAttribute('data-mark')));
  await expect.poll(marks).toEqual(['added', null, null]);
  expect(await panel.locator('.vp-counts').textContent()).toContain('1 added');
  expect(await names('ver')).toContain('transform');
  // Back to draft clears the marks and the canvas is editable again.
  await panel.getByRole('button', { name: 'Back to draft' }).click();
  await expect.poll(() => node(page, 'transform').getAttribute('data-mark')).toBeNull();
  expect(await page.locator('.viewing-banner').count()).toBe(0);
  expect(await page.getByRole('button', { name: 'Delete', exact: true }).isDisabled()).toBe(false);
  expect(studio.consoleErrors).toEqual([]);
}, 90_000);

it('opens a draft the canvas cannot draw in the YAML view with the reason, and the canvas once it is mended', async () => {
  const broken = 'weir: 1\nname: mangled\ninputs: { q: { type: string } }\nnodes:\n  - name: a\n    type: prompt\n    inputs: [1, 2]\n';
  const res = await fetch(`${studio.server.url}/api/flows`, { method: 'POST', headers: { authorization: 'Bearer studio-admin-token', 'content-type': 'application/yaml' }, body: broken });
  expect(res.status).toBe(201);
  const page = await studio.open('flows/mangled');
  watch(page, 'canvas-editing-mangled');
  await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('node "a": `inputs` is not a mapping');
  expect(await page.locator('.react-flow').count()).toBe(0);
  await setCode(page, 'Flow YAML', broken.replace('inputs: [1, 2]', 'inputs: { q: ${inputs.q} }\n    config: { template: "{{ q }}" }'));
  await node(page, 'a').waitFor();
  expect((await draft('mangled')).nodes[0].inputs).toEqual({ q: '${inputs.q}' });
  expect(studio.consoleErrors.join('\n')).toBe('');
});

it('two tabs on one draft: the later save is refused with a choice, and Reload shows the other save', async () => {
  await studio.admin('PUT', '/api/flows/shared', { ...hello, name: 'shared' });
  const a = await studio.open('flows/shared');
  const b = await studio.open('flows/shared');
  watch(b, 'canvas-editing-two-tabs');
  for (const p of [a, b]) await node(p, 'greet').waitFor();
  await a.getByLabel('Flow description').fill('from tab A');
  await expect.poll(async () => (await draft('shared')).description).toBe('from tab A');
  await b.getByLabel('Flow description').fill('from tab B');
  await expect.poll(() => b.getByTestId('save-state').textContent()).toContain('Changed elsewhere');
  expect((await draft('shared')).description).toBe('from tab A');
  await b.getByRole('button', { name: 'Reload' }).click();
  await expect.poll(() => b.getByLabel('Flow description').inputValue()).toBe('from tab A');
  // The refused save logged its 412 in the console; nothing else may have.
  expect(studio.consoleErrors.filter((e) => !e.includes('412')).join('\n')).toBe('');
  await a.close();
  await b.close();
});
