/**
 * Room on the canvas: new nodes land in free space, auto-layout runs left to right with room for a
 * node to grow, the side panels and run drawer collapse (remembered), a generated flow opens at a
 * zoom where its labels are drawn, and each node says in a line what its config does.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { dropNode, node } from './canvas-helpers.ts';

let studio: Studio;
beforeAll(async () => {
  studio = await startStudio({ examples: false });
}, 60_000);
afterAll(() => studio?.close(), 30_000);

const draft = async (name: string) => (await studio.admin('GET', `/api/flows/${name}`)).definition;

interface Box { id: string; x: number; y: number; width: number; height: number }

/** Every node box the canvas draws (the flow's inputs and outputs too), in screen pixels. */
async function boxes(page: Page): Promise<Box[]> {
  return page.locator('.react-flow__node').evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { id: el.getAttribute('data-id') ?? '', x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
}

const overlapping = (bs: Box[]) => {
  const pairs: string[] = [];
  for (let i = 0; i < bs.length; i++) for (let j = i + 1; j < bs.length; j++) {
    const a = bs[i], b = bs[j];
    if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) pairs.push(`${a.id} × ${b.id}`);
  }
  return pairs;
};

/** The zoom of the canvas (React Flow's viewport transform). */
const zoom = (page: Page) => page.locator('.react-flow__viewport').evaluate((el) => Number(/scale\(([\d.]+)\)/.exec((el as unknown as { style: { transform: string } }).style.transform)?.[1] ?? NaN));

async function openFlow(name: string, body: object): Promise<Page> {
  await studio.admin('PUT', `/api/flows/${name}`, { weir: 1, name, ...body });
  const page = await studio.open(`flows/${name}`);
  watch(page, `canvas-layout-${name}`);
  await node(page, 'inputs').waitFor();
  return page;
}

