/**
 * A node's log lines in the studio (#19, "each round in the trace"): an llm node that calls a
 * sub-flow tool logs each round; after the run, and when the run is re-opened from the history in a
 * fresh page, the node's detail lists the lines (level, time, message) with their data folded away.
 * Both read the stored run (GET /api/runs/{id}). The upstream model is a loopback OpenAI-compatible
 * server scripted to call the tool (test/helpers/adding-upstream.ts); the rest is real.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADD_FLOW, AGENT_FLOW, startAddingUpstream, type AddingUpstream } from '../helpers/adding-upstream.ts';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { node } from './canvas-helpers.ts';

let studio: Studio;
let upstream: AddingUpstream;
beforeAll(async () => {
  studio = await startStudio({ examples: false });
  upstream = await startAddingUpstream();
  await studio.admin('PUT', '/api/connections/upstream', { type: 'openai', settings: { base_url: upstream.baseUrl }, secrets: { api_key: 'k' } });
  for (const doc of [ADD_FLOW, AGENT_FLOW]) await studio.admin('PUT', `/api/flows/${doc.name}`, doc);
}, 60_000);
afterAll(async () => {
  await studio?.close();
  await upstream?.close();
}, 30_000);

const drawer = (page: Page) => page.getByRole('region', { name: 'Run and problems' });
const inspector = (page: Page) => page.getByRole('complementary', { name: 'Inspector' });
const logList = (page: Page) => inspector(page).getByRole('list', { name: 'ask log' });

const ROUNDS = [
  'info llm round 1: the model called add',
  'info llm round 1: tool add answered',
  'info llm round 2: answered',
];

/** Each listed line as "level message". */
async function lines(page: Page): Promise<string[]> {
  const items = logList(page).getByRole('listitem');
  const out: string[] = [];
  for (let i = 0; i < (await items.count()); i++) {
    const item = items.nth(i);
    out.push(`${await item.locator('.run-log-head .tag').textContent()} ${await item.locator('.run-log-message').textContent()}`);
  }
  return out;
}

async function expectRounds(page: Page): Promise<void> {
  await node(page, 'ask').click();
  await expect.poll(() => lines(page)).toEqual(ROUNDS);
  expect(await inspector(page).getByRole('heading', { name: 'Log (3 lines)' }).count()).toBe(1);
  // The data is folded away until asked for, then shows the tool call the model made.
  const first = logList(page).getByRole('listitem').first();
  const data = first.getByLabel('ask log line 1 data');
  expect(await data.isVisible()).toBe(false);
  await first.getByText('data', { exact: true }).click();
  await expect.poll(() => data.isVisible()).toBe(true);
  expect(JSON.parse((await data.locator('pre').textContent())!)).toEqual({ round: 1, tool_calls: [{ id: 'call_1', name: 'add', arguments: '{"a": 2, "b": 3}' }] });
}

it("lists an llm node's tool rounds in its run detail, after the run and when re-opened from the history", async () => {
  const page = await studio.open('flows/agent');
  watch(page, 'node-logs-after-run');
  await node(page, 'ask').waitFor();
  await drawer(page).getByLabel('question').fill('What is 2 + 3?');
  await drawer(page).getByRole('button', { name: 'Run', exact: true }).click();
  await expect.poll(() => node(page, 'ask').getAttribute('data-status')).toBe('succeeded');
  expect(await drawer(page).getByLabel('output answer').textContent()).toContain('The sum is 5.');
  await expectRounds(page);

  // A fresh page knows nothing of the run but what the server stored.
  const again = await studio.open('flows/agent');
  watch(again, 'node-logs-reopened');
  await node(again, 'ask').waitFor();
  await drawer(again).getByRole('tab', { name: 'History' }).click();
  const rows = drawer(again).locator('.run-table tbody tr');
  await expect.poll(() => rows.count()).toBe(1);
  await rows.first().click();
  await expect.poll(() => node(again, 'ask').getAttribute('data-status')).toBe('succeeded');
  await expectRounds(again);
  expect(studio.consoleErrors).toEqual([]);
}, 90_000);