it('adds node after node with the palette’s + (and by dropping on a node) without any two overlapping', async () => {
  const page = await openFlow('crowded', { inputs: { question: { type: 'string' } }, nodes: [] });
  for (const [i, title] of ['Prompt', 'Prompt', 'Transform', 'LLM', 'Prompt'].entries()) {
    await page.getByRole('button', { name: `Add ${title}`, exact: true }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(i + 3);
  }
  await expect.poll(async () => overlapping(await boxes(page))).toEqual([]);
  // Dropped right on top of a box, a node moves aside into free space.
  const target = (await node(page, 'prompt').boundingBox())!;
  const pane = (await page.locator('.react-flow__pane').boundingBox())!;
  await dropNode(page, 'transform', target.x - pane.x + 20, target.y - pane.y + 10);
  await expect.poll(() => page.locator('.react-flow__node').count()).toBe(8);
  await expect.poll(async () => overlapping(await boxes(page))).toEqual([]);
  await expect.poll(async () => (await draft('crowded')).nodes.length).toBe(6);
  expect(studio.consoleErrors.join('\n')).toBe('');
}, 60_000);

it('lays the flow out left to right: every wire runs from a box on the left to one on its right, no box on another', async () => {
  // Every node written at the same spot: the worst start.
  const here: [number, number] = [0, 0];
  const page = await openFlow('tangle', {
    inputs: { question: { type: 'string' } },
    outputs: { answer: '${join.output}' },
    nodes: [
      { name: 'first', type: 'prompt', inputs: { q: '${inputs.question}' }, config: { template: 'A {{ q }}' } },
      { name: 'second', type: 'prompt', inputs: { q: '${inputs.question}' }, config: { template: 'B {{ q }}' } },
      { name: 'both', type: 'prompt', inputs: { a: '${first.output}', b: '${second.output}' }, config: { template: '{{ a }} {{ b }}' } },
      { name: 'join', type: 'transform', inputs: { text: '${both.output}' }, config: { expression: 'text' } },
    ],
    layout: { __inputs: here, first: here, second: here, both: here, join: here, __outputs: here },
  });
  expect(overlapping(await boxes(page)).length).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await expect.poll(async () => (await draft('tangle')).layout.first).not.toEqual(here);
  const wires: [string, string][] = [['__inputs', 'first'], ['__inputs', 'second'], ['first', 'both'], ['second', 'both'], ['both', 'join'], ['join', '__outputs']];
  await expect.poll(async () => {
    const by = Object.fromEntries((await boxes(page)).map((b) => [b.id, b]));
    return wires.filter(([s, t]) => !(by[s].x + by[s].width < by[t].x)).map(([s, t]) => `${s} → ${t}`);
  }).toEqual([]);
  expect(overlapping(await boxes(page))).toEqual([]);
  // Room for a run's status and streamed text: the boxes in one column stand apart by more than a line.
  const by = Object.fromEntries((await boxes(page)).map((b) => [b.id, b]));
  const [upper, lower] = [by.first, by.second].sort((a, b) => a.y - b.y);
  const scale = await zoom(page);
  expect((lower.y - (upper.y + upper.height)) / scale).toBeGreaterThanOrEqual(80);
  expect(studio.consoleErrors.join('\n')).toBe('');
}, 60_000);

it('collapses the palette, inspector and run drawer to give the canvas the window, and remembers it', async () => {
  const page = await openFlow('roomy', { inputs: { question: { type: 'string' } }, nodes: [] });
  const size = async () => (await page.locator('.canvas').boundingBox())!;
  const before = await size();
  expect(before.width).toBeLessThan(900);
  const panels = page.getByRole('group', { name: 'Panels' });
  for (const name of ['Node palette', 'Inspector', 'Run drawer']) {
    const toggle = panels.getByRole('button', { name });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
  }
  expect(await page.getByRole('complementary', { name: 'Node palette' }).count()).toBe(0);
  expect(await page.getByRole('complementary', { name: 'Inspector' }).count()).toBe(0);
  await expect.poll(async () => (await size()).width).toBeGreaterThanOrEqual(1200);
  expect((await size()).height).toBeGreaterThanOrEqual(700);

  // Remembered on the next visit; a key brings the palette back, a drawer tab opens the drawer.
  await page.reload();
  await node(page, 'inputs').waitFor();
  expect(await page.getByRole('group', { name: 'Panels' }).getByRole('button', { name: 'Node palette' }).getAttribute('aria-expanded')).toBe('false');
  expect((await size()).width).toBeGreaterThanOrEqual(1200);
  await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
  await page.keyboard.press('[');
  await page.getByRole('complementary', { name: 'Node palette' }).waitFor();
  await page.getByRole('tab', { name: 'History' }).click();
  expect(await page.getByRole('group', { name: 'Panels' }).getByRole('button', { name: 'Run drawer' }).getAttribute('aria-expanded')).toBe('true');
  expect(studio.consoleErrors.join('\n')).toBe('');
}, 60_000);

it('opens a generated six-box chat flow at a zoom where labels are drawn, each node summarising its config', async () => {
  // The chat flow "Add your data" generates, from its template (4 nodes and the flow's inputs and outputs).
  await studio.admin('POST', '/api/flows', { template: 'chat-with-your-data', name: 'chat-docs', params: { index: 'handbook', deployment: 'chat' } });
  const page = await studio.open('flows/chat-docs');
  watch(page, 'canvas-layout-chat-docs');
  await node(page, 'answer').waitFor();
  expect(await page.locator('.react-flow__node').count()).toBe(6);
  await expect.poll(() => zoom(page)).toBeGreaterThanOrEqual(0.75);
  expect(await page.locator('.canvas.far').count()).toBe(0);
  // The flow's question is readable where it starts, on the left.
  const label = node(page, 'inputs').locator('.port-name', { hasText: 'question' });
  expect(await label.isVisible()).toBe(true);
  const canvas = (await page.locator('.canvas').boundingBox())!;
  const at = (await label.boundingBox())!;
  expect(at.x).toBeGreaterThanOrEqual(canvas.x);
  expect(at.x + at.width).toBeLessThanOrEqual(canvas.x + canvas.width);

  // One line under each title: the model called, the index searched, the expression.
  const summary = (name: string) => node(page, name).locator('.wnode-summary').innerText();
  expect(await summary('answer')).toMatch(/^chat · Answer the question using only/);
  expect(await summary('retrieve')).toBe('handbook · hybrid · top_k 4');
  expect(await summary('cite')).toMatch(/^\[\$filter\(chunks/);
  // Edited, the summary follows.
  await node(page, 'retrieve').click();
  await page.getByRole('complementary', { name: 'Inspector' }).getByLabel('top_k').fill('8');
  await expect.poll(() => summary('retrieve')).toBe('handbook · hybrid · top_k 8');
  expect(studio.consoleErrors.join('\n')).toBe('');
}, 60_000);
